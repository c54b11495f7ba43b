// Retention prunes a chain prefix through a retention checkpoint; signed checkpoints catch a truncated
// or rewritten tail.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventRow, rowHash } from '../../../server/audit/chain.js';
import { cli, ingest, signIn, startServer, type TestServer, tempDir } from '../../support/server.js';

const DAY = 86_400_000;

function query<T>(path: string, sql: string, ...params: unknown[]): T {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).get(...params) as T;
  } finally {
    db.close();
  }
}

describe('retention', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ env: { RECEIPTS_RETENTION_AUDIT_DAYS: '30' } });
    const old = Array.from({ length: 20 }, (_, i) =>
      signIn(i % 2 ? 'usr_old' : 'usr_held', `old-${i}`, {
        timestamp: new Date(Date.now() - (90 - i) * DAY).toISOString(),
      }),
    );
    // The held user's events are interleaved, so the held user's first event stops the prefix.
    const old2 = Array.from({ length: 10 }, (_, i) =>
      signIn('usr_old', `older-${i}`, { timestamp: new Date(Date.now() - (200 - i) * DAY).toISOString() }),
    );
    expect((await ingest(server, { events: old2 })).status).toBe(202);
    expect((await ingest(server, { events: old })).status).toBe(202);
    expect((await ingest(server, signIn('usr_new', 'new-1'))).status).toBe(202);
    await server.stop();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('should say what it would prune on a dry run and change nothing', () => {
    const before = query<{ n: number }>(server.dbPath, 'SELECT COUNT(*) AS n FROM events').n;
    const dry = cli({ ...server.env, RECEIPTS_RETENTION_AUDIT_DAYS: '30' }, ['retention', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/audit events: would remove \d+/);
    expect(query<{ n: number }>(server.dbPath, 'SELECT COUNT(*) AS n FROM events').n).toBe(before);
  });

  it('should keep a held user’s events, prune the prefix before them, and still verify', () => {
    expect(cli(server.env, ['hold', '--user', 'usr_held', '--reason', 'case 88']).code).toBe(0);
    const firstHeld = query<{ seq: number }>(
      server.dbPath,
      'SELECT MIN(e.seq) AS seq FROM events e JOIN subjects s ON s.pseudonym = e.subject WHERE s.user_id = ?',
      'usr_held',
    ).seq;
    const asOf = new Date(Date.now() + 40 * DAY).toISOString();
    const run = cli(server.env, ['retention', '--as-of', asOf]);
    expect(run.code, run.stderr).toBe(0);
    const min = query<{ seq: number }>(server.dbPath, 'SELECT MIN(seq) AS seq FROM events').seq;
    expect(min).toBe(firstHeld);
    const anchor = query<{ through_seq: number }>(
      server.dbPath,
      'SELECT MAX(through_seq) AS through_seq FROM retention_checkpoints',
    );
    expect(anchor.through_seq).toBe(firstHeld - 1);
    const verify = cli(server.env, ['verify']);
    expect(verify.code, verify.stdout).toBe(0);
    const held = query<{ n: number }>(
      server.dbPath,
      'SELECT COUNT(*) AS n FROM events e JOIN subjects s ON s.pseudonym = e.subject WHERE s.user_id = ?',
      'usr_held',
    ).n;
    expect(held).toBe(10);
  });

  it('should refuse DELETE of events the retention checkpoint does not cover', () => {
    const db = new Database(server.dbPath);
    try {
      expect(() => db.prepare('DELETE FROM events WHERE seq = (SELECT MAX(seq) FROM events)').run()).toThrow(
        /append-only/,
      );
    } finally {
      db.close();
    }
  });
});

describe('signed checkpoints', () => {
  let server: TestServer;
  let checkpointFile: string;

  beforeAll(async () => {
    server = await startServer();
    const events = Array.from({ length: 30 }, (_, i) => signIn(`usr_cp_${i % 3}`, `cp-${i}`));
    expect((await ingest(server, { events })).status).toBe(202);
    await server.stop();
    const out = cli(server.env, ['checkpoint']);
    expect(out.code, out.stderr).toBe(0);
    checkpointFile = join(tempDir(), 'checkpoint.json');
    writeFileSync(checkpointFile, out.stdout);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('should prove that an intact log extends the saved checkpoint', async () => {
    const s2 = await startServer({ dir: server.dir, reuseEnv: server.env });
    expect((await ingest(s2, signIn('usr_later', 'later-1'))).status).toBe(202);
    await s2.stop();
    const r = cli(server.env, ['verify', '--checkpoint', checkpointFile]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('the log extends the signed head');
  });

  function tamperedCopy(sql: string[]): Record<string, string> {
    const dir = tempDir();
    const db = join(dir, 'receipts.db');
    copyFileSync(server.dbPath, db);
    for (const suffix of ['-wal', '-shm'])
      if (existsSync(server.dbPath + suffix)) copyFileSync(server.dbPath + suffix, db + suffix);
    const conn = new Database(db);
    conn.exec('DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;');
    for (const s of sql) conn.exec(s);
    conn.close();
    return { ...server.env, RECEIPTS_DB: db };
  }

  it('should catch a truncated tail that the chain alone cannot see', () => {
    const seq = JSON.parse(readFileSync(checkpointFile, 'utf8')).seq as number;
    const env = tamperedCopy([
      `DELETE FROM personal_data WHERE seq >= ${seq - 5}`,
      `DELETE FROM events WHERE seq >= ${seq - 5}`,
    ]);
    expect(cli(env, ['verify']).code).toBe(0); // the shorter chain is internally consistent
    const r = cli(env, ['verify', '--checkpoint', checkpointFile]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('truncated');
  });

  it('should catch a rewritten tail, even with every hash recomputed', () => {
    const seq = JSON.parse(readFileSync(checkpointFile, 'utf8')).seq as number;
    // A copy with the triggers dropped, its last rows rewritten and re-chained so `verify` alone passes.
    const env = tamperedCopy([]);
    rewriteTail(env.RECEIPTS_DB!, seq);
    expect(cli(env, ['verify']).code).toBe(0);
    const check = cli(env, ['verify', '--checkpoint', checkpointFile]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('rewritten');
  });
});

/** Changes the last few rows and recomputes their hashes, as an attacker with file access could. */
function rewriteTail(path: string, upto: number): void {
  const db = new Database(path);
  const rows = db.prepare('SELECT * FROM events WHERE seq >= ? ORDER BY seq').all(upto - 3) as EventRow[];
  let prev = (db.prepare('SELECT hash FROM events WHERE seq = ?').get(upto - 4) as { hash: string }).hash;
  const update = db.prepare('UPDATE events SET event_type = ?, prev_hash = ?, hash = ? WHERE seq = ?');
  for (const row of rows) {
    const { hash: _old, ...rest } = row;
    const changed = {
      ...rest,
      event_type: row.seq === upto - 2 ? 'logout' : row.event_type,
      prev_hash: prev,
    };
    const hash = rowHash(changed);
    update.run(changed.event_type, prev, hash, row.seq);
    prev = hash;
  }
  db.close();
}
