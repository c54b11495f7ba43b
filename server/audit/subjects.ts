// Users appear in the audit log only as random pseudonyms; this table is the one link back to the person.
import { randomBytes } from 'node:crypto';
import type { Sqlite } from '../store/db.js';

export class Subjects {
  private cache = new Map<string, string>();
  private readonly find;
  private readonly insert;
  private readonly remove;
  private readonly reverse;

  constructor(sqlite: Sqlite) {
    this.find = sqlite.prepare<[string], { pseudonym: string }>(
      'SELECT pseudonym FROM subjects WHERE user_id = ?',
    );
    this.insert = sqlite.prepare('INSERT INTO subjects (user_id, pseudonym, created_at) VALUES (?, ?, ?)');
    this.remove = sqlite.prepare('DELETE FROM subjects WHERE user_id = ?');
    this.reverse = sqlite.prepare<[string], { user_id: string }>(
      'SELECT user_id FROM subjects WHERE pseudonym = ?',
    );
  }

  /** The user's pseudonym, or null when the user has none (never seen, or erased). */
  lookup(userId: string): string | null {
    const hit = this.cache.get(userId);
    if (hit) return hit;
    const row = this.find.get(userId);
    if (row) this.remember(userId, row.pseudonym);
    return row?.pseudonym ?? null;
  }

  /** The user's pseudonym, created on first sight. Call inside a write transaction. */
  ensure(userId: string): string {
    const existing = this.lookup(userId);
    if (existing) return existing;
    const pseudonym = `sub_${randomBytes(12).toString('base64url')}`;
    this.insert.run(userId, pseudonym, Date.now());
    this.remember(userId, pseudonym);
    return pseudonym;
  }

  /** The user id behind a pseudonym, while the link exists. */
  userIdOf(pseudonym: string): string | null {
    return this.reverse.get(pseudonym)?.user_id ?? null;
  }

  /** Deletes the link; the pseudonym's events stay but no longer lead to the person. */
  forget(userId: string): void {
    this.remove.run(userId);
    this.cache.delete(userId);
  }

  /** Drops cached links (after a rolled-back transaction, a cached pseudonym may not exist). */
  clearCache(): void {
    this.cache.clear();
  }

  private remember(userId: string, pseudonym: string): void {
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(userId, pseudonym);
  }
}
