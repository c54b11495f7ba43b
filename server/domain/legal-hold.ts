// Legal holds: a held account's events are kept through retention and its erasure is refused.
import { deleteHold, type HoldRow, holdRow, insertHold } from '../store/holds.js';
import type { Db } from '../store/sql.js';

export type Hold = HoldRow;

export async function holdOf(db: Db, subject: string | null): Promise<Hold | null> {
  if (!subject) return null;
  return (await holdRow(db, subject)) ?? null;
}

/** Places (or re-words) a hold; call inside a write transaction. */
export async function placeHold(tx: Db, subject: string, reason: string): Promise<void> {
  await insertHold(tx, subject, reason, Date.now());
}

/** Releases a hold; false when there was none. Call inside a write transaction. */
export async function releaseHold(tx: Db, subject: string): Promise<boolean> {
  return (await deleteHold(tx, subject)) > 0;
}
