// Retention prunes a chain prefix, cut only at a signed tree size and recorded in the chain; a signed
// checkpoint saved earlier catches a truncated or rewritten tail that the store alone cannot show.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64, fromHex } from '../../../shared/tlog/base64.js';
import { leafHash, verifyInclusion } from '../../../shared/tlog/merkle.js';
import { openNote, parseVkey } from '../../../shared/tlog/note.js';
import {
  asUser,
  cli,
  ingest,
  mintToken,
  signIn,
  startServer,
  type TestServer,
  tempDir,
} from '../../support/server.js';
import { cutTreeFrom, dropGuards, noteSize, rebuildTree, rechainFrom } from '../audit/forge.js';

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
    // A witness polling here gets the tree signed at the size where the held user's events begin.
    expect((await fetch(`${server.url}/v1/log/checkpoint`)).status).toBe(200);
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
    const recorded = query<{ metadata: string }>(
      server.dbPath,
      "SELECT metadata FROM events WHERE event_type = 'retention_applied' ORDER BY seq DESC LIMIT 1",
    );
    expect(JSON.parse(recorded.metadata)).toMatchObject({ through_seq: firstHeld - 1 });
  });

  it('should cut only at a signed tree size, the largest one at or below the wanted cut', () => {
    const signed = query<{ n: number }>(
      server.dbPath,
      'SELECT COUNT(*) AS n FROM checkpoints WHERE note IS NOT NULL AND seq = (SELECT MAX(through_seq) FROM retention_checkpoints)',
    );
    expect(signed.n).toBeGreaterThan(0);
  });

  it('should still prove the oldest kept event and the newest after the prune', async () => {
    const again = await startServer({ dir: server.dir, reuseEnv: server.env });
    try {
      const vkey = parseVkey(await (await fetch(`${again.url}/v1/log/key`)).text());
      const token = await mintToken(again, { userId: 'usr_held' });
      const activity = await (await asUser(again, token, '/v1/me/activity?limit=50')).json();
      const ids = activity.items.map((i: { id: string }) => i.id);
      for (const id of [ids.at(-1), ids[0]]) {
        const res = await asUser(again, token, `/v1/me/activity/${id}/proof`);
        expect(res.status).toBe(200);
        const p = await res.json();
        const cp = await openNote(p.checkpoint, vkey);
        const leaf = await leafHash(fromHex(p.event.hash));
        expect(await verifyInclusion(p.leaf_index, cp.size, leaf, p.proof.map(fromBase64), cp.root)).toBe(
          true,
        );
      }
    } finally {
      await again.stop();
    }
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
    checkpointFile = join(tempDir(), 'checkpoint.txt');
    expect(out.stdout).toMatch(/^localhost\/receipts\n\d+\n[A-Za-z0-9+/]+=*\n\n— localhost\/receipts /);
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
    expect(r.stdout).toMatch(/the tree \(\d+ leaves\) extends the saved checkpoint/);
  });

  async function tamperedCopy(work: (db: Database.Database) => unknown): Promise<Record<string, string>> {
    const dir = tempDir();
    const db = join(dir, 'receipts.db');
    copyFileSync(server.dbPath, db);
    for (const suffix of ['-wal', '-shm'])
      if (existsSync(server.dbPath + suffix)) copyFileSync(server.dbPath + suffix, db + suffix);
    const conn = new Database(db);
    dropGuards(conn);
    await work(conn);
    conn.close();
    return { ...server.env, RECEIPTS_DB: db };
  }

  it('should catch a truncated tail that the store alone cannot show', async () => {
    const seq = noteSize(readFileSync(checkpointFile, 'utf8'));
    // The tail goes with its leaves and the checkpoints that signed it: what is left is self-consistent.
    const env = await tamperedCopy((db) => {
      db.prepare('DELETE FROM personal_data WHERE seq >= ?').run(seq - 5);
      db.prepare('DELETE FROM events WHERE seq >= ?').run(seq - 5);
      cutTreeFrom(db, seq - 5);
    });
    const alone = cli(env, ['verify']);
    expect(alone.code, alone.stdout).toBe(0);
    const r = cli(env, ['verify', '--checkpoint', checkpointFile]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('truncated');
  });

  it('should catch a rewritten tail, even with every hash and the tree recomputed', async () => {
    const seq = noteSize(readFileSync(checkpointFile, 'utf8'));
    const env = await tamperedCopy(async (db) => {
      rechainFrom(db, seq - 3, (row) => (row.seq === seq - 2 ? { ...row, event_type: 'logout' } : row));
      await rebuildTree(db);
      db.prepare('DELETE FROM checkpoints WHERE seq >= ?').run(seq - 3);
    });
    const alone = cli(env, ['verify']);
    expect(alone.code, alone.stdout).toBe(0);
    const check = cli(env, ['verify', '--checkpoint', checkpointFile]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('rewritten');
  });
});
