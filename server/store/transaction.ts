// One write transaction as the group commit drives it: savepoints per job, one commit for the group.
import type { Db } from './sql.js';

export interface Transaction {
  /** Runs statements inside this transaction. */
  readonly db: Db;
  savepoint(name: string): Promise<void>;
  release(name: string): Promise<void>;
  /** Releases the savepoint and opens it again for the next job: one round trip on PostgreSQL. */
  renew(name: string): Promise<void>;
  /** Undoes the savepoint's work and ends it. */
  rollbackTo(name: string): Promise<void>;
  /** Ends the transaction: its writes are visible to the next one, not necessarily on disk yet. */
  commit(): Promise<void>;
  /**
   * After commit: resolves once the transaction is on disk. SQLite syncs its WAL off the committing thread
   * (WalSync); PostgreSQL's COMMIT has already waited for its own WAL flush.
   */
  durable(): Promise<void>;
  rollback(): Promise<void>;
}
