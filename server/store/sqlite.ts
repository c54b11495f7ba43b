// The SQLite side of the seam: better-sqlite3 is synchronous, so each call runs at once and returns a
// settled promise. Writes go through one connection in group-commit transactions; reads through a second,
// so a reader never sees a transaction that has not committed yet, nor one that is not on disk yet.
import { closeSync, fdatasync, fdatasyncSync, fstatSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Db, Params, Statement } from './sql.js';
import type { Transaction } from './transaction.js';

export type Sqlite = Database.Database;

export class SqliteDb implements Db {
  readonly dialect = 'sqlite' as const;
  private readonly prepared = new Map<string, Database.Statement>();

  /**
   * @param durable on the reader: resolves once every transaction committed so far is on disk. A read waits
   * for it before it answers, so nothing is shown that a power cut could still take back.
   */
  constructor(
    readonly sqlite: Sqlite,
    private readonly durable: (() => Promise<void>) | null = null,
  ) {}

  private statement(st: Statement): Database.Statement {
    let s = this.prepared.get(st.id);
    if (!s) {
      s = this.sqlite.prepare(st.sqlite);
      if (st.arrays) s.raw(true);
      this.prepared.set(st.id, s);
    }
    return s;
  }

  // Synchronous forms, for the SQLite-only code paths (migrations, maintenance) and the async ones below.
  allSync<T>(st: Statement, params?: Params): T[] {
    const s = this.statement(st);
    return (params === undefined ? s.all() : s.all(params)) as T[];
  }

  getSync<T>(st: Statement, params?: Params): T | undefined {
    const s = this.statement(st);
    return (params === undefined ? s.get() : s.get(params)) as T | undefined;
  }

  runSync(st: Statement, params?: Params): number {
    const s = this.statement(st);
    return (params === undefined ? s.run() : s.run(params)).changes;
  }

