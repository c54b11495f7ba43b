// Scripted scenarios replayed through POST /v1/events with explicit timestamps; each asserts the exact
// alerts raised (read back from the store the server wrote).
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, ingest, mintToken, startServer, type TestServer } from '../../support/server.js';

const LAPTOP =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const PHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';

let server: TestServer;
let n = 0;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

interface Step {
  at: string;
  type: string;
  user?: string;
  ip?: string;
  ua?: string;
  session?: string;
  outcome?: 'success' | 'failure';
  metadata?: Record<string, unknown>;
}

/** Replays a scenario for fresh users (names are suffixed so scenarios never share accounts). */
async function replay(steps: Step[]): Promise<string> {
  const tag = `s${++n}`;
  const events = steps.map((s) => ({
    timestamp: s.at,
    event_type: s.type,
    ...(s.user ? { user_id: `${s.user}_${tag}` } : {}),
    ...(s.ip ? { ip_address: s.ip } : {}),
    ...(s.ua ? { user_agent: s.ua } : {}),
    ...(s.session ? { session_id: `${s.session}_${tag}` } : {}),
    ...(s.outcome ? { outcome: s.outcome } : {}),
    ...(s.metadata ? { metadata: s.metadata } : {}),
  }));
  const res = await ingest(server, { events });
  expect(res.status).toBe(202);
  return tag;
}

