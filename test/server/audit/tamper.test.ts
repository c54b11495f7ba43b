// Tampering done directly on the SQLite file is caught by `receipts verify` at the right seq and table; with
// the append-only triggers in place, UPDATE and DELETE through SQL are refused.
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EventRow, rowHash } from '../../../server/audit/chain.js';
import { verifyChain } from '../../../server/audit/verify.js';
import { SqliteDb } from '../../../server/store/sqlite.js';
import { cli, ingest, signIn, startServer, tempDir } from '../../support/server.js';

let env: Record<string, string>;
let pristine: string;
let rows: EventRow[];
let head: { seq: number; hash: string };

beforeAll(async () => {
  const server = await startServer();
  const events = Array.from({ length: 12 }, (_, i) =>
    signIn(`usr_t${i % 3}`, `sess_t${i % 4}`, {
      id: `evt_tamper_${i}`,
      event_type: i % 2 ? 'login_success' : 'data_access',
      metadata: { step: i, email: `person${i}@example.com` },
    }),
  );
  expect((await ingest(server, { events: events.slice(0, 6) })).status).toBe(202);
  for (const e of events.slice(6)) expect((await ingest(server, e)).status).toBe(202);
  expect(await server.stop()).toBe(0);
  env = server.env;
  pristine = server.dbPath;
  expect(existsSync(`${pristine}-wal`) ? 'wal left behind' : 'clean').toBe('clean');
  const db = new Database(pristine, { readonly: true });
  rows = db.prepare('SELECT * FROM events ORDER BY seq').all() as EventRow[];
  db.close();
  head = { seq: rows.at(-1)!.seq, hash: rows.at(-1)!.hash };
  expect(rows.length).toBeGreaterThanOrEqual(15); // migration, startup, 12 events, shutdown
});

/** A fresh copy of the cleanly stopped store, and the env that points the CLI at it. */
function copy(): { path: string; env: Record<string, string> } {
  const path = join(tempDir('receipts-tamper-'), 'receipts.db');
  copyFileSync(pristine, path);
  return { path, env: { ...env, RECEIPTS_DB: path } };
}

/** Opens a copy for tampering, with the append-only triggers dropped as an attacker with file access would. */
function tamper(work: (db: Database.Database) => void): Record<string, string> {
  const c = copy();
  const db = new Database(c.path);
  db.exec('DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;');
  work(db);
  db.close();
  return c.env;
}

function verify(e: Record<string, string>): { code: number | null; out: string } {
  const r = cli(e, ['verify']);
  return { code: r.code, out: r.stdout + r.stderr };
}

function expectBrokenAt(e: Record<string, string>, seq: number, table = 'events'): string {
  const r = verify(e);
  expect(r.code, r.out).toBe(1);
  expect(r.out).toMatch(new RegExp(`^${table} seq ${seq}:`, 'm'));
  return r.out;
}

const row = (seq: number) => rows.find((r) => r.seq === seq)!;
const COLUMNS = [
  'id',
  'ts',
  'received_at',
  'event_type',
  'level',
  'outcome',
  'subject',
  'session_ref',
  'request_id',
  'resource_type',
  'resource_id',
  'action',
  'metadata',
  'pii_commit',
  'prev_hash',
  'hash',
] as const;

function insertRow(db: Database.Database, r: EventRow): void {
  db.prepare(
    `INSERT INTO events (seq, ${COLUMNS.join(', ')}) VALUES (@seq, ${COLUMNS.map((c) => `@${c}`).join(', ')})`,
  ).run(r);
}

