// Users appear in the audit log only as random pseudonyms; the subjects table is the one link back to the
// person. Where one process owns the store the link is cached; with several servers only within one write
// transaction (which holds the write lock), since an erasure on another one must be seen at once.
import { randomBytes } from 'node:crypto';
import { deleteSubject, insertSubject, pseudonymOf, userIdOf } from '../store/events.js';
import type { Db } from '../store/sql.js';

export class Subjects {
  private cache = new Map<string, string>();

  constructor(private readonly shared: boolean) {}

  /** The user's pseudonym, or null when the user has none (never seen, or erased). */
  async lookup(db: Db, userId: string): Promise<string | null> {
    // Shared: the cache holds only the current transaction's links (see ensure); a read outside it must
    // see an erasure another server committed a moment ago.
    const hit = this.shared ? undefined : this.cache.get(userId);
    if (hit) return hit;
    const pseudonym = await pseudonymOf(db, userId);
    if (pseudonym) this.remember(userId, pseudonym);
    return pseudonym;
  }

  /** The user's pseudonym, created on first sight. Call inside a write transaction. */
  async ensure(db: Db, userId: string): Promise<string> {
    const existing = this.cache.get(userId) ?? (await this.lookup(db, userId));
    if (existing) {
      this.cache.set(userId, existing);
      return existing;
    }
    const pseudonym = `sub_${randomBytes(12).toString('base64url')}`;
    await insertSubject(db, userId, pseudonym, Date.now());
    this.remember(userId, pseudonym);
    return pseudonym;
  }

  /**
   * A new write transaction. Shared: it holds the store's write lock, so no other server can erase anyone
   * until it commits; what the previous transaction cached may be stale by now, and goes.
   */
  startGroup(): void {
    if (this.shared) this.cache.clear();
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
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(userId, pseudonym);
  }
}
