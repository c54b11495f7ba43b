// Erasure removes the person and keeps the evidence: checked on the bytes of the real database files.
import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asUser,
  cli,
  ingest,
  mintToken,
  signIn,
  startServer,
  type TestServer,
} from '../../support/server.js';

const USER = 'usr_erase_me_7Q2x';
const EMAIL = 'erin.erasable@example.org';
const OTHER = 'usr_keep_me_9k';
const IPS = ['198.51.100.201', '203.0.113.199', '2001:db8:77:1::42'];
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 ErinBrowser/1.1',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) ErinPhone/2.2 Mobile/15E148',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 ErinDesk/3.3',
];

function dbBytes(server: TestServer): Buffer {
  return Buffer.concat(
    ['', '-wal', '-shm']
      .map((suffix) => server.dbPath + suffix)
      .filter(existsSync)
      .map((f) => readFileSync(f)),
  );
}

function count(server: TestServer, sql: string, ...params: unknown[]): number {
  const db = new Database(server.dbPath, { readonly: true });
  try {
    return (db.prepare(sql).get(...params) as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('erasure of a user with 1,000 events', () => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    server = await startServer({ env: { RECEIPTS_ERASURE_GRACE_DAYS: '0' } });
    const events = [];
    const base = Date.parse('2026-03-01T00:00:00Z');
    for (let i = 0; i < 1000; i++) {
      const k = i % 3;
      events.push({
        ...signIn(USER, `erin-session-${i % 7}`, {
          ip_address: IPS[k],
          user_agent: AGENTS[k],
          timestamp: new Date(base + i * 60_000).toISOString(),
          event_type: i % 10 === 0 ? 'login_failure' : i % 10 === 1 ? 'profile_update' : 'login_success',
          outcome: i % 10 === 0 ? 'failure' : 'success',
          metadata: i % 10 === 1 ? { field: 'email', email: EMAIL } : { method: 'password' },
        }),
      });
    }
    for (let i = 0; i < events.length; i += 500)
      expect((await ingest(server, { events: events.slice(i, i + 500) })).status).toBe(202);
    // An alert about Erin, so alerts are scrubbed too.
    expect(
      (
        await ingest(server, {
          event_type: 'mfa_disabled',
          user_id: USER,
          ip_address: IPS[0],
          user_agent: AGENTS[0],
        })
      ).status,
    ).toBe(202);
    expect((await ingest(server, signIn(OTHER, 'other-1', { ip_address: '192.0.2.55' }))).status).toBe(202);
    token = await mintToken(server, { userId: USER });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('should hold the user, their email, IPs and user agents before erasure', async () => {
    const bytes = dbBytes(server);
    expect(bytes.includes(USER)).toBe(true);
    expect(count(server, 'SELECT COUNT(*) AS n FROM alerts')).toBeGreaterThan(0);
    const sessions = await (await asUser(server, token, '/v1/me/sessions')).json();
    expect(sessions.items.length).toBeGreaterThan(0);
  });

  it('should leave not one byte of the person in the database files, keep every event, and still verify', async () => {
    const before = count(server, 'SELECT COUNT(*) AS n FROM events');
    const active = ((await (await asUser(server, token, '/v1/me/sessions')).json()) as { items: unknown[] })
      .items.length;
    const res = await asUser(server, token, '/v1/me/erasure', { method: 'POST' });
    expect(res.status).toBe(202);
    expect((await res.json()).status).toBe('completed');

    const afterCount = count(
      server,
      "SELECT COUNT(*) AS n FROM events WHERE event_type NOT IN ('erasure_completed', 'session_revoked')",
    );
    // Requesting erasure adds its own receipt, and each open session is signed out on the record;
    // nothing else is added and nothing goes.
    expect(afterCount).toBe(before + 1);
    expect(
      count(
        server,
        `SELECT COUNT(*) AS n FROM events WHERE event_type = 'session_revoked' AND metadata LIKE '%"revoked_by":"erasure"%'`,
      ),
    ).toBe(active);
    expect(count(server, "SELECT COUNT(*) AS n FROM events WHERE event_type = 'erasure_completed'")).toBe(1);

    await server.stop();
    const bytes = dbBytes(server);
    for (const needle of [USER, EMAIL, ...IPS, ...AGENTS, 'ErinBrowser', 'ErinPhone']) {
      expect(bytes.includes(needle), `found ${needle}`).toBe(false);
    }
    const verify = cli(server.env, ['verify']);
    expect(verify.code).toBe(0);
    expect(count(server, 'SELECT COUNT(*) AS n FROM personal_data WHERE user_id = ?', OTHER)).toBe(1);
    expect(bytes.includes(OTHER)).toBe(true);
  });

  it('should give the old token nothing about the erased user, and leave the other user untouched', async () => {
    server = await startServer({ dir: server.dir, reuseEnv: server.env });
    const fresh = await mintToken(server, { userId: USER });
    for (const path of ['/v1/me/activity', '/v1/me/sessions', '/v1/me/devices', '/v1/me/alerts']) {
      const body = await (await asUser(server, fresh, path)).json();
      expect(body.items, path).toEqual([]);
    }
    const other = await mintToken(server, { userId: OTHER });
    const activity = await (await asUser(server, other, '/v1/me/activity')).json();
    expect(activity.items).toHaveLength(1);
    expect(activity.items[0].ip).toBe('192.0.2.xxx');
  });

  it('should answer a second request for an erased user without repeating it', async () => {
    const fresh = await mintToken(server, { userId: USER });
    const res = await asUser(server, fresh, '/v1/me/erasure', { method: 'POST' });
    expect(res.status).toBe(202);
    expect((await res.json()).status).toBe('completed');
    expect(count(server, "SELECT COUNT(*) AS n FROM events WHERE event_type = 'erasure_completed'")).toBe(1);
  });
});

describe('erasure with a grace period', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: { RECEIPTS_ERASURE_GRACE_DAYS: '7' } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('should let the user cancel within the grace period: nothing erased, both events on record', async () => {
    await ingest(server, signIn('usr_changes_mind', 'cm-1'));
    const token = await mintToken(server, { userId: 'usr_changes_mind' });
    const requested = await (await asUser(server, token, '/v1/me/erasure', { method: 'POST' })).json();
    expect(requested.status).toBe('pending');
    expect(Date.parse(requested.scheduled_for) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    const cancelled = await asUser(server, token, '/v1/me/erasure', { method: 'DELETE' });
    expect(cancelled.status).toBe(200);
    expect((await cancelled.json()).status).toBe('cancelled');
    const activity = await (await asUser(server, token, '/v1/me/activity')).json();
    const types = activity.items.map((i: { event_type: string }) => i.event_type);
    expect(types).toContain('erasure_requested');
    expect(types).toContain('erasure_cancelled');
    expect(types).toContain('login_success');
  });

  it('should refuse erasure under a legal hold with a clear 409 and the reason', async () => {
    await ingest(server, signIn('usr_on_hold', 'hold-1'));
    const held = cli(server.env, ['hold', '--user', 'usr_on_hold', '--reason', 'litigation 2026-114']);
    expect(held.code).toBe(0);
    const token = await mintToken(server, { userId: 'usr_on_hold' });
    const res = await asUser(server, token, '/v1/me/erasure', { method: 'POST' });
    expect(res.status).toBe(409);
    const body = await res.json();
    expect(body.error.code).toBe('legal_hold');
    expect(body.error.message).toContain('litigation 2026-114');
    const byCli = cli(server.env, ['erase', '--user', 'usr_on_hold']);
    expect(byCli.code).toBe(2);
    expect(byCli.stderr).toContain('legal hold');
  });

  it('should erase at once from the CLI while the server runs, and the server should notice', async () => {
    await ingest(server, signIn('usr_cli_erased', 'cli-1', { ip_address: '198.51.100.250' }));
    const token = await mintToken(server, { userId: 'usr_cli_erased' });
    expect((await (await asUser(server, token, '/v1/me/activity')).json()).items.length).toBe(1);
    const erased = cli(server.env, ['erase', '--user', 'usr_cli_erased']);
    expect(erased.stdout).toContain('erased');
    expect((await (await asUser(server, token, '/v1/me/activity')).json()).items).toEqual([]);
    // The server's chain head followed the CLI's append: new events still chain.
    expect((await ingest(server, signIn('usr_after', 'after-1'))).status).toBe(202);
  });
});
