// What an attacker with write access to the store file can do: drop the append-only triggers, rewrite rows
// with recomputed hashes, and rebuild the Merkle tree so it agrees with the rewritten chain.
import type Database from 'better-sqlite3';
import { type EventRow, rowHash } from '../../../server/audit/chain.js';
import { TreeWriter } from '../../../server/audit/tree.js';
import { SqliteDb } from '../../../server/store/sqlite.js';

const GUARDS = [
  'events_no_update',
  'events_no_delete',
  'retention_checkpoints_no_update',
  'retention_checkpoints_no_delete',
  'merkle_nodes_no_update',
  'merkle_nodes_no_delete',
  'checkpoints_no_update',
  'checkpoints_no_delete',
];

export function dropGuards(db: Database.Database): void {
  for (const t of GUARDS) db.exec(`DROP TRIGGER IF EXISTS ${t}`);
}

/** Rewrites every row from `fromSeq` on through `change`, re-chaining each hash to the one before. */
export function rechainFrom(
  db: Database.Database,
  fromSeq: number,
  change: (row: EventRow) => EventRow,
): void {
  const rows = db.prepare('SELECT * FROM events WHERE seq >= ? ORDER BY seq').all(fromSeq) as EventRow[];
  let prev = (
    db.prepare('SELECT hash FROM events WHERE seq = ?').get(fromSeq - 1) as { hash: string } | undefined
  )?.hash;
  const update = db.prepare(
    'UPDATE events SET event_type = @event_type, metadata = @metadata, outcome = @outcome, prev_hash = @prev_hash, hash = @hash WHERE seq = @seq',
  );
  for (const row of rows) {
    const { hash: _old, ...rest } = change(row);
    const next = { ...rest, prev_hash: prev ?? rest.prev_hash };
    const hash = rowHash(next);
    update.run({ ...next, hash });
    prev = hash;
  }
}

/** Recomputes the whole tree from the (rewritten) chain, as the server would have written it. */
export async function rebuildTree(db: Database.Database): Promise<void> {
  db.exec('DELETE FROM merkle_nodes');
  const head = (db.prepare('SELECT MAX(seq) AS seq FROM events').get() as { seq: number | null }).seq ?? 0;
  const store = new SqliteDb(db);
  const tree = new TreeWriter();
  await tree.resync(store);
  await tree.catchUp(store, head);
}

/** Removes the tree's leaves from `fromSeq` on and the checkpoints that signed them. */
export function cutTreeFrom(db: Database.Database, fromSeq: number): void {
  db.prepare('DELETE FROM merkle_nodes WHERE id >= ?').run((fromSeq - 1) * 64);
  db.prepare('DELETE FROM checkpoints WHERE seq >= ?').run(fromSeq);
}

/** The tree size of a saved signed note. */
export const noteSize = (note: string) => Number(note.split('\n')[1]);
