// Every class of bad input to POST /v1/events gets a 4xx that names the problem, and nothing is stored.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest, signIn, startServer, type TestServer } from '../../support/server.js';

interface Issue {
  path: string;
  message: string;
}
interface ErrorReply {
  error: { code: string; message: string; request_id?: string; issues?: Issue[] };
}

let server: TestServer;
let db: Database.Database;
let n = 0;
const freshId = () => `evt_bad_${++n}`;

beforeAll(async () => {
  server = await startServer();
  db = new Database(server.dbPath, { readonly: true, fileMustExist: true });
});
afterAll(async () => {
  db?.close();
  await server?.stop();
});

function eventCount(): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
}

/**
 * Sends `body`, expects `status`, and checks that nothing was stored: the events table did not grow, and the
 * client id carried by the rejected body is still free (a clean retry with it is accepted, not a duplicate).
 */
async function rejected(
  body: unknown,
  status: number,
  init: { contentType?: string | null; claimedId?: string } = {},
): Promise<ErrorReply> {
  const before = eventCount();
  const headers: Record<string, string> = { authorization: `Bearer ${server.ingestKey}` };
  if (init.contentType !== null) headers['content-type'] = init.contentType ?? 'application/json';
  const res = await fetch(`${server.url}/v1/events`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.status, text.slice(0, 500)).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(text).not.toMatch(/\bat .+\.(js|ts):\d+/); // no stack trace
  const reply = JSON.parse(text) as ErrorReply;
  expect(reply.error.request_id).toBeTruthy();
  expect(eventCount()).toBe(before);
  if (init.claimedId) {
    const retry = await ingest(server, signIn('usr_retry', 'sess_retry', { id: init.claimedId }));
    expect(retry.status).toBe(202);
    expect(await retry.json()).toMatchObject({ accepted: 1, duplicates: 0 });
  }
  return reply;
}

function expectIssue(reply: ErrorReply, path: string, message: string | RegExp): void {
  expect(reply.error.code).toBe('invalid_events');
  const issues = reply.error.issues ?? [];
  const match = issues.find(
    (i) => i.path === path && (typeof message === 'string' ? i.message === message : message.test(i.message)),
  );
  expect(match, `no issue ${path}: ${String(message)} in ${JSON.stringify(issues)}`).toBeDefined();
}

/** A batch of a good event followed by a bad one: the good one must not be stored either. */
function batch(bad: Record<string, unknown>): { body: unknown; id: string } {
  const id = freshId();
  return {
    id,
    body: { events: [signIn('usr_b', 'sess_b', { id }), { ...signIn('usr_b', 'sess_b'), ...bad }] },
  };
}

const nest = (levels: number): unknown => (levels === 0 ? 'leaf' : { a: nest(levels - 1) });

