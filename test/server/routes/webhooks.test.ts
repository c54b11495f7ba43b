// `session.revoked` reaches the host: signed per Standard Webhooks, retried with the same webhook-id, and
// delivered from the durable outbox after the receiver was down and the server restarted in between.
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, ingest, mintToken, signIn, startServer, type TestServer } from '../../support/server.js';
import { openDb, sessionOf } from '../http/helpers.js';

interface Delivery {
  id: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  at: number;
}

interface Message {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/** A host's webhook endpoint: records every attempt, hands each webhook-id to the "app" once. */
class Receiver {
  readonly deliveries: Delivery[] = [];
  /** What the app processed, deduplicated by webhook-id. */
  readonly handled = new Map<string, Message>();
  /** Answer 500 to the first attempt of the next new `session.revoked`. */
  failNextRevocation = false;
  private readonly failed = new Set<string>();
  private server: Server | null = null;
  port = 0;

  constructor(private readonly secret: string) {}

  async start(port = this.port): Promise<void> {
    const server = createServer(
      (req, res) => void this.handle(req).then((status) => res.writeHead(status).end()),
    );
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage): Promise<number> {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const headers: Record<string, string> = {};
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      headers[name] = String(req.headers[name] ?? '');
    }
    const id = headers['webhook-id']!;
    let status = 200;
    let message: Message | null = null;
    try {
      message = new Webhook(this.secret).verify(body, headers) as Message;
    } catch {
      status = 400;
    }
    if (message && req.url !== '/hook') status = 404;
    if (
      status === 200 &&
      message?.type === 'session.revoked' &&
      this.failNextRevocation &&
      !this.handled.has(id) &&
      !this.failed.has(id)
    ) {
      this.failNextRevocation = false;
      this.failed.add(id);
      status = 500;
    }
    if (status === 200 && message && !this.handled.has(id)) this.handled.set(id, message);
    this.deliveries.push({ id, headers, body, status, at: Date.now() });
    return status;
  }

  revocations(): [string, Message][] {
    return [...this.handled].filter(([, m]) => m.type === 'session.revoked');
  }
}

async function until<T>(what: string, probe: () => T | undefined | null | false, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const USER = 'usr_webhooks';
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const tagOf = (hostSessionId: string) =>
  createHmac('sha256', SECRET).update(hostSessionId).digest('base64url');

let server: TestServer;
let receiver: Receiver;
let token: string;

beforeAll(async () => {
  receiver = new Receiver(SECRET);
  await receiver.start(0);
  server = await startServer({
    env: {
      RECEIPTS_WEBHOOK_URL: `http://127.0.0.1:${receiver.port}/hook`,
      RECEIPTS_WEBHOOK_SECRET: SECRET,
    },
  });
  const res = await ingest(server, {
    events: ['h_one', 'h_two', 'h_three'].map((id) => signIn(USER, id, { id: `ev_${id}` })),
  });
  expect(res.status).toBe(202);
  token = await mintToken(server, { userId: USER, sessionId: 'h_three' });
});

afterAll(async () => {
  await server?.stop();
  await receiver?.stop();
});

describe('session.revoked webhook', () => {
  it('arrives signed, names the session by tag, and a retry carries the same webhook-id', async () => {
    const session = await sessionOf(server, token, 'ev_h_one');
    receiver.failNextRevocation = true;
    const res = await asUser(server, token, `/v1/me/sessions/${session}`, { method: 'DELETE' });
    expect(res.status).toBe(200);

    const [id, message] = await until('the revocation to be handled', () => receiver.revocations()[0]);
    expect(message.type).toBe('session.revoked');
    expect(message.data).toMatchObject({
      user_id: USER,
      session,
      session_tag: tagOf('h_one'),
      revoked_by: 'user',
    });
    expect(message.data.session_tag).not.toBe(tagOf('h_two'));
    expect(JSON.stringify(message)).not.toContain('h_one'); // the raw host session id never travels

    const attempts = receiver.deliveries.filter((d) => d.id === id);
    expect(attempts.map((a) => a.status)).toEqual([500, 200]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(600); // backoff, not a hot loop
    expect(attempts[1]!.body).toBe(attempts[0]!.body);
    expect(id).toMatch(/^msg_/);

    // The signature really binds the body: the same headers with another body do not verify.
    const tampered = attempts[1]!.body.replace(USER, 'usr_someone_else');
    expect(() => new Webhook(SECRET).verify(tampered, attempts[1]!.headers)).toThrow();
  });

  it('survives the receiver being down and a server restart, and arrives once per webhook-id', async () => {
    const session = await sessionOf(server, token, 'ev_h_two');
    const port = receiver.port;
    await receiver.stop();

    const res = await asUser(server, token, `/v1/me/sessions/${session}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    // Wait for a delivery attempt to fail against the closed port, so the retry is what gets tested.
    const db = openDb(server);
    try {
      await until('a failed attempt', () =>
        db
          .prepare<[], { attempts: number }>(
            "SELECT attempts FROM outbox WHERE type = 'session.revoked' AND delivered_at IS NULL AND attempts >= 1",
          )
          .get(),
      );
    } finally {
      db.close();
    }
    expect(receiver.revocations()).toHaveLength(1);

    expect(await server.stop()).toBe(0);
    await receiver.start(port);
    server = await startServer({ dir: server.dir, reuseEnv: server.env });

    const [, message] = await until('the second revocation', () => receiver.revocations()[1]);
    expect(message.data).toMatchObject({ user_id: USER, session, session_tag: tagOf('h_two') });

    // Let the delivery loop run a few more rounds: nothing is sent twice.
    await new Promise((r) => setTimeout(r, 1500));
    const accepted = receiver.deliveries.filter((d) => d.status === 200);
    const perId = new Map<string, number>();
    for (const d of accepted) perId.set(d.id, (perId.get(d.id) ?? 0) + 1);
    for (const [id, n] of perId) expect(n, id).toBe(1);
    expect(receiver.revocations().map(([, m]) => m.data.session_tag)).toEqual([
      tagOf('h_one'),
      tagOf('h_two'),
    ]);

    const check = openDb(server);
    try {
      const rows = check
        .prepare<[], { id: string; delivered_at: number | null }>('SELECT id, delivered_at FROM outbox')
        .all();
      expect(rows.length).toBeGreaterThanOrEqual(2);
      for (const row of rows) expect(row.delivered_at, row.id).not.toBeNull();
      expect(new Set(rows.map((r) => r.id))).toEqual(new Set(perId.keys()));
    } finally {
      check.close();
    }
  });
});
