// Write-behind for derived tables: a job keeps the rows it reads and changes in memory and writes each
// changed row once when it ends (as the audit writer does for the log). Anything else in the transaction
// that reads such a table first gets the buffer written; anything that writes it also empties the cache.
import { type BufferedTable, type Db, type Params, type Statement, sql, unnestColumns } from './sql.js';

export interface WriteBehind {
  /** The tables whose rows it holds. */
  readonly tables: readonly BufferedTable[];
  /** Its own statements: they bypass the flush (they are how it reads and writes). */
  owns(st: Statement): boolean;
  /** Writes what changed since the last flush; the group commit calls it at the end of each job. */
  flush(db: Db): Promise<void>;
  /** After a foreign statement wrote its tables: cached rows may be stale, so none are kept. */
  forget(): void;
  /** The job's savepoint (or the transaction) rolled back: nothing buffered or cached is true any more. */
  drop(): void;
}

/**
 * The transaction as jobs see it: before a statement that names a buffered table, that table's buffer is
 * written (to `db`, the unbound transaction); after one that writes it, the buffer's cache is dropped.
 */
export function bindWriteBehind(db: Db, buffers: readonly WriteBehind[]): Db {
  const concerned = (st: Statement) =>
    buffers.filter((b) => !b.owns(st) && b.tables.some((t) => st.buffered.has(t)));
  const around = async <T>(st: Statement, run: () => Promise<T>): Promise<T> => {
    const hit = concerned(st);
    if (hit.length === 0) return run();
    for (const b of hit) await b.flush(db);
    const result = await run();
    if (st.writes) for (const b of hit) b.forget();
    return result;
  };
  // Most statements name no buffered table: they go straight through, without a wrapper's await.
  return {
    dialect: db.dialect,
    all: <T>(st: Statement, params?: Params) =>
      st.buffered.size === 0 ? db.all<T>(st, params) : around(st, () => db.all<T>(st, params)),
    get: <T>(st: Statement, params?: Params) =>
      st.buffered.size === 0 ? db.get<T>(st, params) : around(st, () => db.get<T>(st, params)),
    run: (st: Statement, params?: Params) =>
      st.buffered.size === 0 ? db.run(st, params) : around(st, () => db.run(st, params)),
  };
}

/** A buffered row: as stored (`clean`), changed since (`dirty`), or not stored yet (`new`). */
export interface CachedRow<R> {
  row: R;
  state: 'clean' | 'dirty' | 'new';
}

/** How one table's buffered rows are written: row by row on SQLite, one `unnest` statement each on PostgreSQL. */
export interface RowWrites<R> {
  insertRow: Statement;
  updateRow: Statement;
  insertRowsPg: Statement;
  updateRowsPg: Statement;
  insertColumns: readonly (keyof R)[];
  updateColumns: readonly (keyof R)[];
  /** All four: the buffer's own statements (see WriteBehind.owns). */
  statements: readonly Statement[];
}

/** A column's PostgreSQL type: the element type of its `unnest` array. */
export type PgType = 'text' | 'bigint';

/**
 * The statements that write a buffered table, from its columns named once: `columns` are inserted (in this
 * order, with their types), `updated` are set on a changed row, found by `id`.
 */
export function rowWrites<R extends { id: string }>(
  table: BufferedTable,
  columns: { readonly [K in keyof R & string]: PgType },
  updated: readonly (keyof R & string)[],
): RowWrites<R> {
  const inserted = Object.keys(columns) as (keyof R & string)[];
  const set = ['id', ...updated] as (keyof R & string)[];
  const arrays = (cols: readonly (keyof R & string)[]) => cols.map((c) => `?::${columns[c]}[]`).join(', ');
  const names = (cols: readonly string[], prefix = '') => cols.map((c) => `${prefix}${c}`).join(', ');
  const assign = (from: string) => updated.map((c) => `${c} = ${from}${c}`).join(', ');
  // The unnest forms run on PostgreSQL only; SQLite writes row by row.
  const pgOnly = (pg: string) => sql({ sqlite: 'SELECT 1', pg });
  const w = {
    insertRow: sql(`INSERT INTO ${table} (${names(inserted)}) VALUES (${names(inserted, '@')})`),
    updateRow: sql(`UPDATE ${table} SET ${assign('@')} WHERE id = @id`),
    insertRowsPg: pgOnly(
      `INSERT INTO ${table} (${names(inserted)}) SELECT * FROM unnest(${arrays(inserted)})`,
    ),
    updateRowsPg: pgOnly(
      `UPDATE ${table} t SET ${assign('u.')} FROM unnest(${arrays(set)}) AS u(${names(set)}) WHERE t.id = u.id`,
    ),
    insertColumns: inserted,
    updateColumns: set,
  };
  return { ...w, statements: [w.insertRow, w.updateRow, w.insertRowsPg, w.updateRowsPg] };
}

/** Writes the new and changed rows among `cached` and marks them clean. */
export async function writeChanged<R extends object>(
  db: Db,
  cached: Iterable<CachedRow<R> | null>,
  w: RowWrites<R>,
): Promise<void> {
  const fresh: R[] = [];
  const changed: R[] = [];
  for (const c of cached) {
    if (!c || c.state === 'clean') continue;
    (c.state === 'new' ? fresh : changed).push(c.row);
    c.state = 'clean';
  }
  if (db.dialect === 'postgres') {
    if (fresh.length > 0) await db.run(w.insertRowsPg, unnestColumns(fresh, w.insertColumns));
    if (changed.length > 0) await db.run(w.updateRowsPg, unnestColumns(changed, w.updateColumns));
    return;
  }
  for (const r of fresh) await db.run(w.insertRow, { ...r } as Params);
  for (const r of changed) await db.run(w.updateRow, { ...r } as Params);
}
