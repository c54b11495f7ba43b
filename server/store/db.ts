// Opens the SQLite store with the durability settings the audit log relies on, and applies migrations.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

export type Sqlite = Database.Database;
export type Orm = BetterSQLite3Database<typeof schema>;

export interface Store {
  sqlite: Sqlite;
  orm: Orm;
  path: string;
}

// Shipped as .sql beside the source; from dist/server/store this resolves to server/store/migrations.
const MIGRATIONS = fileURLToPath(new URL('../../../server/store/migrations', import.meta.url));

export function openStore(path: string, options: { readonly?: boolean } = {}): Store {
  if (!options.readonly) mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
  });
  sqlite.pragma('busy_timeout = 5000');
  if (!options.readonly) {
    sqlite.pragma('journal_mode = WAL');
    // An event is acknowledged only once it is on disk.
    sqlite.pragma('synchronous = FULL');
    // Erased bytes must not linger in free pages.
    sqlite.pragma('secure_delete = ON');
    sqlite.pragma('foreign_keys = ON');
  }
  return { sqlite, orm: drizzle(sqlite, { schema }), path };
}

/** Applies pending migrations; returns the tags of those applied now. */
export function applyMigrations(store: Store): string[] {
  const applied = () =>
    store.sqlite
      .prepare("SELECT name FROM sqlite_master WHERE type='table' AND name='__drizzle_migrations'")
      .get()
      ? (store.sqlite.prepare('SELECT hash FROM __drizzle_migrations').all() as { hash: string }[]).map(
          (r) => r.hash,
        )
      : [];
  const before = new Set(applied());
  migrate(store.orm, { migrationsFolder: MIGRATIONS });
  return applied().filter((h) => !before.has(h));
}

/** Folds the WAL into the main file and truncates it, so deleted bytes leave both. */
export function checkpointWal(store: Store): void {
  store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
}
