// One calm alert model, through the real server: alerts carry rule + params for the component to word,
// concern the session that acted, settle themselves when that session is signed out, and never ask the
// user about their own report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityItem, AlertView, Page } from '../../../shared/api.js';
import { asUser, ingest, mintToken, startServer, type TestServer } from '../../support/server.js';

const LAPTOP =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const PHONE =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
const DAY = 86_400_000;

let server: TestServer;
let n = 0;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

/** A user with two weeks of sign-ins from home, then one from a new network on a new phone. */
async function account(): Promise<{ user: string; home: string; intruder: string; token: string }> {
  const user = `usr_calm_${++n}`;
  const now = Date.now();
  const events = [];
  for (let d = 14; d >= 1; d--) {
    events.push({
      event_type: 'login_success',
      outcome: 'success',
      user_id: user,
      session_id: `${user}_home_${d}`,
      ip_address: '198.51.100.20',
      user_agent: LAPTOP,
      timestamp: new Date(now - d * DAY).toISOString(),
    });
  }
  events.push({
    event_type: 'login_success',
    outcome: 'success',
    user_id: user,
    session_id: `${user}_home`,
    ip_address: '198.51.100.20',
    user_agent: LAPTOP,
    timestamp: new Date(now - 40 * 60_000).toISOString(),
  });
  events.push({
    id: `${user}_intruder_signin`,
    event_type: 'login_success',
    outcome: 'success',
    user_id: user,
    session_id: `${user}_intruder`,
    ip_address: '81.2.69.160',
    user_agent: PHONE,
    timestamp: new Date(now - 60_000).toISOString(),
  });
  expect((await ingest(server, { events })).status).toBe(202);
  const token = await mintToken(server, { userId: user, sessionId: `${user}_home` });
  return { user, home: `${user}_home`, intruder: `${user}_intruder`, token };
}

async function alerts(token: string): Promise<AlertView[]> {
  return ((await (await asUser(server, token, '/v1/me/alerts')).json()) as { items: AlertView[] }).items;
}

describe('alerts', () => {
  it('should carry rule, params and the session, with an English summary as fallback', async () => {
    const a = await account();
    const [alert] = await alerts(a.token);
    expect(alert).toMatchObject({
      rule: 'new_device',
      status: 'open',
      params: {
        browser: 'Chrome',
        kind: 'android_phone',
        name: 'Android phone',
        country: 'GB',
        city: 'London',
      },
    });
    expect(alert!.session).toMatch(/^ses_/);
    expect(alert!.summary).toContain('Android phone');
    expect(JSON.stringify(alert!.params)).not.toContain('81.2.69.160');
  });

  it('should resolve an alert about a session once that session is signed out', async () => {
    const a = await account();
    const [alert] = await alerts(a.token);
    const res = await asUser(server, a.token, `/v1/me/sessions/${alert!.session}`, { method: 'DELETE' });
    expect(res.status).toBeLessThan(300);
    const after = (await alerts(a.token)).find((x) => x.id === alert!.id);
    expect(after?.status).toBe('resolved');
  });

  it('should resolve it when the sign-in is reported, and raise nothing about the report itself', async () => {
    const a = await account();
    const [alert] = await alerts(a.token);
    const report = await asUser(server, a.token, `/v1/me/activity/${a.user}_intruder_signin/report`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(report.status).toBe(200);
    const after = await alerts(a.token);
    expect(after.map((x) => [x.rule, x.status])).toEqual([['new_device', 'resolved']]);
    expect(after[0]!.id).toBe(alert!.id);
  });

  it('should not alarm about the user’s own export from this device when another session is new', async () => {
    const a = await account();
    const res = await asUser(server, a.token, '/v1/me/export?format=json');
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    expect((await alerts(a.token)).map((x) => x.rule)).toEqual(['new_device']);
    const page = (await (
      await asUser(server, a.token, '/v1/me/activity?event_type=data_export')
    ).json()) as Page<ActivityItem>;
    expect(page.items[0]?.current).toBe(true);
  });

  it('should still raise when the new session itself exports', async () => {
    const a = await account();
    const events = [
      {
        event_type: 'data_export',
        outcome: 'success',
        user_id: a.user,
        session_id: a.intruder,
        timestamp: new Date().toISOString(),
      },
    ];
    expect((await ingest(server, { events })).status).toBe(202);
    const rules = (await alerts(a.token)).map((x) => x.rule);
    expect(rules).toContain('new_network_export');
  });
});
