// Erasure leaves nothing of the person anywhere in the store files: not in delivered or queued webhooks,
// not in a note they typed, not in the events about no user that carried their user agent. Look-ups of
// user ids Receipts has never seen create nothing.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { Webhook } from 'standardwebhooks';
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
import { sessionOf } from '../http/helpers.js';

const USER = 'usr_leaves_nothing_5Zq';
const EMAIL = 'nora.nothing@example.net';
const PHONE = '+44 7700 900123';
const NOTE = `That was not me. Please call me on ${PHONE}`;
const IPS = ['198.51.100.61', '2001:db8:5a:7::61'];
const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 NoraBrowser/4.4';
const UA_REFUSED = 'Mozilla/5.0 (X11; Linux x86_64) NoraRefusedToken/9.9';
const NEVER_SEEN = 'usr_never_seen_by_receipts_81';
const SECRET = `whsec_${Buffer.from('erasure-leaves-nothing-test-key!').toString('base64')}`;
const DAY = 86_400_000;

interface Message {
  type: string;
  data: Record<string, unknown>;
}

/** The host's endpoint: acknowledges every message except alerts, which it refuses (they stay queued). */
class Receiver {
  readonly received: Message[] = [];
  private server: Server | null = null;
  url = '';

  async start(): Promise<void> {
    const wh = new Webhook(SECRET);
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += String(c);
      });
      req.on('end', () => {
        const headers = Object.fromEntries(
          ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, String(req.headers[h])]),
        );
        const msg = wh.verify(body, headers) as Message;
        this.received.push(msg);
        res.writeHead(msg.type === 'alert.raised' ? 503 : 204).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }
}

function dbBytes(server: TestServer): Buffer {
  return Buffer.concat(
    ['', '-wal', '-shm']
      .map((suffix) => server.dbPath + suffix)
      .filter(existsSync)
      .map((f) => readFileSync(f)),
  );
}