describe('POST /v1/events with bad input', () => {
  it('should answer 400 invalid_json to a body that is not JSON', async () => {
    for (const body of [
      '{"event_type": "login_success"',
      'event_type=login_success',
      '{"a":1}}',
      "{'a':1}",
    ]) {
      const reply = await rejected(body, 400);
      expect(reply.error.code).toBe('invalid_json');
      expect(reply.error.message).toMatch(/not valid JSON/);
    }
  });

  it('should answer 400 to a JSON body that is not an event object', async () => {
    for (const body of ['', 'null', '42', '"login_success"', '[]', JSON.stringify([signIn('u', 's')])]) {
      const reply = await rejected(body, 400);
      expectIssue(reply, '(body)', /must be an event object/);
    }
  });

  it('should name every field with a wrong type', async () => {
    const id = freshId();
    const reply = await rejected(
      {
        id,
        event_type: 'login_failure',
        user_id: 123,
        session_id: { id: 's' },
        ip_address: 203,
        user_agent: ['Mozilla'],
        level: 'LOUD',
        outcome: 'maybe',
        timestamp: 1_775_000_000_000,
        metadata: 'reason=bad',
      },
      400,
      { claimedId: id },
    );
    for (const path of ['user_id', 'session_id', 'ip_address', 'user_agent', 'timestamp', 'metadata']) {
      expectIssue(reply, path, /./);
    }
    expectIssue(reply, 'level', 'must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL');
    expectIssue(reply, 'outcome', 'must be success or failure');
    expect(reply.error.issues!.length).toBeGreaterThanOrEqual(8);
  });

  it('should name event_type when it is missing, empty or not a string', async () => {
    expectIssue(await rejected({ user_id: 'usr_1', outcome: 'success' }, 400), 'event_type', /./);
    expectIssue(await rejected({ event_type: '' }, 400), 'event_type', /unknown event type/);
    expectIssue(await rejected({ event_type: 7 }, 400), 'event_type', /./);
    const b = batch({ event_type: undefined });
    expectIssue(await rejected(b.body, 400, { claimedId: b.id }), 'events[1].event_type', /./);
  });

  it('should name unknown fields, in an event and in a batch body', async () => {
    expectIssue(
      await rejected({ ...signIn('u', 's'), passwd: 'x', colour: 'red' }, 400),
      '(body)',
      'unknown field(s): passwd, colour',
    );
    const b = batch({ userId: 'usr_camel' });
    expectIssue(await rejected(b.body, 400, { claimedId: b.id }), 'events[1]', 'unknown field(s): userId');
    const id = freshId();
    expectIssue(
      await rejected({ events: [signIn('u', 's', { id })], source: 'x' }, 400, { claimedId: id }),
      'source',
      'unknown field in a batch body',
    );
  });

  it('should answer 413 to a body past the default 5 MiB limit', async () => {
    const id = freshId();
    const body = JSON.stringify({
      events: [signIn('u', 's', { id, metadata: { pad: 'x'.repeat(4000) } })],
      pad: 'x'.repeat(5 * 1024 * 1024),
    });
    const reply = await rejected(body, 413, { claimedId: id });
    expect(reply.error.code).toBe('payload_too_large');
    expect(reply.error.message).toContain(String(5 * 1024 * 1024));
  });

  it('should answer 413 to a streamed body without a content-length once it passes the limit', async () => {
    const before = eventCount();
    const id = freshId();
    const chunk = new TextEncoder().encode(`${' '.repeat(64 * 1024)}`);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0)
          controller.enqueue(new TextEncoder().encode(JSON.stringify(signIn('u', 's', { id }))));
        if (sent > 6 * 1024 * 1024) controller.close();
        else controller.enqueue(chunk);
        sent += chunk.length;
      },
    });
    const res = await fetch(`${server.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.ingestKey}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    expect(res.status).toBe(413);
    expect(((await res.json()) as ErrorReply).error.code).toBe('payload_too_large');
    expect(eventCount()).toBe(before);
    expect((await ingest(server, signIn('u', 's', { id }))).status).toBe(202);
  });

  it('should answer 413 past a configured RECEIPTS_BODY_LIMIT, and accept a body under it', async () => {
    const small = await startServer({ env: { RECEIPTS_BODY_LIMIT: '2048' } });
    try {
      const ok = await ingest(small, signIn('u', 's', { metadata: { note: 'x'.repeat(1500) } }));
      expect(ok.status).toBe(202);
      const res = await ingest(small, signIn('u', 's', { metadata: { note: 'x'.repeat(2100) } }));
      expect(res.status).toBe(413);
      expect(((await res.json()) as ErrorReply).error.message).toContain('2048 bytes');
    } finally {
      await small.stop();
    }
  });

  it('should name the ip_address of every event that is not an IP', async () => {
    const bad = [
      '999.1.1.1',
      'not-an-ip',
      '::g',
      '203.0.113.42/24',
      ' 203.0.113.42',
      '1.2.3.4.5',
      'x'.repeat(80),
    ];
    const id = freshId();
    const reply = await rejected(
      { events: [signIn('u', 's', { id }), ...bad.map((ip) => signIn('u', 's', { ip_address: ip }))] },
      400,
      { claimedId: id },
    );
    bad.forEach((_, i) => {
      expectIssue(reply, `events[${i + 1}].ip_address`, 'not an IP');
    });
    expect(reply.error.issues!.some((i) => i.path === 'events[0].ip_address')).toBe(false);
  });

  it('should reject IPv4 shorthands ("1", "1.2.3", "0x7f.1", "010.1.1.1") as not an IP', async () => {
    const bad = ['1', '1.2.3', '0x7f.1', '010.1.1.1', '3232235777'];
    const reply = await rejected({ events: bad.map((ip) => signIn('u', 's', { ip_address: ip })) }, 400);
    bad.forEach((_, i) => {
      expectIssue(reply, `events[${i}].ip_address`, 'not an IP');
    });
  });

  it('should accept IPv4, IPv6 and IPv4-mapped IPv6 addresses', async () => {
    for (const ip of ['203.0.113.42', '2001:db8:85a3::8a2e:370:7334', '::ffff:198.51.100.7']) {
      expect((await ingest(server, signIn('u', 's', { ip_address: ip }))).status).toBe(202);
    }
  });

  it('should name a timestamp that is not ISO 8601 with a zone, in the far future, or before 1970', async () => {
    const cases: [string, RegExp][] = [
      ['yesterday', /not an ISO 8601 timestamp/],
      ['2026-04-01 14:23:11', /not an ISO 8601 timestamp/],
      ['2026-04-01T14:23:11', /not an ISO 8601 timestamp/],
      ['2026-13-01T14:23:11Z', /not an ISO 8601 timestamp/],
      ['2026-02-30T14:23:11Z', /not an ISO 8601 timestamp/],
      ['2026-04-01T25:00:00Z', /not an ISO 8601 timestamp/],
      ['Wed, 01 Apr 2026 14:23:11 GMT', /not an ISO 8601 timestamp/],
      [new Date(Date.now() + 3 * 86_400_000).toISOString(), /more than a day in the future/],
      ['1969-12-31T23:59:59Z', /before 1970/],
    ];
    for (const [timestamp, message] of cases) {
      const b = batch({ timestamp });
      expectIssue(await rejected(b.body, 400, { claimedId: b.id }), 'events[1].timestamp', message);
    }
    const ok = await ingest(server, signIn('u', 's', { timestamp: '2026-04-01T14:23:11+02:00' }));
    expect(ok.status).toBe(202);
  });

  it('should refuse unknown event types and accept x_-prefixed custom ones', async () => {
    for (const type of ['made_up', 'LOGIN_SUCCESS', 'x_', 'x_Bad-Name', 'y_custom', 'login_success ']) {
      const b = batch({ event_type: type });
      expectIssue(
        await rejected(b.body, 400, { claimedId: b.id }),
        'events[1].event_type',
        'unknown event type (custom types must start with x_)',
      );
    }
    const res = await ingest(server, { event_type: 'x_custom', id: 'evt_custom_1', metadata: { k: 'v' } });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: 1, ids: ['evt_custom_1'] });
    const row = db.prepare('SELECT event_type FROM events WHERE id = ?').get('evt_custom_1');
    expect(row).toEqual({ event_type: 'x_custom' });
  });

  it('should refuse 1001 events in one batch and accept 1000', async () => {
    const ids = Array.from({ length: 1001 }, (_, i) => `evt_big_${i}`);
    const events = ids.map((id) => ({ id, event_type: 'data_access', user_id: 'usr_big' }));
    const reply = await rejected({ events }, 400);
    expectIssue(reply, 'events', 'more than 1000 events in one batch (1001)');
    const res = await ingest(server, { events: events.slice(0, 1000) });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: 1000, duplicates: 0 }); // none was stored by the 1001
  });

  it('should refuse an empty batch', async () => {
    expectIssue(await rejected({ events: [] }, 400), 'events', 'must hold at least one event');
    expectIssue(await rejected({ events: {} }, 400), 'events', 'must be an array');
    expectIssue(await rejected({ events: null }, 400), 'events', 'must be an array');
  });

  it('should refuse metadata nested deeper than 8 levels and accept 8', async () => {
    const b = batch({ metadata: nest(9) });
    const reply = await rejected(b.body, 400, { claimedId: b.id });
    const issue = reply.error.issues!.find((i) => i.path.startsWith('events[1].metadata.a.a'));
    expect(issue?.message).toBe('nested deeper than 8 levels');
    const arrays = batch({ metadata: { list: [[[[[[[[['deep']]]]]]]]] } });
    expectIssue(
      await rejected(arrays.body, 400, { claimedId: arrays.id }),
      'events[1].metadata.list[0][0][0][0][0][0][0]',
      'nested deeper than 8 levels',
    );
    expect((await ingest(server, signIn('u', 's', { metadata: nest(7) }))).status).toBe(202);
    expect((await ingest(server, signIn('u', 's', { metadata: nest(8) }))).status).toBe(202);
  });

  it('should refuse huge strings: metadata past 4096 characters, user_agent past 1024, ids past their limits', async () => {
    const m = batch({ metadata: { note: 'n'.repeat(4097), ok: 'n'.repeat(4096) } });
    const reply = await rejected(m.body, 400, { claimedId: m.id });
    expectIssue(reply, 'events[1].metadata.note', 'longer than 4096 characters');
    expect(reply.error.issues!.some((i) => i.path === 'events[1].metadata.ok')).toBe(false);
    const ua = batch({ user_agent: `Mozilla/5.0 ${'u'.repeat(1013)}` });
    expectIssue(
      await rejected(ua.body, 400, { claimedId: ua.id }),
      'events[1].user_agent',
      'longer than 1024 characters',
    );
    expectIssue(
      await rejected({ ...signIn('u', 's'), request_id: 'r'.repeat(129) }, 400),
      'request_id',
      'longer than 128 characters',
    );
    expectIssue(
      await rejected({ ...signIn('u', 's'), id: 'i'.repeat(129) }, 400),
      'id',
      'longer than 128 characters',
    );
    expectIssue(
      await rejected({ ...signIn('u', 's'), metadata: { ['k'.repeat(129)]: 1 } }, 400),
      `metadata.${'k'.repeat(32)}`,
      'key is too long or has control characters',
    );
    expect(
      (await ingest(server, signIn('u', 's', { user_agent: `Mozilla/5.0 ${'u'.repeat(1012)}` }))).status,
    ).toBe(202);
  });

  it('should refuse control characters in strings, allowing only tab and newline inside metadata text', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ user_id: 'usr\u0000admin' }, 'events[1].user_id'],
      [{ user_agent: 'Mozilla/5.0\r\nX-Injected: 1' }, 'events[1].user_agent'],
      [{ request_id: 'req\u001b[31m' }, 'events[1].request_id'],
      [{ session_id: 'sess\u0085' }, 'events[1].session_id'],
      [{ metadata: { note: 'bell\u0007' } }, 'events[1].metadata.note'],
      [{ metadata: { list: ['ok', 'del\u007f'] } }, 'events[1].metadata.list[1]'],
      [{ metadata: { 'key\u0000': 'v' } }, 'events[1].metadata.key\u0000'],
    ];
    for (const [bad, path] of cases) {
      const b = batch(bad);
      expectIssue(await rejected(b.body, 400, { claimedId: b.id }), path, /control characters/);
    }
    const ok = await ingest(server, signIn('u', 's', { metadata: { note: 'line one\n\tline two' } }));
    expect(ok.status).toBe(202);
  });

  it('should answer 415 to a content type other than JSON', async () => {
    const event = JSON.stringify(signIn('u', 's', { id: 'evt_ct' }));
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
    ]) {
      const reply = await rejected(event, 415, { contentType: type });
      expect(reply.error.message).toMatch(/application\/json/);
    }
    const ok = await ingest(server, event); // the same body as JSON is fine, and was not stored before
    expect(ok.status).toBe(202);
    expect(await ok.json()).toMatchObject({ accepted: 1, ids: ['evt_ct'] });
  });

  it('should list every bad event of a batch by index', async () => {
    const id = freshId();
    const reply = await rejected(
      {
        events: [
          signIn('u', 's', { id }),
          signIn('u', 's', { ip_address: 'nope' }),
          signIn('u', 's', { outcome: 'ok' }),
          signIn('u', 's', { event_type: 'nope' }),
        ],
      },
      400,
      { claimedId: id },
    );
    expectIssue(reply, 'events[1].ip_address', 'not an IP');
    expectIssue(reply, 'events[2].outcome', 'must be success or failure');
    expectIssue(reply, 'events[3].event_type', /unknown event type/);
  });
});
