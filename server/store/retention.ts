// What retention counts and prunes: the chain's prefix and the personal details that outlive their days.
// Rule windows and delivered webhooks are pruned by their own modules.
import { type Db, sql } from './sql.js';

// The prefix ends before the first event still young enough, or that belongs to a held account.
const STOP = sql(
  `SELECT seq, CASE WHEN subject IN (SELECT subject FROM legal_holds) THEN 1 ELSE 0 END AS held FROM events
   WHERE ts >= ? OR subject IN (SELECT subject FROM legal_holds)
   ORDER BY seq LIMIT 1`,
);
const COUNT_THROUGH = sql('SELECT COUNT(*) AS n FROM events WHERE seq <= ?');
// Personal details of events older than a cutoff, except those of held accounts.
const EXPIRED_DETAILS = `FROM personal_data p JOIN events e ON e.seq = p.seq
  WHERE e.ts < ? AND (p.subject IS NULL OR p.subject NOT IN (SELECT subject FROM legal_holds))`;
// Rows of personal data that belong to no user cannot be erased by anyone's request: they get a short life.
const NO_SUBJECT_EXPIRED =
  'FROM personal_data p JOIN events e ON e.seq = p.seq WHERE p.subject IS NULL AND e.ts < ? AND e.seq > ?';
const COUNT_EXPIRED_DETAILS = sql(`SELECT COUNT(*) AS n ${EXPIRED_DETAILS} AND e.seq > ?`);
const COUNT_NO_SUBJECT = sql(`SELECT COUNT(*) AS n ${NO_SUBJECT_EXPIRED}`);
const DELETE_PERSONAL_THROUGH = sql('DELETE FROM personal_data WHERE seq <= ?');
// On PostgreSQL the runtime role cannot delete events: the owner's pruning function does, and it refuses a
// cut that no retention checkpoint and no signed checkpoint cover.
const DELETE_EVENTS_THROUGH = sql({
  sqlite: 'DELETE FROM events WHERE seq <= ?',
  pg: 'SELECT receipts_prune_events(?::bigint) AS n',
});
const DELETE_EXPIRED_DETAILS = sql(
  `DELETE FROM personal_data WHERE seq IN (SELECT p.seq ${EXPIRED_DETAILS})`,
);
const DELETE_NO_SUBJECT = sql(`DELETE FROM personal_data WHERE seq IN (SELECT p.seq ${NO_SUBJECT_EXPIRED})`);

/** The first event the prefix must keep (young, or held), or undefined when every event may go. */
export function firstKept(db: Db, cutoff: number): Promise<{ seq: number; held: number } | undefined> {
  return db.get(STOP, [cutoff]);
}

export async function countEventsThrough(db: Db, seq: number): Promise<number> {
  return (await db.get<{ n: number }>(COUNT_THROUGH, [seq]))?.n ?? 0;
}

/** Personal-data rows of events after `afterSeq` older than `before`, held accounts' excepted. */
export async function countExpiredDetails(db: Db, before: number, afterSeq: number): Promise<number> {
  return (await db.get<{ n: number }>(COUNT_EXPIRED_DETAILS, [before, afterSeq]))?.n ?? 0;
}

/** Personal-data rows about no user, of events after `afterSeq` older than `before`. */
export async function countNoSubjectDetails(db: Db, before: number, afterSeq: number): Promise<number> {
  return (await db.get<{ n: number }>(COUNT_NO_SUBJECT, [before, afterSeq]))?.n ?? 0;
}

/** Deletes the chain's prefix through `seq` with its personal data. */
export async function pruneThrough(tx: Db, seq: number): Promise<void> {
  await tx.run(DELETE_PERSONAL_THROUGH, [seq]);
  await tx.run(DELETE_EVENTS_THROUGH, [seq]);
}

export const deleteExpiredDetails = (tx: Db, before: number) => tx.run(DELETE_EXPIRED_DETAILS, [before]);
export const deleteNoSubjectDetails = (tx: Db, before: number, afterSeq: number) =>
  tx.run(DELETE_NO_SUBJECT, [before, afterSeq]);
