// The storage seam's executor: statements written once, with `?` or `@name` placeholders, run on SQLite or
// PostgreSQL behind one async interface. Only modules in server/store/ write SQL; everything above them
// holds a `Db` and passes it back to a store function, never running a statement itself.

export type Dialect = 'sqlite' | 'postgres';
export type Scalar = string | number | bigint | Buffer | null;
/** Arrays travel to PostgreSQL as array parameters (`unnest(?::bigint[])`); SQLite takes scalars only. */
export type Param = Scalar | readonly Scalar[];

/** Rows as one array per column, in `keys` order: the parameters of a PostgreSQL `unnest` statement. */
export function unnestColumns<R, K extends keyof R>(rows: readonly R[], keys: readonly K[]): Param[] {
  return keys.map((k) => rows.map((r) => r[k] as Scalar));
}
export type Params = readonly Param[] | Readonly<Record<string, Param>>;

/** A statement compiled for both dialects: `?`/`@name` for SQLite, `$n` for PostgreSQL (named, prepared). */
export interface Statement {
  readonly sqlite: string;
  readonly pg: string;
  /** For `@name` statements: the parameter names in `$n` order. */
  readonly names: readonly string[] | null;
  /** The PostgreSQL prepared statement's name; each connection prepares it once. */
  readonly id: string;
  /** Whether it names a table the audit writer buffers rows for (events, personal data, the tree). */
  readonly touchesLog: boolean;
  /** The write-behind tables it names (see BUFFERED_TABLES): their buffers are written before it runs. */
  readonly buffered: ReadonlySet<BufferedTable>;
  /** Whether it may change rows (INSERT, UPDATE, DELETE anywhere in it): cached rows of its tables go stale. */
  readonly writes: boolean;
  /** Rows come back as arrays in column order, not objects: for hot reads, no object (and no keys) per row. */
  readonly arrays: boolean;
}

const LOG_TABLES = /\b(events|personal_data|merkle_nodes)\b/i;
/** Derived tables whose rows a job keeps in memory and writes once at its end (server/store/write-behind.ts). */
export const BUFFERED_TABLES = ['sessions', 'devices', 'rule_hits'] as const;
export type BufferedTable = (typeof BUFFERED_TABLES)[number];
const WRITES = /\b(INSERT|UPDATE|DELETE)\b/i;
const mentions = (text: string, table: string) => new RegExp(`\\b${table}\\b`, 'i').test(text);

let counter = 0;

function toPg(text: string): { pg: string; names: string[] | null } {
  const names: string[] = [];
  let positional = 0;
  let out = '';
  // Placeholders outside string literals and quoted identifiers only.
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      out += text.slice(i, end + 1);
      i = end;
    } else if (c === '?') {
      out += `$${++positional}`;
    } else if (c === '@' && /[A-Za-z_]/.test(text[i + 1] ?? '')) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1))!;
      let n = names.indexOf(m[0]);
      if (n < 0) n = names.push(m[0]) - 1;
      out += `$${n + 1}`;
      i += m[0].length;
    } else out += c;
  }
  if (positional > 0 && names.length > 0) throw new Error('a statement mixes ? and @name placeholders');
  return { pg: out, names: names.length > 0 ? names : null };
}

/**
 * Compiles a statement once, at module load. Pass one text for both dialects, or each its own where they
 * differ (scalar MAX/MIN, booleans, upserts on expressions).
 */
export function sql(
  text: string | { sqlite: string; pg: string },
  options: { arrays?: boolean } = {},
): Statement {
  const sqlite = typeof text === 'string' ? text : text.sqlite;
  const { pg, names } = toPg(typeof text === 'string' ? text : text.pg);
  return {
    sqlite,
    pg,
    names,
    id: `r${++counter}`,
    touchesLog: LOG_TABLES.test(sqlite) || LOG_TABLES.test(pg),
    buffered: new Set(BUFFERED_TABLES.filter((t) => mentions(sqlite, t) || mentions(pg, t))),
    writes: WRITES.test(sqlite) || WRITES.test(pg),
    arrays: options.arrays ?? false,
  };
}

/** Runs statements; inside `transact` it is the transaction, outside it reads the latest committed state. */
export interface Db {
  readonly dialect: Dialect;
  all<T>(st: Statement, params?: Params): Promise<T[]>;
  get<T>(st: Statement, params?: Params): Promise<T | undefined>;
  /** Returns the number of rows changed. */
  run(st: Statement, params?: Params): Promise<number>;
}

/** Positional values for PostgreSQL from either kind of parameters. */
export function pgValues(st: Statement, params: Params | undefined): Param[] {
  if (!params) return [];
  if (Array.isArray(params)) return params as Param[];
  if (!st.names) throw new Error('named parameters given to a positional statement');
  const named = params as Record<string, Param>;
  return st.names.map((n) => {
    const v = named[n];
    if (v === undefined) throw new Error(`missing parameter @${n}`);
    return v;
  });
}