function query<T>(server: TestServer, sql: string, ...params: unknown[]): T[] {
  const db = new Database(server.dbPath, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

const n = (server: TestServer, sql: string, ...params: unknown[]) =>
  query<{ n: number }>(server, sql, ...params)[0]!.n;

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('erasure with webhooks delivered and queued', () => {
  const receiver = new Receiver();
  let server: TestServer;
  let token: string;
  let adminKey: string;

  beforeAll(async () => {
    await receiver.start();
    server = await startServer({
      env: {
        RECEIPTS_ERASURE_GRACE_DAYS: '0',
        RECEIPTS_WEBHOOK_URL: receiver.url,
        RECEIPTS_WEBHOOK_SECRET: SECRET,
      },
    });
    const created = cli(server.env, ['keys', 'create', '--name', 'ir', '--scope', 'admin']);
    expect(created.code).toBe(0);
    adminKey = created.stdout.trim();
    const events = [
      signIn(USER, 'nora-laptop', { id: 'evt_nora_1', ip_address: IPS[0], user_agent: UA }),
      signIn(USER, 'nora-stolen', { id: 'evt_nora_2', ip_address: IPS[1], user_agent: UA }),
      signIn(USER, 'nora-third', { id: 'evt_nora_3', ip_address: IPS[0], user_agent: UA }),
      {
        event_type: 'profile_update',
        user_id: USER,
        ip_address: IPS[0],
        user_agent: UA,
        metadata: { field: 'email', email: EMAIL },
      },
      // Always raises an alert: its webhook names the user and the receiver refuses it.
      { event_type: 'mfa_disabled', user_id: USER, ip_address: IPS[1], user_agent: UA },
    ];
    expect((await ingest(server, { events })).status).toBe(202);
    token = await mintToken(server, { userId: USER, sessionId: 'nora-laptop' });
  });

  afterAll(async () => {
    await server?.stop();
    await receiver.stop();
  });

  it('should keep a typed note beside the chain, and revoke and report in one go', async () => {
    const res = await asUser(server, token, '/v1/me/activity/evt_nora_2/report', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ note: NOTE }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ reported: true, revoked_session: true });
    const [report] = query<{ metadata: string; received_at: number }>(
      server,
      "SELECT metadata, received_at FROM events WHERE event_type = 'activity_reported'",
    );
    expect(JSON.parse(report!.metadata).note).toBe('[personal]');
    const [revoked] = query<{ received_at: number }>(
      server,
      "SELECT received_at FROM events WHERE event_type = 'session_revoked'",
    );
    expect(revoked).toBeDefined();
    // The owner still reads the note they wrote.
    const mine = await (await asUser(server, token, '/v1/me/activity?event_type=activity_reported')).json();
    expect(mine.items[0].metadata.note).toBe(NOTE);
    expect(dbBytes(server).includes(PHONE)).toBe(true);

    const third = await sessionOf(server, token, 'evt_nora_3');
    expect((await asUser(server, token, `/v1/me/sessions/${third}`, { method: 'DELETE' })).status).toBe(200);
  });

  it('should record a refused token without a user, carrying the user agent it came with', async () => {
    const res = await asUser(server, 'eyJhbGciOiJIUzI1NiJ9.e30.bad', '/v1/me/activity', {
      headers: { 'user-agent': UA_REFUSED },
    });
    expect(res.status).toBe(401);
    expect(dbBytes(server).includes(UA_REFUSED)).toBe(true);
  });

  it('should create nothing for a user id it has never seen: support views, erasure status, admin exports', async () => {
    const subjects = () => n(server, 'SELECT COUNT(*) AS n FROM subjects');
    const before = subjects();
    const agent = await mintToken(server, { userId: 'agent_07', scope: 'support' });
    for (const path of ['activity', 'sessions', 'devices', 'erasure', 'alerts']) {
      const res = await fetch(`${server.url}/v1/support/users/${NEVER_SEEN}/${path}`, {
        headers: { authorization: `Bearer ${agent}`, 'x-support-reason': 'TICKET-1' },
      });
      expect(res.status, path).toBe(200);
    }
    const exported = await fetch(`${server.url}/v1/admin/exports`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${adminKey}`,
        'x-access-reason': 'case 12',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ user_id: NEVER_SEEN }),
    });
    expect(exported.status).toBe(201);
    const investigated = await fetch(`${server.url}/v1/admin/events?user_id=${NEVER_SEEN}`, {
      headers: { authorization: `Bearer ${adminKey}`, 'x-access-reason': 'case 12' },
    });
    expect(investigated.status).toBe(200);
    expect(subjects()).toBe(before);
    expect(n(server, 'SELECT COUNT(*) AS n FROM subjects WHERE user_id = ?', NEVER_SEEN)).toBe(0);
    // The looks are on the record all the same, with no subject.
    expect(
      n(
        server,
        "SELECT COUNT(*) AS n FROM events WHERE event_type IN ('support_access', 'log_accessed') AND subject IS NULL",
      ),
    ).toBe(7);
  });

  it('should have delivered the revocations and kept the refused alert queued', async () => {
    await until('two delivered revocations and a refused alert', () => {
      const rows = query<{ type: string; delivered_at: number | null; attempts: number }>(
        server,
        'SELECT type, delivered_at, attempts FROM outbox',
      );
      return (
        rows.filter((r) => r.type === 'session.revoked' && r.delivered_at).length >= 2 &&
        rows.some((r) => r.type === 'alert.raised' && !r.delivered_at && r.attempts > 0)
      );
    });
    const revocation = receiver.received.find((m) => m.type === 'session.revoked')!;
    expect(revocation.data.user_id).toBe(USER);
  });

  it('should erase the person from every store file, delivered and queued webhooks included', async () => {
    const res = await asUser(server, token, '/v1/me/erasure', { method: 'POST' });
    expect(res.status).toBe(202);
    expect((await res.json()).status).toBe('completed');

    // The host hears whom it was about, and then that message goes too.
    await until('erasure.completed delivered', () =>
      receiver.received.some((m) => m.type === 'erasure.completed'),
    );
    expect(receiver.received.find((m) => m.type === 'erasure.completed')!.data.user_id).toBe(USER);
    await until(
      'the delivered erasure.completed deleted',
      () => n(server, "SELECT COUNT(*) AS n FROM outbox WHERE type = 'erasure.completed'") === 0,
    );
    const queued = query<{ payload: string }>(
      server,
      "SELECT payload FROM outbox WHERE type = 'alert.raised'",
    );
    expect(queued.length).toBeGreaterThan(0);
    for (const q of queued) expect(JSON.parse(q.payload).data.user_id).toBe('[erased]');
    expect(
      n(
        server,
        'SELECT COUNT(*) AS n FROM outbox WHERE delivered_at IS NOT NULL AND payload LIKE ?',
        `%${USER}%`,
      ),
    ).toBe(0);

    // Events about no user keep their details 30 days; a month on, retention has taken them.
    const early = cli(server.env, [
      'retention',
      '--dry-run',
      '--as-of',
      new Date(Date.now() + 3 * DAY).toISOString(),
    ]);
    expect(early.stdout).toContain('details of events about no user: would remove 0');
    expect(early.stdout).toContain('delivered webhooks: would remove 0');
    const later = cli(server.env, ['retention', '--as-of', new Date(Date.now() + 31 * DAY).toISOString()]);
    expect(later.code, later.stderr).toBe(0);
    expect(later.stdout).toMatch(/details of events about no user: removed [1-9]/);
    expect(later.stdout).toMatch(/delivered webhooks: removed [1-9]/);

    await server.stop();
    const bytes = dbBytes(server);
    for (const needle of [USER, EMAIL, PHONE, NOTE, ...IPS, UA, UA_REFUSED, 'NoraBrowser', NEVER_SEEN]) {
      expect(bytes.includes(needle), `found ${needle}`).toBe(false);
    }
    const verify = cli(server.env, ['verify']);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });
});
