// One case per way an attacker with a copy of the store file (triggers dropped) can tamper with it, and which
// check catches it: `receipts verify` (the store against itself and its signatures), `receipts verify
// --checkpoint` (against a checkpoint saved outside), or a witness (test/reliability/witness.test.ts, for a
// rewrite under a running server). Cases caught only by a saved checkpoint also show that `verify` alone passes.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EventRow, rowHash } from '../../server/audit/chain.js';
import { TreeWriter } from '../../server/audit/tree.js';
import { SqliteDb } from '../../server/store/sqlite.js';
import { cutTreeFrom, dropGuards, rebuildTree, rechainFrom } from '../server/audit/forge.js';
import { cli, ingest, signIn, startServer, tempDir } from '../support/server.js';

type Db = Database.Database;
let env: Record<string, string>;
let pristine: string;
let saved: string;
let head: number;

beforeAll(async () => {
  const server = await startServer();
  const events = Array.from({ length: 12 }, (_, i) =>
    signIn(`usr_r${i % 3}`, `sess_r${i % 4}`, {
      id: `evt_r_${i}`,
      ip_address: `203.0.113.${i + 1}`,
      metadata: { step: i, email: `person${i}@example.com` },
    }),
  );
  expect((await ingest(server, { events })).status).toBe(202);
  expect(await server.stop()).toBe(0);
  env = server.env;
  pristine = server.dbPath;
  const db = new Database(pristine, { readonly: true });
  const latest = db.prepare('SELECT seq, note FROM checkpoints ORDER BY id DESC LIMIT 1').get() as {
    seq: number;
    note: string;
  };
  head = (db.prepare('SELECT MAX(seq) AS seq FROM events').get() as { seq: number }).seq;
  db.close();
  expect(latest.seq).toBe(head); // the shutdown checkpoint covers everything
  saved = join(tempDir('receipts-saved-'), 'checkpoint.txt');
  writeFileSync(saved, latest.note);
});

async function tampered(work: (db: Db) => unknown): Promise<Record<string, string>> {
  const path = join(tempDir('receipts-tamper-'), 'receipts.db');
  copyFileSync(pristine, path);
  const db = new Database(path);
  dropGuards(db);
  await work(db);
  db.close();
  return { ...env, RECEIPTS_DB: path };
}

const run = (e: Record<string, string>, args: string[]) => {
  const r = cli(e, args);
  return { code: r.code, out: r.stdout + r.stderr };
};

const pseudonymOf = (db: Db, user: string) =>
  (db.prepare('SELECT pseudonym FROM subjects WHERE user_id = ?').get(user) as { pseudonym: string })
    .pseudonym;

function pruneBelow(db: Db, cut: number): void {
  const { hash } = db.prepare('SELECT hash FROM events WHERE seq = ?').get(cut) as { hash: string };
  db.prepare('INSERT INTO retention_checkpoints (through_seq, hash, created_at) VALUES (?, ?, 0)').run(
    cut,
    hash,
  );
  db.prepare('DELETE FROM personal_data WHERE seq <= ?').run(cut);
  db.prepare('DELETE FROM events WHERE seq <= ?').run(cut);
}

interface Case {
  name: string;
  by: 'verify' | 'verify --checkpoint';
  tamper: (db: Db) => unknown;
  expect: RegExp;
}