  all<T>(st: Statement, params?: Params): Promise<T[]> {
    try {
      return this.whenDurable(this.allSync<T>(st, params));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  get<T>(st: Statement, params?: Params): Promise<T | undefined> {
    try {
      return this.whenDurable(this.getSync<T>(st, params));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  run(st: Statement, params?: Params): Promise<number> {
    try {
      return this.whenDurable(this.runSync(st, params));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** `value`, once every transaction committed so far is on disk: a read made elsewhere waits here too. */
  whenDurable<T>(value: T): Promise<T> {
    return this.durable ? this.durable().then(() => value) : Promise.resolve(value);
  }
}

/**
 * The writer's WAL made durable off the thread that commits. The writer commits with synchronous=NORMAL
 * (COMMIT writes the WAL and returns), then each group's fdatasync runs on libuv's thread pool while the
 * next group is already being written; the group's requests are answered only when it has returned.
 * A 202 still means the events are on disk, and the commit thread no longer waits for the disk.
 */
export class WalSync {
  private fd: number | null = null;
  private ino = -1;
  private last: Promise<void> = Promise.resolve();
  /** A failed fdatasync may have lost pages: nothing written after it is acknowledged either. */
  private failed: unknown = null;

  constructor(private readonly walPath: string) {}

  /** Syncs everything written so far; resolves when that sync and every earlier one have returned. */
  sync(): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    let done: Promise<void>;
    try {
      const fd = this.file();
      done =
        fd === null
          ? Promise.resolve()
          : new Promise((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
    } catch (error) {
      done = Promise.reject(error);
    }
    this.last = Promise.all([this.last, done]).then(
      () => {},
      (error) => {
        this.failed ??= error;
        throw this.failed;
      },
    );
    // Readers and the group commit await it; this branch only keeps a failure from going unhandled.
    this.last.catch(() => {});
    return this.last;
  }

  /** The same, on this thread: for writes made outside the group commit (migrations). */
  syncNow(): void {
    const fd = this.file();
    if (fd !== null) fdatasyncSync(fd);
  }

  /** Resolves when every sync started so far has returned. */
  synced(): Promise<void> {
    return this.last;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** The WAL's descriptor, opened again if SQLite made a new file; null if there is none (nothing to sync). */
  private file(): number | null {
    let ino: number;
    try {
      ino = statSync(this.walPath).ino;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    if (this.fd === null || ino !== this.ino) {
      this.close();
      this.fd = openSync(this.walPath, 'r+');
      this.ino = fstatSync(this.fd).ino;
    }
    return this.fd;
  }
}

export interface SqliteOptions {
  readonly?: boolean;
  /** The connection that writes (the default is one that reads): it sets the size of its own page cache. */
  writer?: boolean;
}

/**
 * Each connection keeps a page cache of its own (better-sqlite3 builds SQLite with 16 MB), beside the kernel's
 * cache of the same file. The writer keeps the 16 MB: every event it commits walks the interior pages of about
 * eight indexes. A reader's is 4 MB: a page of activity read on a 100k-event store took the same CPU with 1,
 * 4 and 16 MB (the pages it misses are a copy from the kernel's cache away), and at 16 MB each reader held
 * 10-15 MB more once it had read a few hundred users.
 */
const CACHE_KIB = { writer: 16_000, reader: 4_000 };

export function openSqlite(path: string, options: SqliteOptions = {}): Sqlite {
  const readonly = options.readonly ?? false;
  if (!readonly) mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path, { readonly, fileMustExist: readonly });
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma(`cache_size = -${options.writer ? CACHE_KIB.writer : CACHE_KIB.reader}`);
  if (!readonly) {
    sqlite.pragma('journal_mode = WAL');
    // An event is acknowledged only once it is on disk.
    sqlite.pragma('synchronous = FULL');
    // Erased bytes must not linger in free pages.
    sqlite.pragma('secure_delete = ON');
    sqlite.pragma('foreign_keys = ON');
  }
  return sqlite;
}

/** A connection that only reads, for a thread of its own (server/views/page-readers.ts). */
export function openSqliteReader(path: string): SqliteDb {
  // Opened as the main thread's reader is; query_only makes sure it runs nothing but reads.
  const sqlite = openSqlite(path, { readonly: false });
  sqlite.pragma('query_only = ON');
  return new SqliteDb(sqlite);
}

const control = new WeakMap<Sqlite, Map<string, Database.Statement>>();

/** Transaction-control statements, prepared once per connection: a group runs several per job. */
function run(sqlite: Sqlite, text: string): void {
  let prepared = control.get(sqlite);
  if (!prepared) {
    prepared = new Map();
    control.set(sqlite, prepared);
  }
  let st = prepared.get(text);
  if (!st) {
    st = sqlite.prepare(text);
    prepared.set(text, st);
  }
  st.run();
}

/**
 * A write transaction on the writer connection. BEGIN IMMEDIATE takes the write lock up front. With `wal`,
 * COMMIT does not wait for the disk: `durable()` does (see WalSync). `committed` runs after each COMMIT.
 */
export function beginSqlite(
  db: SqliteDb,
  wal: WalSync | null = null,
  committed: (() => void) | null = null,
): Transaction {
  const { sqlite } = db;
  run(sqlite, 'BEGIN IMMEDIATE');
  let durable: Promise<void> = Promise.resolve();
  const exec = (...texts: string[]): Promise<void> => {
    try {
      for (const t of texts) run(sqlite, t);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  };
  return {
    db,
    savepoint: (name) => exec(`SAVEPOINT ${name}`),
    release: (name) => exec(`RELEASE ${name}`),
    renew: (name) => exec(`RELEASE ${name}`, `SAVEPOINT ${name}`),
    rollbackTo: (name) => exec(`ROLLBACK TO ${name}`, `RELEASE ${name}`),
    commit: () => {
      try {
        run(sqlite, 'COMMIT');
      } catch (error) {
        return Promise.reject(error);
      }
      // Started in the same step as COMMIT: a reader that sees this transaction also waits for this sync.
      if (wal) durable = wal.sync();
      committed?.();
      return Promise.resolve();
    },
    durable: () => durable,
    rollback: () => (sqlite.inTransaction ? exec('ROLLBACK') : Promise.resolve()),
  };
}