/** Alerts raised for a scenario's users (and host-wide ones from its events), as [rule, severity] by rule. */
function alertsFor(tag: string): [string, string][] {
  const db = new Database(server.dbPath, { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT a.rule, a.severity FROM alerts a
         WHERE a.subject IN (SELECT pseudonym FROM subjects WHERE user_id LIKE ?)
            OR EXISTS (SELECT 1 FROM json_each(a.event_ids) j JOIN events e ON e.id = j.value
                       JOIN personal_data p ON p.seq = e.seq WHERE p.user_id LIKE ?)
         ORDER BY a.rule`,
      )
      .all(`%_${tag}`, `%_${tag}`) as { rule: string; severity: string }[];
    return rows.map((r) => [r.rule, r.severity]);
  } finally {
    db.close();
  }
}

const incident = (secondIp: string): Step[] => [
  {
    at: '2026-04-01T09:14:22Z',
    type: 'login_success',
    user: 'user_8f3k',
    ip: '203.0.113.42',
    ua: LAPTOP,
    session: 'a',
    outcome: 'success',
  },
  {
    at: '2026-04-01T09:15:01Z',
    type: 'data_access',
    user: 'user_8f3k',
    session: 'a',
    metadata: { resource: 'financial_summary' },
  },
  {
    at: '2026-04-01T09:15:44Z',
    type: 'profile_update',
    user: 'user_8f3k',
    session: 'a',
    metadata: { field: 'email' },
  },
  { at: '2026-04-01T09:22:11Z', type: 'logout', user: 'user_8f3k', session: 'a' },
  {
    at: '2026-04-01T11:33:05Z',
    type: 'login_success',
    user: 'user_8f3k',
    ip: secondIp,
    ua: LAPTOP,
    session: 'b',
    outcome: 'success',
  },
  {
    at: '2026-04-01T11:33:09Z',
    type: 'data_export',
    user: 'user_8f3k',
    session: 'b',
    metadata: { format: 'csv' },
  },
  { at: '2026-04-01T11:33:12Z', type: 'logout', user: 'user_8f3k', session: 'b' },
];

describe('attack scenarios', () => {
  it('should raise a critical alert for the incident trail: email change, new network, export seconds later', async () => {
    const tag = await replay(incident('198.51.100.7'));
    expect(alertsFor(tag)).toEqual([['new_network_export', 'critical']]);
  });

  it('should raise a high alert when the export follows a new-network sign-in without a credential change', async () => {
    const trail = incident('198.51.100.7').filter((s) => s.type !== 'profile_update');
    const tag = await replay(trail);
    expect(alertsFor(tag)).toEqual([['new_network_export', 'high']]);
  });

  it('should raise one alert for credential stuffing: more than 5 failures from one IP across accounts in 10 minutes', async () => {
    const steps: Step[] = Array.from({ length: 8 }, (_, i) => ({
      at: `2026-05-02T03:0${i}:00Z`,
      type: 'login_failure',
      user: `victim${i}`,
      ip: '192.0.2.66',
      ua: LINUX,
      outcome: 'failure' as const,
      metadata: { reason: 'invalid_password' },
    }));
    const tag = await replay(steps);
    expect(alertsFor(tag)).toEqual([['failures_per_ip', 'high']]);
  });

  it('should raise a medium alert for repeated failures on one account', async () => {
    const steps: Step[] = Array.from({ length: 7 }, (_, i) => ({
      at: `2026-05-03T03:0${i}:00Z`,
      type: 'login_failure',
      user: 'target',
      ip: `198.51.100.${10 + i}`,
      ua: LINUX,
      outcome: 'failure' as const,
    }));
    const tag = await replay(steps);
    expect(alertsFor(tag)).toEqual([['failures_per_account', 'medium']]);
  });

  it('should raise a medium alert for sign-ins from two networks within 15 minutes', async () => {
    const tag = await replay([
      {
        at: '2026-05-04T08:00:00Z',
        type: 'login_success',
        user: 'traveller',
        ip: '203.0.113.5',
        ua: LAPTOP,
        session: 'a',
        outcome: 'success',
      },
      {
        at: '2026-05-04T08:07:00Z',
        type: 'login_success',
        user: 'traveller',
        ip: '198.51.100.9',
        ua: LAPTOP,
        session: 'b',
        outcome: 'success',
      },
    ]);
    expect(alertsFor(tag)).toEqual([['two_networks', 'medium']]);
  });

  it('should give a notice for a new device from a new network, and alert on mfa_disabled always', async () => {
    const tag = await replay([
      {
        at: '2026-05-05T08:00:00Z',
        type: 'login_success',
        user: 'alex',
        ip: '203.0.113.5',
        ua: LAPTOP,
        session: 'a',
        outcome: 'success',
      },
      {
        at: '2026-05-06T20:00:00Z',
        type: 'login_success',
        user: 'alex',
        ip: '2001:db8:aa::1',
        ua: LINUX,
        session: 'b',
        outcome: 'success',
      },
      { at: '2026-05-06T20:01:00Z', type: 'mfa_disabled', user: 'alex', session: 'b', outcome: 'success' },
    ]);
    expect(alertsFor(tag)).toEqual([
      ['mfa_disabled', 'high'],
      ['new_device', 'notice'],
    ]);
  });
});

describe('benign scenarios', () => {
  it('should raise nothing for the incident trail when the second sign-in comes from the first network', async () => {
    const tag = await replay(incident('203.0.113.42'));
    expect(alertsFor(tag)).toEqual([]);
  });

  it('should raise nothing for a user on a phone and a laptop at home', async () => {
    const steps: Step[] = [];
    for (let d = 1; d <= 5; d++) {
      steps.push(
        {
          at: `2026-06-0${d}T08:00:00Z`,
          type: 'login_success',
          user: 'home',
          ip: '203.0.113.20',
          ua: LAPTOP,
          session: `l${d}`,
          outcome: 'success',
        },
        {
          at: `2026-06-0${d}T08:05:00Z`,
          type: 'login_success',
          user: 'home',
          ip: '203.0.113.20',
          ua: PHONE,
          session: `p${d}`,
          outcome: 'success',
        },
        { at: `2026-06-0${d}T21:00:00Z`, type: 'data_export', user: 'home', session: `l${d}` },
      );
    }
    expect(alertsFor(await replay(steps))).toEqual([]);
  });

  it('should raise nothing for a commuter changing networks hours apart', async () => {
    const steps: Step[] = [];
    for (let d = 1; d <= 5; d++) {
      steps.push(
        {
          at: `2026-07-0${d}T07:30:00Z`,
          type: 'login_success',
          user: 'commuter',
          ip: '203.0.113.30',
          ua: PHONE,
          session: `h${d}`,
          outcome: 'success',
        },
        {
          at: `2026-07-0${d}T09:30:00Z`,
          type: 'login_success',
          user: 'commuter',
          ip: '198.51.100.30',
          ua: PHONE,
          session: `w${d}`,
          outcome: 'success',
        },
        {
          at: `2026-07-0${d}T18:30:00Z`,
          type: 'login_success',
          user: 'commuter',
          ip: '203.0.113.30',
          ua: PHONE,
          session: `e${d}`,
          outcome: 'success',
        },
      );
    }
    expect(alertsFor(await replay(steps))).toEqual([]);
  });

  it('should raise nothing for five failures then a success', async () => {
    const steps: Step[] = Array.from({ length: 5 }, (_, i) => ({
      at: `2026-08-01T09:0${i}:00Z`,
      type: 'login_failure',
      user: 'forgetful',
      ip: '203.0.113.77',
      ua: LAPTOP,
      outcome: 'failure' as const,
      metadata: { reason: 'invalid_password' },
    }));
    steps.push({
      at: '2026-08-01T09:06:00Z',
      type: 'login_success',
      user: 'forgetful',
      ip: '203.0.113.77',
      ua: LAPTOP,
      session: 'a',
      outcome: 'success',
    });
    expect(alertsFor(await replay(steps))).toEqual([]);
  });
});

describe('alerts for the user', () => {
  it('should list alerts on /v1/me/alerts and acknowledge one with "yes, this was me"', async () => {
    const tag = await replay(incident('198.51.100.7'));
    const token = await mintToken(server, { userId: `user_8f3k_${tag}` });
    const list = await (await asUser(server, token, '/v1/me/alerts')).json();
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ rule: 'new_network_export', severity: 'critical', status: 'open' });
    const ack = await asUser(server, token, `/v1/me/alerts/${list.items[0].id}/ack`, { method: 'POST' });
    expect(ack.status).toBe(200);
    expect((await ack.json()).status).toBe('acknowledged');
    const activity = await (await asUser(server, token, '/v1/me/activity?event_type=alert_raised')).json();
    expect(activity.items).toHaveLength(1);
  });

  it('should not let another user acknowledge the alert', async () => {
    const tag = await replay(incident('198.51.100.7'));
    const owner = await mintToken(server, { userId: `user_8f3k_${tag}` });
    const list = await (await asUser(server, owner, '/v1/me/alerts')).json();
    const other = await mintToken(server, { userId: 'someone_else' });
    const res = await asUser(server, other, `/v1/me/alerts/${list.items[0].id}/ack`, { method: 'POST' });
    expect(res.status).toBe(404);
  });
});
