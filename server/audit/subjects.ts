// Users appear in the audit log only as random pseudonyms; the subjects table is the one link back to the
// person. The link is cached only where one process owns the store: with several servers an erasure on
// another one must be seen at once, so each lookup reads the table.
import { randomBytes } from 'node:crypto';
import { deleteSubject, insertSubject, pseudonymOf, userIdOf } from '../store/events.js';
import type { Db } from '../store/sql.js';

export class Subjects {
  private cache = new Map<string, string>();

  constructor(private readonly shared: boolean) {}

  /** The user's pseudonym, or null when the user has none (never seen, or erased). */
  async lookup(db: Db, userId: string): Promise<string | null> {
    const hit = this.cache.get(userId);
    if (hit) return hit;
    const pseudonym = await pseudonymOf(db, userId);
    if (pseudonym) this.remember(userId, pseudonym);
    return pseudonym;
  }

  /** The user's pseudonym, created on first sight. Call inside a write transaction. */
  async ensure(db: Db, userId: string): Promise<string> {
    const existing = await this.lookup(db, userId);
    if (existing) return existing;
    const pseudonym = `sub_${randomBytes(12).toString('base64url')}`;
    await insertSubject(db, userId, pseudonym, Date.now());
    this.remember(userId, pseudonym);
    return pseudonym;
  }

  /** The user id behind a pseudonym, while the link exists. */
  userIdOf(db: Db, pseudonym: string): Promise<string | null> {
    return userIdOf(db, pseudonym);
  }

  /** Deletes the link; the pseudonym's events stay but no longer lead to the person. */
  async forget(db: Db, userId: string): Promise<void> {
    await deleteSubject(db, userId);
    this.cache.delete(userId);
  }

  /** Drops cached links (after a rolled-back transaction, a cached pseudonym may not exist). */
  clearCache(): void {
    this.cache.clear();
  }

  private remember(userId: string, pseudonym: string): void {
    if (this.shared) return;
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(userId, pseudonym);
  }
}
