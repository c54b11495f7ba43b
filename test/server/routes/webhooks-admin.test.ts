// The webhook delivery log and replay: a host whose endpoint fails sees which webhooks failed and why,
// sends one again once it is fixed, and every look is on the record.
import { randomBytes } from 'node:crypto';
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
import { startWebhookReceiver, until, type WebhookReceiver } from '../../support/webhook-receiver.js';
import { openDb, sessionOf } from '../http/helpers.js';

interface Delivery {
  id: string;
  type: string;
  status: 'pending' | 'failed' | 'delivered';
  created_at: string;
  attempts: number;
  next_attempt_at: string | null;
  delivered_at: string | null;
  last_error: string | null;
  payload: { type: string; timestamp: string; data: Record<string, unknown> };
}
interface DeliveryPage {
  items: Delivery[];
  next_cursor: string | null;
}

let server: TestServer;
let receiver: WebhookReceiver;
let adminKey: string;
const USER = 'usr_hooks_admin';

function admin(path: string, init: RequestInit = {}, reason: string | null = 'OPS-812 webhook outage') {
  return fetch(`${server.url}/v1/admin/webhooks${path}`, {
    ...init,
    headers: { authorization: `Bearer ${adminKey}`, ...(reason ? { 'x-access-reason': reason } : {}) },
  });
}

async function list(query = ''): Promise<DeliveryPage> {
  const res = await admin(query);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as DeliveryPage;
}

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  receiver.answer(500); // the host's endpoint is broken
  server = await startServer({
    env: {
      RECEIPTS_WEBHOOK_URL: receiver.url,
      RECEIPTS_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
    },
  });
  const created = cli(server.env, ['keys', 'create', '--name', 'ops', '--scope', 'admin']);
  expect(created.code).toBe(0);
  adminKey = created.stdout.trim();
  expect((await ingest(server, signIn(USER, 'hook-s1', { id: 'ev_hook_1' }))).status).toBe(202);
  const token = await mintToken(server, { userId: USER, sessionId: 'hook-s2' });
  const session = await sessionOf(server, token, 'ev_hook_1');
  expect((await asUser(server, token, `/v1/me/sessions/${session}`, { method: 'DELETE' })).status).toBe(200);
});

afterAll(async () => {
  await server?.stop();
  await receiver?.close();
});

