// The SQLite side of the seam: better-sqlite3 is synchronous, so each call runs at once and returns a
// settled promise. Writes go through one connection in group-commit transactions; reads through a second,
// so a reader never sees a transaction that has not committed yet.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Db, Params, Statement } from './sql.js';
import type { Transaction } from './transaction.js';

export type Sqlite = Database.Database;

export class SqliteDb implements Db {
  readonly dialect = 'sqlite' as const;
  private readonly prepared = new Map<string, Database.Statement>();

  constructor(readonly sqlite: Sqlite) {}

  private statement(st: Statement): Database.Statement {
    let s = this.prepared.get(st.id);
    if (!s) {
      s = this.sqlite.prepare(st.sqlite);
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
      return Promise.resolve(this.allSync<T>(st, params));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  get<T>(st: Statement, params?: Params): Promise<T | undefined> {
    try {
      return Promise.resolve(this.getSync<T>(st, params));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  run(st: Statement, params?: Params): Promise<number> {
    try {
      return Promise.resolve(this.runSync(st, params));
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

export interface SqliteOptions {
  readonly?: boolean;
}

export function openSqlite(path: string, options: SqliteOptions = {}): Sqlite {
  const readonly = options.readonly ?? false;
  if (!readonly) mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path, { readonly, fileMustExist: readonly });
  sqlite.pragma('busy_timeout = 5000');
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

/** A write transaction on the writer connection. BEGIN IMMEDIATE takes the write lock up front. */
export function beginSqlite(db: SqliteDb): Transaction {
  const { sqlite } = db;
  run(sqlite, 'BEGIN IMMEDIATE');
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
    commit: () => exec('COMMIT'),
    rollback: () => (sqlite.inTransaction ? exec('ROLLBACK') : Promise.resolve()),
  };
}
