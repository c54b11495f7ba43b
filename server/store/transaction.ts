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
  commit(): Promise<void>;
  rollback(): Promise<void>;
}
