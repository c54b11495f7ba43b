// Legal holds: a held account's events are kept through retention and its erasure is refused.
import type { Sqlite } from '../store/db.js';

export interface Hold {
  reason: string;
  created_at: number;
}

export function holdOf(sqlite: Sqlite, subject: string | null): Hold | null {
  if (!subject) return null;
  return (
    sqlite
      .prepare<[string], Hold>('SELECT reason, created_at FROM legal_holds WHERE subject = ?')
      .get(subject) ?? null
  );
}

export function placeHold(sqlite: Sqlite, subject: string, reason: string): void {
  sqlite
    .prepare(
      'INSERT INTO legal_holds (subject, reason, created_at) VALUES (?, ?, ?) ON CONFLICT(subject) DO UPDATE SET reason = excluded.reason',
    )
    .run(subject, reason, Date.now());
}

export function releaseHold(sqlite: Sqlite, subject: string): boolean {
  return sqlite.prepare('DELETE FROM legal_holds WHERE subject = ?').run(subject).changes > 0;
}
