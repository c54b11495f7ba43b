// Sessions and devices are read once per batch and written once per job: a batch must leave them exactly as
// the same events sent one at a time do, and whatever else the transaction does to them (a revocation in
// the middle of the batch) must see, and not be undone by, what the batch holds in memory.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, signIn } from '../../support/server.js';
import { buildApp, type InProcessApp } from '../http/helpers.js';

const { sql } = (await import(
  pathToFileURL(join(ROOT, 'dist/server/store/sql.js')).href
)) as typeof import('../../../server/store/sql.js');

const SESSIONS =
  sql(`SELECT s.ref, u.user_id, s.status, s.created_at, s.last_seen_at, s.ip_net, s.browser, s.os,
    s.device_type, s.ended_at, s.revoked_by, s.host_tag, d.fingerprint AS device
  FROM sessions s JOIN subjects u ON u.pseudonym = s.subject LEFT JOIN devices d ON d.id = s.device_id
  ORDER BY s.ref`);
const DEVICES =
  sql(`SELECT u.user_id, d.fingerprint, d.browser, d.os, d.device_type, d.first_seen, d.last_seen,
    d.ip_net FROM devices d JOIN subjects u ON u.pseudonym = d.subject ORDER BY u.user_id, d.fingerprint`);
// Pseudonyms differ between two servers; everything else about a hit or an alert must not.
const HITS = sql(`SELECT kind, ts, flag, event_id,
    CASE WHEN kind = 'failure_ip' THEN (SELECT user_id FROM subjects WHERE pseudonym = net) ELSE net END AS net
  FROM rule_hits ORDER BY id`);
const ALERTS = sql('SELECT rule, severity, status, summary, event_ids FROM alerts ORDER BY created_at, rule');
const ID_FORMAT = sql('SELECT id FROM sessions UNION ALL SELECT id FROM devices');

const UAS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
];
const TYPES = ['login_success', 'data_access', 'data_access', 'session_created', 'logout', 'login_failure'];

/** A mixed batch: sessions opened, touched out of order, ended, touched again; one ref used by two users. */
function mixedEvents(): Record<string, unknown>[] {
  const t0 = Date.parse('2026-11-30T08:00:00Z');
  const events: Record<string, unknown>[] = [];
  for (let i = 0; i < 120; i++) {
    const user = `usr_batch_${i % 5}`;
    const type = TYPES[(i * 7) % TYPES.length]!;
    events.push({
      id: `ev_batch_${i}`,
      event_type: type,
      outcome: type === 'login_failure' ? 'failure' : 'success',
      user_id: user,
      session_id: `hs_${i % 5}_${(i >> 2) % 3}`,
      // Out of order within the batch: an older sighting must not move the session back.
      timestamp: new Date(t0 + ((i * 37) % 120) * 60_000).toISOString(),
      ...(i % 4 === 3 ? {} : { ip_address: `198.51.${i % 3}.${10 + (i % 5)}` }),
      ...(i % 6 === 5 ? {} : { user_agent: UAS[(i + (i >> 3)) % UAS.length] }),
    });
  }
  // Another user's events on a ref the first user opened: they touch nothing and open nothing.
  events.push({
    ...signIn('usr_batch_0', 'hs_shared'),
    id: 'ev_shared_0',
    timestamp: new Date(t0).toISOString(),
  });
  events.push({
    ...signIn('usr_batch_9', 'hs_shared'),
    id: 'ev_shared_9',
    timestamp: new Date(t0 + 1).toISOString(),
  });
  events.push({
    event_type: 'data_access',
    user_id: 'usr_batch_9',
    session_id: 'hs_shared',
    id: 'ev_shared_9b',
  });
  return events;
}

const apps: InProcessApp[] = [];
afterAll(async () => {
  for (const a of apps) await a.close();
});

async function app(env: Record<string, string>): Promise<InProcessApp> {
  const a = await buildApp(env);
  apps.push(a);
  return a;
}