describe('GET /v1/admin/webhooks', () => {
  it('lists failed deliveries with their attempts and the last error, newest first', async () => {
    const failed = await until('two failed webhooks', async () => {
      const page = await list('?status=failed');
      return page.items.length >= 2 && page;
    });
    expect(failed.items.map((d) => d.type)).toEqual(['session.revoked', 'checkpoint.signed']);
    for (const d of failed.items) {
      expect(d).toMatchObject({ status: 'failed', last_error: 'HTTP 500', delivered_at: null });
      expect(d.attempts).toBeGreaterThanOrEqual(1);
      expect(Date.parse(d.next_attempt_at!)).toBeGreaterThan(Date.parse(d.created_at));
    }
    expect(receiver.attempts.some((a) => a.id === failed.items[0]!.id && a.status === 500)).toBe(true);
  });

  it('adds nothing personal beyond what the payload carries: the documented fields only', async () => {
    const [revoked] = (await list('?status=failed')).items;
    expect(Object.keys(revoked!).sort()).toEqual([
      'attempts',
      'created_at',
      'delivered_at',
      'id',
      'last_error',
      'next_attempt_at',
      'payload',
      'status',
      'type',
    ]);
    // The payload is what the host was sent (its user id included); around it, nothing about anyone.
    const { payload, ...around } = revoked!;
    expect(JSON.stringify(around)).not.toContain(USER);
    expect(payload.data).toMatchObject({ user_id: USER, session_tag: expect.any(String) });
  });

  it('pages with an opaque cursor, without repeats or gaps', async () => {
    const all = (await list()).items.map((d) => d.id);
    expect(all.length).toBeGreaterThanOrEqual(2);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: DeliveryPage = await list(
        `?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.items.map((d) => d.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all);
  });

  it('refuses a bad status, limit or cursor with a 400 naming the field', async () => {
    for (const [query, field] of [
      ['?status=lost', 'status'],
      ['?limit=0', 'limit'],
      ['?cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['?user_id=x', ''],
    ] as const) {
      const res = await admin(query);
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { error: { code: string; issues?: { path: string }[] } };
      expect(body.error.code).toBe('invalid_request');
      if (field) expect(body.error.issues?.map((i) => i.path)).toContain(field);
    }
  });

  it('needs an admin key and a reason', async () => {
    expect((await fetch(`${server.url}/v1/admin/webhooks`)).status).toBe(401);
    const asIngest = await fetch(`${server.url}/v1/admin/webhooks`, {
      headers: { authorization: `Bearer ${server.ingestKey}`, 'x-access-reason': 'OPS-1' },
    });
    expect(asIngest.status).toBe(403);
    const noReason = await admin('', {}, null);
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as { error: { code: string } }).error.code).toBe('reason_required');
  });
});

describe('POST /v1/admin/webhooks/:id/retry', () => {
  it('sends a failed webhook again at once, with the same webhook-id, once the host is fixed', async () => {
    // Let it fail a few times, so the next automatic attempt is seconds away.
    const stuck = await until('a webhook three attempts deep', async () =>
      (await list('?status=failed')).items.find((d) => d.type === 'session.revoked' && d.attempts >= 3),
    );
    receiver.answer(200);
    const res = await admin(`/${stuck.id}/retry`, { method: 'POST' });
    expect(res.status).toBe(202);
    const { webhook } = (await res.json()) as { webhook: Delivery };
    expect(webhook.id).toBe(stuck.id);
    expect(Date.parse(webhook.next_attempt_at!)).toBeLessThanOrEqual(Date.now());

    const delivered = await until('the replayed delivery', async () =>
      (await list('?status=delivered')).items.find((d) => d.id === stuck.id),
    );
    // Sooner than the backoff would have tried again.
    expect(Date.parse(delivered.delivered_at!)).toBeLessThan(Date.parse(stuck.next_attempt_at!));
    expect(delivered).toMatchObject({ status: 'delivered', next_attempt_at: null });
    expect(delivered.attempts).toBe(stuck.attempts + 1);
    const ok = receiver.attempts.filter((a) => a.id === stuck.id && a.status === 200);
    expect(ok).toHaveLength(1);
    expect((await list('?status=failed')).items.map((d) => d.id)).not.toContain(stuck.id);
  });

  it('is 404 for a webhook that does not exist', async () => {
    expect((await admin('/msg_nope/retry', { method: 'POST' })).status).toBe(404);
    expect((await admin('/..%2F..%2Fetc/retry', { method: 'POST' })).status).toBe(404);
  });

  it('records every look and every replay as log_accessed, with who and why', () => {
    const db = openDb(server);
    const rows = db
      .prepare<[], { action: string; metadata: string }>(
        "SELECT action, metadata FROM events WHERE event_type = 'log_accessed' ORDER BY seq",
      )
      .all()
      .map((r): Record<string, unknown> => ({ action: r.action, ...(JSON.parse(r.metadata) as object) }));
    db.close();
    // Only the calls that passed the key and reason checks are looks at the log.
    const looks = rows.filter((r) => r.action === 'webhooks');
    expect(looks.length).toBeGreaterThanOrEqual(8);
    expect(looks[0]).toMatchObject({ accessed_by: 'admin:ops', reason: 'OPS-812 webhook outage' });
    expect(looks.some((r) => r.status === 'failed')).toBe(true);
    const replays = rows.filter((r) => r.action === 'webhook_retry');
    expect(replays.map((r) => r.webhook_id)).toContain('msg_nope');
    expect(replays.length).toBeGreaterThanOrEqual(2);
  });
});
