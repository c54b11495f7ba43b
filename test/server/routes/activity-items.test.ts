// The activity page's items are written by the database, the export's by code (views/activity.ts, toItem):
// for every kind of row — devices of each sort, a revocation naming its session's device, places, IPv6,
// personal values and addresses in metadata, text that only looks like an address, awkward keys and
// characters — both must say the same thing about the same event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityItem, Page } from '../../../shared/api.js';
import { asUser, ingest, mintToken, signIn, startServer, type TestServer } from '../../support/server.js';
import { json } from '../http/helpers.js';

const USER = 'usr_items';
const IPAD =
  'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1';
const ANDROID =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
const BOT = 'curl/8.5.0';
const T0 = Date.now() - 86400_000;
const at = (minute: number) => new Date(T0 + minute * 60_000 + 7).toISOString();

let server: TestServer;
let token: string;
let page: ActivityItem[];
let exported: ActivityItem[];

beforeAll(async () => {
  server = await startServer();
  const events: Record<string, unknown>[] = [
    signIn(USER, 'h_here', { id: 'it_london', ip_address: '81.2.69.160', timestamp: at(1) }),
    signIn(USER, 'h_ipad', {
      id: 'it_ipad_v6',
      ip_address: '2001:4860:4860::8888',
      user_agent: IPAD,
      timestamp: at(2),
    }),
    signIn(USER, 'h_android', { id: 'it_android', user_agent: ANDROID, timestamp: at(3) }),
    {
      id: 'it_bot',
      event_type: 'data_access',
      outcome: 'success',
      user_id: USER,
      user_agent: BOT,
      timestamp: at(4),
    },
    { id: 'it_bare', event_type: 'password_reset_requested', user_id: USER, timestamp: at(5) },
    {
      ...signIn(USER, 'h_here', { id: 'it_personal', timestamp: at(6) }),
      event_type: 'profile_update',
      metadata: { email: 'alice@example.com', contact: { phone: '+44 20 7946 0958' }, field: 'email' },
    },
    {
      id: 'it_address_text',
      event_type: 'data_access',
      outcome: 'failure',
      user_id: USER,
      timestamp: at(7),
      metadata: { note: 'blocked 203.0.113.9 at the gateway', v6: 'from 2001:db8::1 too' },
    },
    {
      id: 'it_looks_like',
      event_type: 'data_access',
      outcome: 'success',
      user_id: USER,
      timestamp: at(8),
      metadata: { at: '12:30:00', ratio: 1.5, version: 'v2.1', list: [1, 2.25, 'a:b:c'] },
    },
    {
      id: 'it_awkward',
      event_type: 'data_access',
      outcome: 'success',
      user_id: USER,
      timestamp: at(9),
      metadata: {
        10: 'ten',
        2: 'two',
        z: { nested: [true, false, null, { deep: 'é ✓ 𝄞' }] },
        quote: 'say "hi" \\ there',
        empty: '',
        big: 12345678901234,
        neg: -3,
      },
    },
    {
      id: 'it_empty_meta',
      event_type: 'data_access',
      outcome: 'success',
      user_id: USER,
      timestamp: at(10),
      metadata: {},
    },
  ];
  const res = await ingest(server, { events });
  expect(res.status, await res.clone().text()).toBe(202);
  token = await mintToken(server, { userId: USER, sessionId: 'h_here' });

  // A revocation carries no user agent of its own: its item names the device of the session it ended.
  const sessions = await json<{ items: { id: string; device: { os: string | null } | null }[] }>(
    await asUser(server, token, '/v1/me/sessions'),
  );
  const other = sessions.items.find((s) => s.device?.os === 'Android')!;
  const revoked = await asUser(server, token, `/v1/me/sessions/${other.id}`, { method: 'DELETE' });
  expect(revoked.status).toBe(200);

  const exportRes = await asUser(server, token, '/v1/me/export?format=json');
  expect(exportRes.status).toBe(200);
  exported = (await json<{ items: (ActivityItem & { user_agent: unknown })[] }>(exportRes)).items.map(
    ({ user_agent: _, ...item }) => item,
  );
  const pageRes = await asUser(server, token, '/v1/me/activity?limit=200');
  expect(pageRes.status).toBe(200);
  expect(pageRes.headers.get('content-type')).toMatch(/^application\/json/);
  page = (await json<Page<ActivityItem>>(pageRes)).items;
});

afterAll(async () => {
  await server?.stop();
});

describe('activity items written by the database', () => {
  it('are the same events as the export, newest first', () => {
    expect(page.map((i) => i.id)).toEqual(exported.map((i) => i.id).reverse());
    expect(page.length).toBeGreaterThanOrEqual(12);
  });

  it('say the same as the items code makes, field for field', () => {
    const byId = new Map(exported.map((i) => [i.id, i]));
    for (const item of page) expect(item, item.id).toEqual(byId.get(item.id));
  });

  it('cover the rows that need code and those that do not', () => {
    const item = (id: string) => page.find((i) => i.id === id)!;
    expect(item('it_london').location?.country).toBe('GB');
    expect(item('it_london').current).toBe(true);
    expect(item('it_ipad_v6').device).toMatchObject({ os: 'iPadOS', kind: 'ipad' });
    expect(item('it_ipad_v6').ip).toBe('2001:4860:4860::/48');
    expect(item('it_android').device?.browser).toBe('Chrome');
    expect(item('it_bot').device?.type).toBe('bot');
    expect(item('it_bare').device).toBeNull();
    expect(item('it_personal').metadata).toMatchObject({ email: 'a***@example.com' });
    expect(JSON.stringify(item('it_address_text').metadata)).not.toContain('203.0.113.9');
    expect(item('it_looks_like').metadata).toEqual({
      at: '12:30:00',
      ratio: 1.5,
      version: 'v2.1',
      list: [1, 2.25, 'a:b:c'],
    });
    expect(item('it_empty_meta').metadata).toEqual({});
    const revocation = page.find((i) => i.event_type === 'session_revoked');
    expect(revocation?.device?.os).toBe('Android');
  });
});
