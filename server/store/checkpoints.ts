// Signed checkpoints (the tree heads the log's key signed) and retention checkpoints (where a retention run
// cut the chain, with the chain hash there).
import { type Db, sql } from './sql.js';

export interface CheckpointRow {
  id: number;
  seq: number;
  hash: string;
  signed_at: number;
  key_id: string;
  signature: string;
  root: string | null;
  note: string | null;
}

export type NewCheckpoint = Omit<CheckpointRow, 'id'>;

const INSERT = sql(
  `INSERT INTO checkpoints (seq, hash, signed_at, key_id, signature, root, note)
   VALUES (@seq, @hash, @signed_at, @key_id, @signature, @root, @note)`,
);
// Rows from before the tree, without a note, are never the latest.
const LATEST = sql('SELECT * FROM checkpoints WHERE note IS NOT NULL ORDER BY id DESC LIMIT 1');
const LARGEST_AT_MOST = sql('SELECT MAX(seq) AS seq FROM checkpoints WHERE note IS NOT NULL AND seq <= ?');
const ALL = sql('SELECT * FROM checkpoints ORDER BY id');

export const insertCheckpoint = (db: Db, c: NewCheckpoint) => db.run(INSERT, { ...c });
export const latestCheckpointRow = (db: Db) => db.get<CheckpointRow>(LATEST);
export async function largestSignedSeqAtMost(db: Db, seq: number): Promise<number> {
  return (await db.get<{ seq: number | null }>(LARGEST_AT_MOST, [seq]))?.seq ?? 0;
}
/** Every signed checkpoint, in signing order. */
export const checkpointRows = (db: Db) => db.all<CheckpointRow>(ALL);

// Retention checkpoints.
const INSERT_CUT = sql('INSERT INTO retention_checkpoints (through_seq, hash, created_at) VALUES (?, ?, ?)');
const LAST_CUT = sql('SELECT MAX(through_seq) AS seq FROM retention_checkpoints');

export const insertRetentionCut = (db: Db, throughSeq: number, hash: string, at: number) =>
  db.run(INSERT_CUT, [throughSeq, hash, at]);
/** The highest seq any retention run cut through, or null before the first cut. */
export async function lastRetentionCut(db: Db): Promise<number | null> {
  return (await db.get<{ seq: number | null }>(LAST_CUT))?.seq ?? null;
}

// Proofs name events by their public id.
const SEQ_OF_ID = sql('SELECT seq FROM events WHERE id = ?');

export async function seqOfEventId(db: Db, id: string): Promise<number | null> {
  return (await db.get<{ seq: number }>(SEQ_OF_ID, [id]))?.seq ?? null;
}
