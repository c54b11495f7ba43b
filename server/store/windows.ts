// The alert rules' memory (rule_hits): small time windows per key, read through one index, never a scan of
// the log. Keys are pseudonyms, `subject:…` compounds or keyed hashes of addresses, never raw IPs.
import { type Db, sql } from './sql.js';

export type HitKind = 'signin' | 'failure_ip' | 'failure_account' | 'credential_change';

export interface Hit {
  ts: number;
  net: string | null;
  flag: number;
  event_id: string;
}

const INSERT = sql('INSERT INTO rule_hits (kind, key, ts, net, flag, event_id) VALUES (?, ?, ?, ?, ?, ?)');
// Ties in time keep the order they were written in (id), on either database.
const RANGE = sql(
  'SELECT ts, net, flag, event_id FROM rule_hits WHERE kind = ? AND key = ? AND ts BETWEEN ? AND ? ORDER BY ts, id',
);
const KNOWN_NET = sql(
  "SELECT 1 AS one FROM rule_hits WHERE kind = 'signin' AND key = ? AND ts BETWEEN ? AND ? AND net = ? LIMIT 1",
);
const ANY_BEFORE = sql("SELECT 1 AS one FROM rule_hits WHERE kind = 'signin' AND key = ? AND ts < ? LIMIT 1");
// The account's own windows, the windows it appears in as a network (per-IP failures name the account
// there), and the compound keys `subject:…` — by exact prefix (LIKE would read `_` in a pseudonym as a
// wildcard, and SQLite's ignores case).
const FORGET = sql('DELETE FROM rule_hits WHERE key = ? OR net = ? OR substr(key, 1, ?) = ?');
const PRUNE = sql('DELETE FROM rule_hits WHERE ts < ?');
const COUNT_BEFORE = sql('SELECT COUNT(*) AS n FROM rule_hits WHERE ts < ?');

export function addHit(
  tx: Db,
  kind: HitKind,
  key: string,
  ts: number,
  eventId: string,
  net: string | null = null,
  flag = 0,
): Promise<number> {
  return tx.run(INSERT, [kind, key, ts, net, flag, eventId]);
}

/** Hits of one kind and key in [from, to], oldest first. */
export function hitsBetween(db: Db, kind: HitKind, key: string, from: number, to: number): Promise<Hit[]> {
  return db.all<Hit>(RANGE, [kind, key, from, to]);
}

/** Whether the account signed in successfully from this network in [from, to). */
export async function usedNetwork(
  db: Db,
  subject: string,
  net: string,
  from: number,
  to: number,
): Promise<boolean> {
  return (await db.get(KNOWN_NET, [subject, from, to - 1, net])) !== undefined;
}

/** Whether the account has any successful sign-in before `ts`. */
export async function hasHistory(db: Db, subject: string, ts: number): Promise<boolean> {
  return (await db.get(ANY_BEFORE, [subject, ts])) !== undefined;
}

/** Erasure: every window that names the account goes with it. */
export function forgetRuleHits(tx: Db, subject: string): Promise<number> {
  const prefix = `${subject}:`;
  return tx.run(FORGET, [subject, subject, prefix.length, prefix]);
}

/** Retention: hits older than `before` (no rule looks back that far). */
export function pruneRuleHits(tx: Db, before: number): Promise<number> {
  return tx.run(PRUNE, [before]);
}

export async function countRuleHits(db: Db, before: number): Promise<number> {
  return (await db.get<{ n: number }>(COUNT_BEFORE, [before]))?.n ?? 0;
}
