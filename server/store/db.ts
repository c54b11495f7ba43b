// Opening the store: a SQLite file (the embedded default) or a PostgreSQL database, behind one interface.
// Nothing above server/store/ knows which one it has.
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type pg from 'pg';
import { Checkpointer } from './checkpointer.js';
import { isPostgresUrl, safeUrl } from './location.js';
import * as schema from './schema.js';
import type { Db, Dialect } from './sql.js';
import { beginSqlite, openSqlite, type Sqlite, SqliteDb, WalSync } from './sqlite.js';
import type { Transaction } from './transaction.js';

export type { Db, Dialect } from './sql.js';
export type { Sqlite } from './sqlite.js';

export interface Store {
  readonly dialect: Dialect;
  /** Reads outside any transaction: the latest committed state. */
  readonly db: Db;
  /** A file path, or the database URL without its password. */
  readonly location: string;
  /** A write transaction; only the group commit opens them. */
  begin(): Promise<Transaction>;
  /** Gives back the space of deleted rows to the file system (SQLite: folds and truncates the WAL). */
  compact(): Promise<void>;
  close(): Promise<void>;
  /** The PostgreSQL pool, for the cross-process parts of the store (notifications, the leader lock). */
  readonly pool: pg.Pool | null;
  /** The SQLite connections, for SQLite-only maintenance in server/store/. */
  readonly sqlite: { writer: SqliteDb; reader: SqliteDb; wal: WalSync | null } | null;
}

export { isPostgresUrl } from './location.js';

// Shipped as .sql beside the source; from dist/server/store this resolves to server/store/migrations.
const MIGRATIONS = fileURLToPath(new URL('../../../server/store/migrations', import.meta.url));

export interface OpenOptions {
  readonly?: boolean;
  /** Pool size on PostgreSQL. */
  poolSize?: number;
}

export async function openStore(location: string, options: OpenOptions = {}): Promise<Store> {
  return isPostgresUrl(location) ? openPostgresStore(location, options) : openSqliteStore(location, options);
}

function openSqliteStore(path: string, options: OpenOptions): Store {
  const writerHandle = openSqlite(path, { readonly: options.readonly, writer: true });
  // In WAL mode the writer's COMMIT leaves the sync to WalSync, off this thread (see sqlite.ts).
  const wal =
    !options.readonly && writerHandle.pragma('journal_mode', { simple: true }) === 'wal'
      ? new WalSync(`${path}-wal`)
      : null;
  if (wal) writerHandle.pragma('synchronous = NORMAL');
  const checkpointer = wal ? Checkpointer.for(path, writerHandle) : null;
  const writer = new SqliteDb(writerHandle);
  // A second connection for reads; a read-only store has only the one.
  const reader = options.readonly
    ? writer
    : new SqliteDb(openSqlite(path, { readonly: false }), wal ? () => wal.synced() : null);
  let closed = false;
  return {
    dialect: 'sqlite',
    db: reader,
    location: path,
    pool: null,
    sqlite: { writer, reader, wal },
    begin: async () => {
      await checkpointer?.quiet();
      return beginSqlite(writer, wal, checkpointer ? () => checkpointer.committed() : null);
    },
    compact: async () => {
      if (!options.readonly) writerHandle.pragma('wal_checkpoint(TRUNCATE)');
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await wal?.synced().catch(() => {});
      await checkpointer?.close();
      if (reader !== writer) reader.sqlite.close();
      if (!options.readonly) writerHandle.pragma('wal_checkpoint(TRUNCATE)');
      writerHandle.close();
      wal?.close();
    },
  };
}

async function openPostgresStore(url: string, options: OpenOptions): Promise<Store> {
  // pg is loaded only for a PostgreSQL store: a server on its SQLite file never loads it.
  const { beginPostgres, openPool, PgDb } = await import('./postgres.js');
  const pool = openPool(url, options.poolSize ?? 10);
  let closed = false;
  return {
    dialect: 'postgres',
    db: new PgDb(pool),
    location: safeUrl(url),
    pool,
    sqlite: null,
    begin: () => beginPostgres(pool),
    compact: async () => {},
    close: async () => {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/** Applies pending SQLite migrations; returns the tags of those applied now. */
export function applySqliteMigrations(sqlite: Sqlite): string[] {
  const applied = () =>
    sqlite.prepare("SELECT name FROM sqlite_master WHERE type='table' AND name='__drizzle_migrations'").get()
      ? (sqlite.prepare('SELECT hash FROM __drizzle_migrations').all() as { hash: string }[]).map(
          (r) => r.hash,
        )
      : [];
  const before = new Set(applied());
  migrate(drizzle(sqlite, { schema }), { migrationsFolder: MIGRATIONS });
  return applied().filter((h) => !before.has(h));
}

/**
 * Why this server must not start on the store, or null. A PostgreSQL database without Receipts' schema
 * (migrations are the owner's job); in production, a runtime role that could change the audit log.
 */
export async function startupProblem(store: Store, production: boolean): Promise<string | null> {
  if (!store.pool) return null;
  const client = await store.pool.connect();
  try {
    const ready = await client.query("SELECT to_regclass('events') IS NOT NULL AS ok");
    if (!ready.rows[0]?.ok)
      return `the database at ${store.location} has no Receipts schema: run \`receipts migrate\` with RECEIPTS_DB_OWNER set, or set RECEIPTS_DB_OWNER for the server`;
    if (!production) return null;
    const { auditModifiableBy } = await import('./pg/roles.js');
    const why = await auditModifiableBy(client);
    return why
      ? `refusing to start in production: ${why}; the runtime role in RECEIPTS_DB may only INSERT and SELECT on the audit log (see README, "Running on PostgreSQL")`
      : null;
  } finally {
    client.release();
  }
}

/** Applies pending migrations to the store; returns those applied now. */
export async function applyMigrations(store: Store, ownerUrl: string | null = null): Promise<string[]> {
  if (store.sqlite) {
    const applied = applySqliteMigrations(store.sqlite.writer.sqlite);
    // Migrations commit outside the group commit: on disk before anything is written on top of them.
    store.sqlite.wal?.syncNow();
    return applied;
  }
  if (!ownerUrl) return [];
  const { migratePostgres } = await import('./pg/migrate.js');
  return migratePostgres(ownerUrl, store.location);
}