describe('receipts verify', () => {
  it('should exit 0 on the intact store and print its head', () => {
    const r = verify(copy().env);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`log intact: ${rows.length} events from seq 1`);
    expect(r.out).toContain(`head: seq ${head.seq} hash ${head.hash}`);
    expect(head.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('should print the result as JSON with --json', () => {
    const r = cli(copy().env, ['verify', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, store: { ok: true, count: rows.length, head } });
  });

  it('should name the seq of a row whose column was modified', () => {
    const target = rows[7]!.seq;
    const outcome = rows[7]!.outcome === 'failure' ? 'success' : 'failure';
    const e = tamper((db) => db.prepare('UPDATE events SET outcome = ? WHERE seq = ?').run(outcome, target));
    expect(expectBrokenAt(e, target)).toContain('row content does not match its hash');
  });

  it('should catch a modification of any single column', async () => {
    const target = rows[5]!;
    const changes: Record<(typeof COLUMNS)[number], string | number | null> = {
      id: 'evt_forged',
      ts: target.ts + 1,
      received_at: target.received_at - 1,
      event_type: 'logout',
      level: 'DEBUG',
      outcome: target.outcome === 'failure' ? 'success' : 'failure',
      subject: 'someone_else',
      session_ref: 'f'.repeat(64),
      request_id: 'req_forged',
      resource_type: 'account',
      resource_id: 'acct_1',
      action: 'delete',
      metadata: '{"step":999}',
      pii_commit: '0'.repeat(64),
      prev_hash: '1'.repeat(64),
      hash: '2'.repeat(64),
    };
    // In process, through the same function the CLI runs: one CLI start per column would be slow.
    const c = copy();
    const db = new Database(c.path);
    try {
      db.exec('DROP TRIGGER events_no_update');
      for (const column of COLUMNS) {
        const update = db.prepare(`UPDATE events SET ${column} = ? WHERE seq = ?`);
        update.run(changes[column], target.seq);
        const result = await verifyChain(new SqliteDb(db));
        expect(result, column).toMatchObject({ ok: false, badSeq: target.seq });
        update.run(target[column], target.seq);
        expect((await verifyChain(new SqliteDb(db))).ok, `${column} restored`).toBe(true);
      }
    } finally {
      db.close();
    }
  });

  it('should name the row whose leaf no longer matches when a modified row was re-hashed', () => {
    const target = rows[6]!;
    const e = tamper((db) => {
      const forged = { ...target, metadata: '{"step":0}' };
      forged.hash = rowHash(forged);
      db.prepare('UPDATE events SET metadata = ?, hash = ? WHERE seq = ?').run(
        forged.metadata,
        forged.hash,
        target.seq,
      );
    });
    // The tree still holds the original hash as this row's leaf.
    expect(expectBrokenAt(e, target.seq, 'merkle_nodes')).toContain(
      "the leaf does not match the event's hash",
    );
  });

  it('should name the seq of a deleted middle row', () => {
    const target = rows[8]!.seq;
    const e = tamper((db) => db.prepare('DELETE FROM events WHERE seq = ?').run(target));
    expect(expectBrokenAt(e, target)).toContain(`row ${target} is missing (next row is ${target + 1})`);
  });

  it('should name the oldest kept row when the first row was deleted without a retention run', () => {
    const e = tamper((db) => db.prepare('DELETE FROM events WHERE seq = 1').run());
    expect(expectBrokenAt(e, 2)).toMatch(/rows below seq 2 are gone/);
  });

  it('should name the seq of a forged row inserted at the end with a wrong hash', () => {
    const forgedSeq = head.seq + 1;
    const e = tamper((db) =>
      insertRow(db, {
        ...row(head.seq),
        seq: forgedSeq,
        id: 'evt_forged_tail',
        event_type: 'login_success',
        prev_hash: head.hash,
        hash: 'a'.repeat(64),
      }),
    );
    expect(expectBrokenAt(e, forgedSeq)).toContain('row content does not match its hash');
  });

  it('should name the seq of a forged row at the end that does not follow the head', () => {
    const forgedSeq = head.seq + 1;
    const e = tamper((db) => {
      const forged = { ...row(head.seq), seq: forgedSeq, id: 'evt_forged_tail', prev_hash: row(3).hash };
      insertRow(db, { ...forged, hash: rowHash(forged) });
    });
    expect(expectBrokenAt(e, forgedSeq)).toContain('prev_hash does not match');
  });

  it('should name the seq of a row inserted in the middle, shifting the rest', () => {
    const at = rows[4]!.seq;
    const e = tamper((db) => {
      // Make room: move every later row up by one, then put a forged row in the gap.
      for (const r of [...rows].reverse())
        if (r.seq >= at) db.prepare('UPDATE events SET seq = seq + 1 WHERE seq = ?').run(r.seq);
      const forged = {
        ...row(at),
        id: 'evt_forged_mid',
        prev_hash: row(at - 1).hash,
        metadata: '{"step":-1}',
      };
      insertRow(db, { ...forged, hash: rowHash(forged) });
    });
    expectBrokenAt(e, at, 'merkle_nodes');
  });

  it('should name the lower seq when the contents of two rows were swapped', () => {
    const a = rows[4]!;
    const b = rows[9]!;
    const e = tamper((db) => {
      db.prepare('DELETE FROM events WHERE seq IN (?, ?)').run(a.seq, b.seq);
      insertRow(db, { ...b, seq: a.seq });
      insertRow(db, { ...a, seq: b.seq });
    });
    expectBrokenAt(e, a.seq);
  });

  it('should name the seq when two adjacent rows were swapped', () => {
    const a = rows[10]!;
    const b = rows[11]!;
    const e = tamper((db) => {
      db.prepare('DELETE FROM events WHERE seq IN (?, ?)').run(a.seq, b.seq);
      insertRow(db, { ...b, seq: a.seq });
      insertRow(db, { ...a, seq: b.seq });
    });
    expectBrokenAt(e, a.seq);
  });

  it('should still walk the rows below a forged retention checkpoint and name a row changed there', () => {
    const e = tamper((db) => {
      db.prepare('INSERT INTO retention_checkpoints (through_seq, hash, created_at) VALUES (?, ?, 0)').run(
        5,
        'b'.repeat(64),
      );
      db.prepare("UPDATE events SET outcome = 'failure' WHERE seq = 3").run();
    });
    expect(expectBrokenAt(e, 3)).toContain('row content does not match its hash');
  });

  it('should name the first missing row when the tail of the chain was cut but the tree kept', () => {
    const e = tamper((db) => db.prepare('DELETE FROM events WHERE seq = ?').run(head.seq));
    expect(expectBrokenAt(e, head.seq)).toContain('rows were removed from its tail');
  });
});

describe('the append-only triggers', () => {
  it('should refuse UPDATE and DELETE of events through SQL, and leave the chain intact', () => {
    const c = copy();
    const db = new Database(c.path);
    try {
      expect(() => db.prepare("UPDATE events SET outcome = 'success' WHERE seq = 5").run()).toThrow(
        /append-only: UPDATE refused/,
      );
      expect(() => db.prepare('UPDATE events SET seq = seq + 100').run()).toThrow(/UPDATE refused/);
      expect(() => db.prepare('DELETE FROM events WHERE seq = 5').run()).toThrow(
        /append-only: DELETE refused/,
      );
      expect(() => db.prepare('DELETE FROM events').run()).toThrow(/DELETE refused/);
      expect(() => db.exec('BEGIN; DELETE FROM events WHERE seq > 3; COMMIT;')).toThrow(/DELETE refused/);
      if (db.inTransaction) db.exec('ROLLBACK');
      expect((db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n).toBe(rows.length);
    } finally {
      db.close();
    }
    expect(verify(c.env).code).toBe(0);
  });

  it('should refuse changes to retention checkpoints, so an attacker cannot open a window for DELETE', () => {
    const c = copy();
    const db = new Database(c.path);
    try {
      db.prepare('INSERT INTO retention_checkpoints (through_seq, hash, created_at) VALUES (0, ?, 0)').run(
        '0'.repeat(64),
      );
      expect(() => db.prepare('UPDATE retention_checkpoints SET through_seq = 1000').run()).toThrow(
        /append-only/,
      );
      expect(() => db.prepare('DELETE FROM retention_checkpoints').run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM events WHERE seq = 1').run()).toThrow(/DELETE refused/);
    } finally {
      db.close();
    }
  });
});
