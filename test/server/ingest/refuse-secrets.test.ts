// A secret in a field the event cannot lose (id, user_id, session_id, a custom event_type) is refused with a
// 400 naming the field; nothing is stored and the answer does not repeat the secret. Ordinary random
// identifiers are not taken for secrets.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest, signIn, startServer, type TestServer } from '../../support/server.js';
import { rng } from './corpus/random.js';

const r = rng(5);
let server: TestServer;
let db: Database.Database;

beforeAll(async () => {
  server = await startServer();
  db = new Database(server.dbPath, { readonly: true, fileMustExist: true });
});
afterAll(async () => {
  db?.close();
  await server?.stop();
});

const count = () => (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;

describe('secrets in identifiers', () => {
  it.each([
    ['user_id', () => ({ user_id: r.fill('sk_live_{A:24}') })],
    ['session_id', () => ({ session_id: r.fill('AKIA{2:16}') })],
    ['id', () => ({ id: r.fill('ghp_{A:36}') })],
    ['event_type', () => ({ event_type: r.fill('x_glpat-{u:20}') })],
  ] as const)(
    'should refuse a batch whose second event carries a secret in %s, storing nothing',
    async (field, bad) => {
      const before = count();
      const secretFields = bad();
      const secret = Object.values(secretFields)[0]!.replace(/^x_/, '');
      const res = await ingest(server, {
        events: [signIn('usr_ok', 'sess_ok'), signIn('usr_bad', 'sess_bad', secretFields)],
      });
      const text = await res.text();
      expect(res.status).toBe(400);
      const issues = (JSON.parse(text) as { error: { issues: { path: string }[] } }).error.issues;
      expect(issues.map((i) => i.path)).toEqual([`events[1].${field}`]);
      expect(text).not.toContain(secret);
      expect(count()).toBe(before);
      expect(server.output()).not.toContain(secret);
    },
  );

  it('should accept random-looking identifiers and a JWT as the host session id', async () => {
    const jwt = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from('{"sid":"1"}').toString('base64url')}.${r.fill('{u:43}')}`;
    const res = await ingest(server, {
      events: [
        signIn(r.fill('user_{A:27}'), jwt, { id: '0190a6e2-7c1b-7cc3-9d2e-5b1f0c3a4d5e' }),
        signIn('auth0|5f7c8ec7c33c6c004bbafe82', r.fill('{u:43}'), { id: r.fill('evt_{A:24}') }),
      ],
    });
    expect(res.status, await res.clone().text()).toBe(202);
    // The host session id is kept only as its HMAC.
    expect(server.output()).not.toContain(jwt);
  });
});