async function post(a: InProcessApp, events: Record<string, unknown>[]): Promise<void> {
  const res = await a.app.request('/v1/events', {
    method: 'POST',
    headers: {
      authorization: `Bearer ${a.env.RECEIPTS_INGEST_KEYS!.split(',')[0]}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ events }),
  });
  expect(res.status, await res.clone().text()).toBe(202);
}

const state = async (a: InProcessApp) => ({
  // A revocation (and its `session_revoked` event) is on the server's clock, not the events': the two
  // servers differ there.
  sessions: (await a.services.store.db.all<Record<string, unknown>>(SESSIONS)).map((s) =>
    s.revoked_by === 'password_change'
      ? {
          ...s,
          ended_at: 'now',
          last_seen_at: (s.last_seen_at as number) >= Date.now() - 600_000 ? 'now' : s.last_seen_at,
        }
      : s,
  ),
  devices: await a.services.store.db.all<Record<string, unknown>>(DEVICES),
});

/** Two servers with the same secrets: one gets the events as one batch, the other one at a time. */
async function batchAndSingles(events: Record<string, unknown>[], env: Record<string, string> = {}) {
  const shared = { RECEIPTS_PEPPER: randomBytes(32).toString('base64url'), ...env };
  const batched = await app(shared);
  const single = await app(shared);
  await post(batched, events);
  for (const e of events) await post(single, [e]);
  return { batched, single };
}

describe('sessions and devices written once per batch', () => {
  it('a batch leaves them exactly as the same events one at a time', async () => {
    const { batched, single } = await batchAndSingles(mixedEvents());
    const b = await state(batched);
    expect(b).toEqual(await state(single));
    // The batch did real work: sessions opened and ended, devices found again, the shared ref left alone.
    expect(b.sessions.length).toBeGreaterThan(10);
    expect(new Set(b.sessions.map((s) => s.status))).toEqual(new Set(['active', 'ended']));
    expect(b.devices.length).toBeGreaterThan(5);
    expect(b.sessions.filter((s) => s.user_id === 'usr_batch_9')).toEqual([]);
  });

  it('the alert rules read the hits a batch added as if each event had been sent alone', async () => {
    const t = (m: number) => new Date(Date.parse('2026-11-30T10:00:00Z') + m * 20_000).toISOString();
    const events: Record<string, unknown>[] = [];
    // Failures from one address against three accounts (per-IP and per-account windows), then sign-ins
    // from two networks, a new device, and an export right after a sign-in from a new network.
    for (let i = 0; i < 20; i++)
      events.push({
        id: `ev_rule_f${i}`,
        event_type: 'login_failure',
        outcome: 'failure',
        user_id: `usr_rule_${i % 3}`,
        ip_address: '192.0.2.77',
        timestamp: t(i),
      });
    const ua = { user_agent: UAS[0] };
    events.push(
      {
        ...signIn('usr_rule_0', 'hs_rule_a', ua),
        id: 'ev_rule_s1',
        ip_address: '198.51.100.5',
        timestamp: t(30),
      },
      {
        ...signIn('usr_rule_0', 'hs_rule_b', ua),
        id: 'ev_rule_s2',
        ip_address: '198.51.101.6',
        timestamp: t(31),
      },
      {
        ...signIn('usr_rule_0', 'hs_rule_c'),
        id: 'ev_rule_s3',
        ip_address: '203.0.113.9',
        timestamp: t(32),
        user_agent: UAS[2],
      },
      {
        event_type: 'password_change',
        outcome: 'success',
        user_id: 'usr_rule_0',
        session_id: 'hs_rule_c',
        id: 'ev_rule_p',
        timestamp: t(33),
      },
      {
        event_type: 'data_export',
        outcome: 'success',
        user_id: 'usr_rule_0',
        session_id: 'hs_rule_c',
        id: 'ev_rule_x',
        ip_address: '203.0.113.9',
        timestamp: t(34),
      },
    );
    const { batched, single } = await batchAndSingles(events);
    const rules = async (a: InProcessApp) => ({
      hits: await a.services.store.db.all(HITS),
      alerts: await a.services.store.db.all(ALERTS),
    });
    const b = await rules(batched);
    expect(b).toEqual(await rules(single));
    expect(new Set(b.alerts.map((a) => (a as { rule: string }).rule))).toEqual(
      new Set([
        'failures_per_ip',
        'failures_per_account',
        'two_networks',
        'new_device',
        'new_network_export',
      ]),
    );
  });

  it('a revocation in the middle of a batch sees the batch’s sessions and stays revoked', async () => {
    const t = (m: number) => new Date(Date.parse('2026-11-30T09:00:00Z') + m * 60_000).toISOString();
    const user = 'usr_batch_revoke';
    const events = [
      { ...signIn(user, 'hs_keep'), id: 'ev_r1', timestamp: t(0) },
      { ...signIn(user, 'hs_other'), id: 'ev_r2', timestamp: t(1) },
      { event_type: 'data_access', user_id: user, session_id: 'hs_other', id: 'ev_r3', timestamp: t(2) },
      {
        event_type: 'password_change',
        outcome: 'success',
        user_id: user,
        session_id: 'hs_keep',
        id: 'ev_r4',
        timestamp: t(3),
      },
      // After the revocation: the revoked session is seen again (and not reopened), a logout ends nothing.
      { event_type: 'data_access', user_id: user, session_id: 'hs_other', id: 'ev_r5', timestamp: t(4) },
      { event_type: 'logout', user_id: user, session_id: 'hs_other', id: 'ev_r6', timestamp: t(5) },
    ];
    const { batched, single } = await batchAndSingles(events, { RECEIPTS_REVOKE_ON_PASSWORD_CHANGE: 'on' });
    const b = await state(batched);
    expect(b).toEqual(await state(single));
    const byStatus = Object.fromEntries(b.sessions.map((s) => [s.status, s]));
    expect(Object.keys(byStatus).sort()).toEqual(['active', 'revoked']);
    expect(byStatus.revoked!.revoked_by).toBe('password_change');
    // Touched by the `session_revoked` event last (the server's now, after every event of the batch).
    expect(byStatus.revoked!.last_seen_at).toBe('now');
  });

  it('new ids sort by creation time', async () => {
    const a = await app({});
    await post(a, [signIn('usr_batch_ids', 'hs_ids_1')]);
    const before = Date.now();
    await post(a, [signIn('usr_batch_ids', 'hs_ids_2', { user_agent: UAS[1] })]);
    const ids = (await a.services.store.db.all<{ id: string }>(ID_FORMAT)).map((r) => r.id);
    for (const prefix of ['ses_', 'dev_']) {
      const mine = ids.filter((id) => id.startsWith(prefix));
      expect(mine).toHaveLength(2);
      const [older, newer] = [...mine].sort();
      // The later one sorts after; its prefix reads back as its creation time.
      expect(Number.parseInt(newer!.slice(4, 14), 32)).toBeGreaterThanOrEqual(before);
      expect(Number.parseInt(older!.slice(4, 14), 32)).toBeLessThanOrEqual(before);
    }
  });
});