const cases: Case[] = [
  {
    name: 'an IP address changed in personal_data',
    by: 'verify',
    tamper: (db) => db.prepare("UPDATE personal_data SET ip = '198.51.100.66' WHERE seq = 5").run(),
    expect: /^personal_data seq 5: does not match the event's commitment/m,
  },
  {
    name: 'a user agent changed in personal_data',
    by: 'verify',
    tamper: (db) => db.prepare("UPDATE personal_data SET user_agent = 'curl/8.0' WHERE seq = 7").run(),
    expect: /^personal_data seq 7: does not match the event's commitment/m,
  },
  {
    name: 'two users swapped in subjects',
    by: 'verify',
    tamper: (db) => {
      const a = pseudonymOf(db, 'usr_r0');
      const b = pseudonymOf(db, 'usr_r1');
      const set = db.prepare('UPDATE subjects SET pseudonym = ? WHERE user_id = ?');
      set.run('sub_tmp', 'usr_r0');
      set.run(a, 'usr_r1');
      set.run(b, 'usr_r0');
    },
    expect: /^subjects seq 3: the user's pseudonym in subjects is not the event's subject/m,
  },
  {
    name: 'a retention row inserted and the prefix below it deleted, at a signed tree size',
    by: 'verify',
    tamper: (db) => pruneBelow(db, 2), // the start-up checkpoint signed size 2
    expect: /^events seq 3: rows below seq 3 are gone, but no retention run in the chain cut there/m,
  },
  {
    name: 'a retention row inserted and the prefix below it deleted, at any other size',
    by: 'verify',
    tamper: (db) => pruneBelow(db, 6),
    expect: /^events seq 7: rows below seq 7 are gone, but no signed checkpoint has that size/m,
  },
  {
    name: 'a prefix deleted behind a forged retention event appended to the chain and the tree',
    by: 'verify',
    tamper: async (db) => {
      const last = db.prepare('SELECT * FROM events WHERE seq = ?').get(head) as EventRow;
      const forged = {
        ...last,
        seq: head + 1,
        id: 'evt_forged_retention',
        event_type: 'retention_applied',
        subject: null,
        session_ref: null,
        pii_commit: null,
        metadata: JSON.stringify({ through_seq: 2, pruned: 2, signature: '00'.repeat(64) }),
        prev_hash: last.hash,
      };
      const { hash: _old, ...row } = forged;
      db.prepare(
        'INSERT INTO events VALUES (@seq, @id, @ts, @received_at, @event_type, @level, @outcome, @subject, @session_ref, @request_id, @resource_type, @resource_id, @action, @metadata, @pii_commit, @prev_hash, @hash)',
      ).run({ ...row, hash: rowHash(row) });
      const store = new SqliteDb(db);
      const tree = new TreeWriter();
      await tree.resync(store);
      await tree.catchUp(store, head + 1);
      pruneBelow(db, 2);
    },
    expect: /^events seq 3: the retention run that cut below seq 3 is not signed by the log's key/m,
  },
  {
    name: 'a forged retention row, then a row below it changed',
    by: 'verify',
    tamper: (db) => {
      db.prepare(
        "INSERT INTO retention_checkpoints (through_seq, hash, created_at) VALUES (8, 'x', 0)",
      ).run();
      db.prepare("UPDATE events SET outcome = 'failure' WHERE seq = 4").run();
    },
    expect: /^events seq 4: row content does not match its hash/m,
  },
  {
    name: 'every stored signed checkpoint deleted',
    by: 'verify',
    tamper: (db) => db.prepare('DELETE FROM checkpoints').run(),
    expect: /^checkpoints: no signed checkpoint covers the log/m,
  },
  {
    name: 'a signed checkpoint altered',
    by: 'verify',
    tamper: (db) =>
      db.prepare("UPDATE checkpoints SET note = replace(note, '\n2\n', '\n3\n') WHERE seq = 2").run(),
    expect: /^checkpoints seq 2: the signed note does not verify/m,
  },
  {
    name: 'a node of the Merkle tree changed',
    by: 'verify',
    tamper: (db) => db.prepare('UPDATE merkle_nodes SET hash = zeroblob(32) WHERE id = 7 * 64 + 1').run(),
    expect: /^merkle_nodes seq 8: node 7\/1 does not hash its children/m,
  },
  {
    name: 'a row modified',
    by: 'verify',
    tamper: (db) => db.prepare("UPDATE events SET level = 'DEBUG' WHERE seq = 5").run(),
    expect: /^events seq 5: row content does not match its hash/m,
  },
  {
    name: 'a row deleted',
    by: 'verify',
    tamper: (db) => db.prepare('DELETE FROM events WHERE seq = 6').run(),
    expect: /^events seq 6: row 6 is missing/m,
  },
  {
    name: 'a forged row inserted in the middle, the rest shifted up and re-chained',
    by: 'verify',
    tamper: (db) => {
      for (let seq = head; seq >= 6; seq--)
        db.prepare('UPDATE events SET seq = seq + 1 WHERE seq = ?').run(seq);
      db.prepare(
        "INSERT INTO events SELECT 6, 'evt_forged', ts, received_at, event_type, level, outcome, subject, session_ref, request_id, resource_type, resource_id, action, metadata, NULL, prev_hash, hash FROM events WHERE seq = 5",
      ).run();
      rechainFrom(db, 6, (r) => r);
    },
    expect: /^merkle_nodes seq 6: the leaf does not match the event's hash/m,
  },
  {
    name: 'two rows reordered',
    by: 'verify',
    tamper: (db) => {
      db.prepare('UPDATE events SET seq = -1 WHERE seq = 4').run();
      db.prepare('UPDATE events SET seq = 4 WHERE seq = 9').run();
      db.prepare('UPDATE events SET seq = 9 WHERE seq = -1').run();
    },
    expect: /^events seq 4: /m,
  },
  {
    name: 'every event deleted',
    by: 'verify',
    tamper: (db) => db.prepare('DELETE FROM events').run(),
    expect: /^events: the tree has \d+ leaves but no events remain/m,
  },
  {
    name: 'the tail truncated',
    by: 'verify',
    tamper: (db) => db.prepare('DELETE FROM events WHERE seq > ?').run(head - 3),
    expect: /rows were removed from its tail/,
  },
  {
    name: 'the tail truncated with its leaves and the checkpoints that signed it',
    by: 'verify --checkpoint',
    tamper: (db) => {
      db.prepare('DELETE FROM personal_data WHERE seq > ?').run(head - 3);
      db.prepare('DELETE FROM events WHERE seq > ?').run(head - 3);
      cutTreeFrom(db, head - 2);
    },
    expect: /^checkpoint: the log shrank: the saved checkpoint has \d+ leaves, the tree now \d+/m,
  },
  {
    name: 'rewritten from the middle with every hash and the tree recomputed',
    by: 'verify --checkpoint',
    tamper: async (db) => {
      rechainFrom(db, 6, (r) => (r.seq === 6 ? { ...r, outcome: 'failure' } : r));
      await rebuildTree(db);
      db.prepare('DELETE FROM checkpoints WHERE seq >= 6').run();
    },
    expect:
      /^checkpoint: the tree is not consistent with the saved checkpoint at size \d+: the log was rewritten/m,
  },
];

describe('tampering with a copy of the store', () => {
  it('should pass every check on the untouched store', async () => {
    const e = await tampered(() => undefined);
    expect(run(e, ['verify']).code).toBe(0);
    expect(run(e, ['verify', '--checkpoint', saved]).code).toBe(0);
  });

  it.each(cases)('should catch $name with $by', async (c) => {
    const e = await tampered(c.tamper);
    if (c.by === 'verify') {
      const r = run(e, ['verify']);
      expect(r.code, r.out).toBe(1);
      expect(r.out).toMatch(c.expect);
    } else {
      const alone = run(e, ['verify']);
      expect(alone.code, `verify alone should not see it:\n${alone.out}`).toBe(0);
      const r = run(e, ['verify', '--checkpoint', saved]);
      expect(r.code, r.out).toBe(1);
      expect(r.out).toMatch(c.expect);
    }
  });
});
