// The rules' memory: small time windows per key, read through one index, never a scan of the log.
import type { Sqlite } from '../store/db.js';

export type HitKind = 'signin' | 'failure_ip' | 'failure_account' | 'credential_change';

export interface Hit {
  ts: number;
  net: string | null;
  flag: number;
  event_id: string;
}

export class Windows {
  private readonly insert;
  private readonly range;
  private readonly count;
  private readonly knownNet;
  private readonly any;
  private readonly forget;
  private readonly prune;

  constructor(sqlite: Sqlite) {
    this.insert = sqlite.prepare(
      'INSERT INTO rule_hits (kind, key, ts, net, flag, event_id) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.range = sqlite.prepare<[string, string, number, number], Hit>(
      'SELECT ts, net, flag, event_id FROM rule_hits WHERE kind = ? AND key = ? AND ts BETWEEN ? AND ? ORDER BY ts',
    );
    this.count = sqlite.prepare<[string, string, number, number], { n: number }>(
      'SELECT COUNT(*) AS n FROM rule_hits WHERE kind = ? AND key = ? AND ts BETWEEN ? AND ?',
    );
    this.knownNet = sqlite.prepare<[string, number, number, string], { one: number }>(
      "SELECT 1 AS one FROM rule_hits WHERE kind = 'signin' AND key = ? AND ts BETWEEN ? AND ? AND net = ? LIMIT 1",
    );
    this.any = sqlite.prepare<[string, number], { one: number }>(
      "SELECT 1 AS one FROM rule_hits WHERE kind = 'signin' AND key = ? AND ts < ? LIMIT 1",
    );
    this.forget = sqlite.prepare('DELETE FROM rule_hits WHERE key = ?');
    this.prune = sqlite.prepare('DELETE FROM rule_hits WHERE ts < ?');
  }

  add(kind: HitKind, key: string, ts: number, eventId: string, net: string | null = null, flag = 0): void {
    this.insert.run(kind, key, ts, net, flag, eventId);
  }

  between(kind: HitKind, key: string, from: number, to: number): Hit[] {
    return this.range.all(kind, key, from, to);
  }

  countBetween(kind: HitKind, key: string, from: number, to: number): number {
    return this.count.get(kind, key, from, to)?.n ?? 0;
  }

  /** Whether the account signed in successfully from this network in [from, to). */
  usedNetwork(subject: string, net: string, from: number, to: number): boolean {
    return this.knownNet.get(subject, from, to - 1, net) !== undefined;
  }

  /** Whether the account has any successful sign-in before `ts`. */
  hasHistory(subject: string, ts: number): boolean {
    return this.any.get(subject, ts) !== undefined;
  }

  /** Erasure: the account's windows go with it. */
  forgetKey(key: string): void {
    this.forget.run(key);
  }

  pruneBefore(ts: number): number {
    return this.prune.run(ts).changes;
  }
}
