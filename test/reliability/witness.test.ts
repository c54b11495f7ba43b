// A witness on another machine keeps the last checkpoint it saw; when the store is rewritten under a
// stopped server (hashes and tree recomputed, so the store alone looks intact) and the server restarts,
// the witness's next run fails with a fork. It needs nothing but the URL and the verifier key.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIdentity } from '../../server/audit/checkpoint.js';
import { cutTreeFrom, dropGuards, rebuildTree, rechainFrom } from '../server/audit/forge.js';
import { cli, ingest, signIn, startServer, type TestServer, tempDir } from '../support/server.js';

let server: TestServer;
let vkey: string;
const state = join(tempDir('receipts-witness-'), 'checkpoint.txt');

/** The witness runs with no store and no secrets: only PATH. */
const witness = (url: string, key = vkey) =>
  cli({ PATH: process.env.PATH ?? '' }, ['witness', '--url', url, '--key', key, '--state', state]);

beforeAll(async () => {
  server = await startServer();
  const events = Array.from({ length: 20 }, (_, i) => signIn(`usr_w${i % 4}`, `w-${i}`));
  expect((await ingest(server, { events })).status).toBe(202);
  vkey = (await (await fetch(`${server.url}/v1/log/key`)).text()).trim();
});

afterAll(async () => {
  await server?.stop();
});

describe('receipts witness', () => {
  it('should trust and save the first checkpoint it sees', () => {
    const r = witness(server.url);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/trusted the first checkpoint, size \d+/);
    expect(readFileSync(state, 'utf8')).toMatch(/^localhost\/receipts\n\d+\n/);
  });

  it('should accept a log that only grew and keep the newer checkpoint', async () => {
    const before = readFileSync(state, 'utf8');
    expect((await ingest(server, signIn('usr_w9', 'w-late'))).status).toBe(202);
    // The server signs a grown tree at most once a second; wait for the witness to see a bigger one.
    const deadline = Date.now() + 10_000;
    let r = witness(server.url);
    while (r.code === 0 && readFileSync(state, 'utf8') === before && Date.now() < deadline)
      r = witness(server.url);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ok, size (\d+) → (\d+)/);
    expect(readFileSync(state, 'utf8')).not.toBe(before);
  });

  it('should refuse, in one line, a checkpoint not signed by the key it trusts', () => {
    const stranger = logIdentity(generateKeyPairSync('ed25519').privateKey, 'localhost/receipts').vkey;
    const before = readFileSync(state, 'utf8');
    const r = witness(server.url, stranger);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('witness: bad signature: note has no signature by localhost/receipts\n');
    expect(readFileSync(state, 'utf8')).toBe(before);
  });

  it('should exit 1 with a fork message after the store was rewritten under a restarted server', async () => {
    expect(await server.stop()).toBe(0);
    const db = new Database(server.dbPath);
    dropGuards(db);
    // Rewrite from the middle: every hash and the whole tree recomputed, later checkpoints removed.
    rechainFrom(db, 8, (row) => (row.seq === 8 ? { ...row, outcome: 'failure' } : row));
    await rebuildTree(db);
    db.prepare('DELETE FROM checkpoints WHERE seq >= 8').run();
    db.close();
    expect(existsSync(server.dbPath)).toBe(true);
    const alone = cli(server.env, ['verify']);
    expect(alone.code, alone.stdout).toBe(0); // the rewritten store is self-consistent

    server = await startServer({ dir: server.dir, reuseEnv: server.env });
    const r = witness(server.url);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^witness: fork: the checkpoint at size \d+ does not extend the one kept at size \d+/,
    );
  });

  it('should exit 1 saying the log shrank when the tail was cut under a restarted server', async () => {
    expect(await server.stop()).toBe(0);
    const db = new Database(server.dbPath);
    dropGuards(db);
    db.prepare('DELETE FROM personal_data WHERE seq > 5').run();
    db.prepare('DELETE FROM events WHERE seq > 5').run();
    cutTreeFrom(db, 6);
    db.close();

    server = await startServer({ dir: server.dir, reuseEnv: server.env });
    const r = witness(server.url);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^witness: the log shrank: kept size \d+, now \d+\n$/);
  });
});
