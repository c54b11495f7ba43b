// Only what can be canonicalized and stored exactly as hashed gets in: a lone surrogate in any string or
// key, or a number JSON cannot carry, is a 400 naming the field, nothing is stored, and the chain verifies.
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

interface ErrorReply {
  error: { code: string; request_id: string; issues?: { path: string; message: string }[] };
}

const LONE = 'a\ud800b';
const LONE_LOW = '\udc00tail';

let server: TestServer;
let db: Database.Database;
let n = 0;

beforeAll(async () => {
  server = await startServer();
  db = new Database(server.dbPath, { readonly: true, fileMustExist: true });
});
afterAll(async () => {
  db?.close();
  await server?.stop();
});

const eventCount = () => (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;

/** A good event, then the same with one field replaced. */
function event(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...signIn('usr_wellformed', 'sess_wellformed', {
      id: `evt_wf_${++n}`,
      timestamp: new Date().toISOString(),
      request_id: 'req_1',
      resource_type: 'account',
      resource_id: 'acc_1',
      action: 'login',
      level: 'INFO',
      metadata: { method: 'password', nested: { deeper: ['x', 1] } },
    }),
    ...overrides,
  };
}

/** Sends a raw JSON text (JSON.stringify writes a lone surrogate as `\ud800`, which JSON.parse gives back). */
async function refused(body: string, path: string | RegExp): Promise<void> {
  const before = eventCount();
  const res = await ingest(server, body);
  const text = await res.text();
  expect(res.status, text.slice(0, 300)).toBe(400);
  const reply = JSON.parse(text) as ErrorReply;
  expect(reply.error.request_id).toBeTruthy();
  const paths = (reply.error.issues ?? []).map((i) => i.path);
  if (typeof path === 'string') expect(paths, text).toContain(path);
  else
    expect(
      paths.some((p) => path.test(p)),
      text,
    ).toBe(true);
  expect(eventCount()).toBe(before);
}

describe('ingest refuses what cannot be stored as it was hashed', () => {
  const stringFields = [
    'id',
    'timestamp',
    'event_type',
    'level',
    'user_id',
    'session_id',
    'ip_address',
    'user_agent',
    'request_id',
    'outcome',
    'resource_type',
    'resource_id',
    'action',
  ];

  it.each(stringFields)('should refuse a lone surrogate in %s with a 400 naming it', async (field) => {
    await refused(JSON.stringify({ events: [event(), event({ [field]: LONE })] }), `events[1].${field}`);
    await refused(JSON.stringify(event({ [field]: LONE_LOW })), field);
  });

  it('should refuse a lone surrogate in metadata values at any depth, naming the path', async () => {
    await refused(
      JSON.stringify({ events: [event({ metadata: { a: { b: LONE } } })] }),
      'events[0].metadata.a.b',
    );
    await refused(
      JSON.stringify(event({ metadata: { list: ['ok', { deep: [LONE_LOW] }] } })),
      'metadata.list[1].deep[0]',
    );
  });

  it('should refuse a lone surrogate in a metadata key, at the top and nested', async () => {
    await refused(JSON.stringify(event({ metadata: { [`k${'\ud83d'}`]: 1 } })), /^metadata\.k/);
    await refused(
      JSON.stringify({ events: [event(), event(), event({ metadata: { a: { [LONE]: 'v' } } })] }),
      /^events\[2\]\.metadata\.a\./,
    );
  });

  it('should refuse numbers JSON cannot carry (1e309 parses as Infinity), in metadata at any depth', async () => {
    const base = JSON.stringify(event({ metadata: { a: { b: 0 } } }));
    await refused(base.replace('"b":0', '"b":1e309'), 'metadata.a.b');
    await refused(base.replace('"b":0', '"b":-1e400'), 'metadata.a.b');
    await refused(
      JSON.stringify({ events: [JSON.parse(base)] }).replace('"b":0', '"b":[1,2e999]'),
      'events[0].metadata.a.b[1]',
    );
  });

  it('should refuse a number where a string field belongs, with a 400', async () => {
    await refused(JSON.stringify(event()).replace('"req_1"', '1e309'), 'request_id');
  });

  it('should refuse __proto__, constructor and prototype keys in metadata instead of dropping them', async () => {
    const base = JSON.stringify(event({ metadata: { a: { keep: 1 } } }));
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      await refused(base.replace('"keep":1', `"${key}":{"x":1}`), `metadata.a.${key}`);
      await refused(base.replace('{"a":{"keep":1}}', `{"${key}":"v"}`), `metadata.${key}`);
    }
    // As a top-level field of an event, __proto__ is an unknown field like any other.
    const res = await ingest(server, JSON.stringify(event()).replace('{', '{"__proto__":{"x":1},'));
    expect(res.status).toBe(400);
  });

  it('should still accept well-formed text: pairs, astral characters and every script', async () => {
    const text = 'Grüße 🙂 日本語 \ud83d\ude00 العربية';
    const body = event({
      resource_id: text,
      request_id: 'req_🙂',
      metadata: { note: text, [`${text}`]: 1.5e300 },
    });
    const res = await ingest(server, body);
    expect(res.status, await res.clone().text()).toBe(202);
    const row = db.prepare('SELECT resource_id, request_id FROM events WHERE id = ?').get(body.id) as {
      resource_id: string;
      request_id: string;
    };
    expect(row).toEqual({ resource_id: text, request_id: 'req_🙂' });
  });

  it('should refuse a lone surrogate in the report note and keep nothing of it', async () => {
    const user = 'usr_wf_reporter';
    const good = event({ user_id: user, session_id: 'sess_wf_rep', id: 'evt_wf_report' });
    expect((await ingest(server, good)).status).toBe(202);
    const token = await mintToken(server, { userId: user });
    const before = eventCount();
    const res = await asUser(server, token, '/v1/me/activity/evt_wf_report/report', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ note: `not me ${LONE}` }),
    });
    expect(res.status).toBe(400);
    const reply = (await res.json()) as ErrorReply;
    expect(reply.error.issues?.map((i) => i.path)).toContain('note');
    expect(eventCount()).toBe(before);
  });

  it('should refuse a widget token whose subject is not well-formed, as an invalid token', async () => {
    const token = await mintToken(server, { userId: `usr_${LONE}` });
    const res = await asUser(server, token, '/v1/me/activity');
    expect(res.status).toBe(401);
  });

  it('should leave a chain that verifies after all of the above', () => {
    const verify = cli(server.env, ['verify']);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });
});
