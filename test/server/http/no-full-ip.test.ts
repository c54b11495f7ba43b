// No full IP address leaves through /v1/me (or the support views of it): every GET body is scanned for
// every address the user's events carried, in every textual form, while the masked forms do show.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityItem, Page } from '../../../shared/api.js';
import { asUser, ingest, mintToken, signIn, startServer, type TestServer } from '../../support/server.js';
import { dottedQuads, findFullIps } from './ip-scan.js';

const USER = 'usr_ipscan';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

/** Every address that went in, as the host sent it. */
const IPS = [
  '203.0.113.9',
  '198.51.100.77',
  '2001:db8:85a3:1234:5678:8a2e:370:7334',
  '2001:0db8:85a3:0000:0000:8a2e:0370:7335',
  '::ffff:203.0.113.9',
  '::ffff:192.0.2.55',
  '198.51.100.200',
  '203.0.113.77',
  '2001:db8:85a3::1',
  '198.51.100.23',
  '203.0.113.250',
] as const;

let server: TestServer;
let token: string;
const bodies: { label: string; body: string }[] = [];

async function get(path: string, tok = token, headers: Record<string, string> = {}): Promise<string> {
  const res = await asUser(server, tok, path, { headers });
  const body = await res.text();
  expect(res.status, `${path}: ${body.slice(0, 200)}`).toBe(200);
  bodies.push({ label: path, body });
  return body;
}

/** The scan: no full form of any ingested address, and no unmasked dotted quad at all. */
function expectNoFullIp(label: string, body: string): void {
  expect(findFullIps(body, IPS), label).toEqual([]);
  expect(dottedQuads(body), label).toEqual([]);
}

beforeAll(async () => {
  server = await startServer();
  const t0 = Date.now() - 3600_000;
  const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();
  const res = await ingest(server, {
    events: [
      signIn(USER, 'sess_v4', { ip_address: IPS[0], timestamp: at(1) }),
      {
        event_type: 'login_failure',
        outcome: 'failure',
        user_id: USER,
        ip_address: IPS[1],
        timestamp: at(2),
        metadata: { reason: 'invalid_password' },
      },
      signIn(USER, 'sess_v6', { ip_address: IPS[2], user_agent: IPHONE, timestamp: at(3) }),
      {
        event_type: 'data_access',
        outcome: 'success',
        user_id: USER,
        session_id: 'sess_v6',
        ip_address: IPS[3],
        timestamp: at(4),
      },
      signIn(USER, 'sess_mapped', { ip_address: IPS[4], timestamp: at(5) }),
      signIn(USER, 'sess_mapped2', { ip_address: IPS[5], timestamp: at(6) }),
      {
        event_type: 'profile_update',
        outcome: 'success',
        user_id: USER,
        ip_address: IPS[0],
        timestamp: at(7),
        metadata: {
          client_ip: IPS[6],
          hops: [IPS[7], IPS[8]],
          detail: `request from ${IPS[9]} was checked`,
        },
      },
      {
        event_type: 'account_locked',
        outcome: 'success',
        user_id: USER,
        ip_address: IPS[1],
        timestamp: at(8),
      },
    ],
  });
  expect(res.status, await res.clone().text()).toBe(202);
  token = await mintToken(server, { userId: USER, sessionId: 'sess_v6' });
});

afterAll(async () => {
  await server?.stop();
});

describe('no full IP leaves through /v1/me', () => {
  it('activity: every page, every filter', async () => {
    let cursor: string | null = null;
    let pages = 0;
    do {
      const body = await get(`/v1/me/activity?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      cursor = (JSON.parse(body) as Page<ActivityItem>).next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThan(2);
    const from = new Date(Date.now() - 2 * 3600_000).toISOString();
    const to = new Date().toISOString();
    await get('/v1/me/activity?event_type=login_success,login_failure');
    await get('/v1/me/activity?outcome=failure');
    await get(`/v1/me/activity?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    await get('/v1/me/activity?limit=200&event_type=profile_update,data_access,account_locked');
  });

  it('sessions, devices, export (JSON and CSV), erasure, alerts', async () => {
    await get('/v1/me/sessions');
    await get('/v1/me/devices');
    await get('/v1/me/export?format=json');
    await get('/v1/me/export?format=csv');
    await get('/v1/me/export');
    await get('/v1/me/erasure');
    const alerts = await get('/v1/me/alerts');
    expect((JSON.parse(alerts) as { items: unknown[] }).items.length).toBeGreaterThan(0);
  });

  it('the same views through support', async () => {
    const support = await mintToken(server, { userId: 'agent_1', scope: 'support' });
    const h = { 'x-support-reason': 'TICKET-77' };
    for (const view of ['activity?limit=200', 'sessions', 'devices', 'erasure', 'alerts']) {
      await get(`/v1/support/users/${USER}/${view}`, support, h);
    }
  });

  it('the live stream', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${server.url}/v1/me/stream`, {
      headers: { authorization: `Bearer ${token}` },
      signal: ctrl.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = new TextDecoder().decode((await reader.read()).value);
    const sent = await ingest(server, signIn(USER, 'sess_v6', { ip_address: IPS[10] }));
    expect(sent.status).toBe(202);
    while (!text.includes('event: activity')) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    await reader.cancel();
    ctrl.abort();
    expect(text).toContain('event: activity');
    expect(text).toContain('203.0.113.xxx');
    bodies.push({ label: '/v1/me/stream', body: text });
  });

  it('every body scanned is clean, and the masked forms are what shows', () => {
    expect(bodies.length).toBeGreaterThan(15);
    for (const { label, body } of bodies) expectNoFullIp(label, body);
    const all = bodies.map((b) => b.body).join('\n');
    for (const masked of ['203.0.113.xxx', '198.51.100.xxx', '192.0.2.xxx', '2001:db8:85a3::/48']) {
      expect(all).toContain(masked);
    }
    // The IPv4-mapped address is shown as the IPv4 network it is, never as IPv6.
    expect(all).not.toMatch(/::ffff:/i);
  });

  it('the scan itself finds full addresses in every form (so it can fail)', () => {
    const leaky = JSON.stringify({
      a: '203.0.113.9',
      b: '2001:db8:85a3:1234:5678:8a2e:370:7334',
      c: '2001:db8:85a3::8a2e:370:7335',
      d: '::ffff:cb00:7109',
    });
    expect(findFullIps(leaky, ['203.0.113.9'])).not.toEqual([]);
    expect(findFullIps(leaky, ['2001:0db8:85a3:1234:5678:8a2e:0370:7334'])).not.toEqual([]);
    expect(findFullIps(leaky, ['2001:0db8:85a3:0000:0000:8a2e:0370:7335'])).not.toEqual([]);
    expect(findFullIps('{"ip":"::ffff:cb00:7109"}', ['::ffff:203.0.113.9'])).not.toEqual([]);
    expect(findFullIps('{"ip":"203.0.113.xxx"}', ['203.0.113.9'])).toEqual([]);
    expect(findFullIps('{"ip":"203.0.113.99"}', ['203.0.113.9'])).toEqual([]);
    expect(dottedQuads('"ip":"198.51.100.23"')).toEqual(['198.51.100.23']);
    expect(dottedQuads('Chrome/131.0.0.0 Safari')).toEqual([]);
  });
});
