// The alert rules' memory (rule_hits): small time windows per key, read through one index, never a scan of
// the log. Keys are pseudonyms, `subject:…` compounds or keyed hashes of addresses, never raw IPs.
import { type Db, type Statement, sql } from './sql.js';
import type { WriteBehind } from './write-behind.js';

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

const INSERT_PG = sql({
  sqlite: 'SELECT 1',
  pg: `INSERT INTO rule_hits (kind, key, ts, net, flag, event_id)
   SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::int[], ?::text[])`,
});
const OWN: ReadonlySet<Statement> = new Set([INSERT, INSERT_PG, RANGE, KNOWN_NET, ANY_BEFORE]);

interface PendingHit extends Hit {
  kind: HitKind;
  key: string;
}

/**
 * The windows as the rules see them inside a write transaction: hits added by a job wait in memory and are
 * written together when it ends (on PostgreSQL in one statement); the rules' reads add them to what is
 * stored. Stored hits were written before any pending one, so they come first among equal times, as the
 * store's order by (ts, id) has it.
 */
export class RuleHitBuffer implements WriteBehind {
  readonly tables = ['rule_hits'] as const;
  private pending: PendingHit[] = [];

  owns(st: Statement): boolean {
    return OWN.has(st);
  }

  add(kind: HitKind, key: string, ts: number, eventId: string, net: string | null = null, flag = 0): void {
    this.pending.push({ kind, key, ts, net, flag, event_id: eventId });
  }

  private inWindow(kind: HitKind, key: string, from: number, to: number): PendingHit[] {
    return this.pending.filter((h) => h.kind === kind && h.key === key && h.ts >= from && h.ts <= to);
  }

  /** Hits of one kind and key in [from, to], oldest first. */
  async between(db: Db, kind: HitKind, key: string, from: number, to: number): Promise<Hit[]> {
    const stored = await db.all<Hit>(RANGE, [kind, key, from, to]);
    const mine = this.inWindow(kind, key, from, to);
    if (mine.length === 0) return stored;
    const all: Hit[] = [
      ...stored,
      ...mine.map(({ ts, net, flag, event_id }) => ({ ts, net, flag, event_id })),
    ];
    return all.sort((a, b) => a.ts - b.ts); // stable: ties keep stored-then-pending order
  }

  /** Whether the account signed in successfully from this network in [from, to). */
  async usedNetwork(db: Db, subject: string, net: string, from: number, to: number): Promise<boolean> {
    if (this.inWindow('signin', subject, from, to - 1).some((h) => h.net === net)) return true;
    return (await db.get(KNOWN_NET, [subject, from, to - 1, net])) !== undefined;
  }

  /** Whether the account has any successful sign-in before `ts`. */
  async hasHistory(db: Db, subject: string, ts: number): Promise<boolean> {
    if (this.pending.some((h) => h.kind === 'signin' && h.key === subject && h.ts < ts)) return true;
    return (await db.get(ANY_BEFORE, [subject, ts])) !== undefined;
  }

  async flush(db: Db): Promise<void> {
    const hits = this.pending;
    if (hits.length === 0) return;
    this.pending = [];
    if (db.dialect === 'postgres') {
      await db.run(INSERT_PG, [
        hits.map((h) => h.kind),
        hits.map((h) => h.key),
        hits.map((h) => h.ts),
        hits.map((h) => h.net),
        hits.map((h) => h.flag),
        hits.map((h) => h.event_id),
      ]);
      return;
    }
    for (const h of hits) await db.run(INSERT, [h.kind, h.key, h.ts, h.net, h.flag, h.event_id]);
  }

  /** Nothing is cached: only what was added waits, and a foreign statement saw it written first. */
  forget(): void {}

  drop(): void {
    this.pending = [];
  }
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
