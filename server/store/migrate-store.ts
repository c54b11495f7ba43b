// Copies a SQLite store into PostgreSQL row for row and byte for byte, so the chain hashes, the Merkle tree, the
// signatures and the personal-data commitments hold there unchanged. Each table resumes from what the target
// already has, so a rerun after an interruption neither skips nor repeats a row, and a rerun on a finished
// copy changes nothing.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { is } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { migratePostgres } from './pg/migrate.js';
import * as pgSchema from './pg/schema.js';
import { AUDIT_TABLES, PG_SCHEMA } from './pg/schema.js';

export interface MigrateStoreOptions {
  /** The SQLite store file. Opened read-only; the server using it should be stopped. */
  from: string;
  /** The PostgreSQL URL to copy with: the owner's, or the runtime role's when `owner` is given. */
  to: string;
  /** The schema owner: runs the migrations (and grants `to` its runtime privileges) and resets sequences. */
  owner?: string;
  /** Called as each table starts and after each batch; an exception stops the copy where it is. */
  onProgress?: (progress: MigrateProgress) => void;
  /** Rows per batch of the tables copied forward (default 2,000). */
  batchSize?: number;
}

export interface MigrateProgress {
  table: string;
  /** Rows of this table in the target so far. */
  done: number;
  /** Rows of this table in the source. */
  total: number;
}

export interface TableResult {
  table: string;
  rows: number;
  /** Rows written by this run (0 when the target already had them all). */
  copied: number;
}

export interface MigrateStoreResult {
  tables: TableResult[];
  copied: number;
  /** Nothing needed copying, deleting or resetting: the target already matched the source. */
  upToDate: boolean;
  /** The last event of both stores, checked equal. */
  head: { seq: number; hash: string } | null;
  /** Sequences moved past the copied ids, as `table.column`. */
  sequences: string[];
}

/** A refusal or a failure the user can act on; the message is one line naming what and why. */
export class MigrateStoreError extends Error {}

const DEFAULT_BATCH = 2_000;

type Row = unknown[];

interface Table {
  name: string;
  columns: string[];
  /** Each column's PostgreSQL type, as the schema declares it. */
  types: string[];
  key: string;
  /** An integer key the writers increase: copied forward in key order, in batches, resuming at the target's max. */
  forward: boolean;
  /** Part of the audit floor: the target can only be appended to, never corrected. */
  audit: boolean;
}

// Every table of the PostgreSQL schema (the SQLite one has the same names and columns), the log first: a target
// with other rows but none of the log's is then never a copy of ours, and is refused before it is overwritten.
const TABLES: Table[] = Object.values(pgSchema as Record<string, unknown>)
  .flatMap((t) => (is(t, PgTable) ? [getTableConfig(t)] : []))
  .map((config) => {
    const key = config.columns.find((c) => c.primary);
    if (!key) throw new Error(`table ${config.name} has no primary key`);
    return {
      name: config.name,
      columns: config.columns.map((c) => c.name),
      types: config.columns.map((c) => c.getSQLType()),
      key: key.name,
      forward: key.getSQLType() === 'bigint',
      audit: AUDIT_TABLES.includes(config.name),
    };
  })
  .sort((a, b) => Number(b.name === 'events') - Number(a.name === 'events'));

/** `url` without its password, for messages. */
export function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '';
    return u.href;
  } catch {
    return '(not a URL)';
  }
}

export async function migrateStore(options: MigrateStoreOptions): Promise<MigrateStoreResult> {
  const batch = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH));
  const report = options.onProgress ?? (() => undefined);
  const source = openSource(options.from);
  try {
    checkSourceSchema(source, options.from);
    // One read transaction: the copy is of one moment of the source even if something still writes to it.
    source.exec('BEGIN');
    // An owner that is the role of `to` is just `to`: migratePostgres wants two roles.
    const owner = options.owner && roleOf(options.owner) !== roleOf(options.to) ? options.owner : undefined;
    const ownerClient = owner ? await connect(owner) : null;
    const target = await connect(options.to).catch(async (error) => {
      await ownerClient?.end();
      throw error;
    });
    try {
      if (owner) await migratePostgres(owner, options.to).catch(failure('cannot migrate', owner));
      else await migrateAs(target, options.to);
      const sequences = await sequencesOf(target);
      await checkCanReset(ownerClient ?? target, sequences);
      const plans = await planAll(source, target);
      const results: TableResult[] = [];
      let changed = false;
      for (const plan of plans) {
        const copied = plan.table.forward
          ? await copyForward(source, target, plan, batch, report)
          : await copyWhole(source, target, plan, batch, report);
        changed ||= copied > 0 || plan.clear;
        results.push({ table: plan.table.name, rows: plan.sourceCount, copied });
      }
      const reset = await resetSequences(ownerClient ?? target, sequences);
      const head = await checkCopy(source, target);
      const copied = results.reduce((n, r) => n + r.copied, 0);
      return { tables: results, copied, upToDate: !changed && reset.length === 0, head, sequences: reset };
    } finally {
      await ownerClient?.end();
      await target.end();
    }
  } finally {
    if (source.inTransaction) source.exec('COMMIT');
    source.close();
  }
}

function openSource(path: string): Database.Database {
  if (!existsSync(path)) throw new MigrateStoreError(`no store at ${path}`);
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    return db;
  } catch (error) {
    throw new MigrateStoreError(`cannot open ${path}: ${(error as Error).message}`);
  }
}

// Shipped as .sql beside the source: next door when run from server/store, back up from dist/server/store.
function migrationsDir(name: string): string {
  const dir = [
    new URL(`./${name}`, import.meta.url),
    new URL(`../../../server/store/${name}`, import.meta.url),
  ]
    .map((u) => fileURLToPath(u))
    .find((d) => existsSync(join(d, 'meta', '_journal.json')));
  if (!dir) throw new Error(`migrations not found (server/store/${name})`);
  return dir;
}

/** Refuses a store whose schema is not exactly the one the PostgreSQL schema mirrors. */
function checkSourceSchema(db: Database.Database, path: string): void {
  let applied: number[];
  try {
    const table = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'")
      .get();
    if (!table) throw new MigrateStoreError(`${path} is not a Receipts store (it has no migrations table)`);
    applied = db
      .prepare('SELECT created_at FROM __drizzle_migrations')
      .raw()
      .all()
      .map((r) => Number((r as Row)[0]));
  } catch (error) {
    if (error instanceof MigrateStoreError) throw error;
    throw new MigrateStoreError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const journal = JSON.parse(
    readFileSync(join(migrationsDir('migrations'), 'meta', '_journal.json'), 'utf8'),
  ) as {
    entries: { when: number; tag: string }[];
  };
  const known = new Set(journal.entries.map((e) => e.when));
  const unknown = applied.filter((when) => !known.has(when));
  if (unknown.length > 0) {
    throw new MigrateStoreError(
      `${path} is newer than this version of Receipts knows (${unknown.length} migration(s) it has never ` +
        'seen): copy it with the version that wrote it',
    );
  }
  const missing = journal.entries.filter((e) => !applied.includes(e.when)).map((e) => e.tag);
  if (missing.length > 0) {
    throw new MigrateStoreError(
      `${path} predates this version's schema (it lacks ${missing.join(', ')}): start this version's server ` +
        'on it once so that it migrates, stop it, then copy it',
    );
  }
}

function roleOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).username);
  } catch {
    return '';
  }
}

function failure(doing: string, url: string): (error: unknown) => never {
  return (error) => {
    throw new MigrateStoreError(`${doing} ${withoutPassword(url)}: ${reason(error)}`);
  };
}

/**
 * An error's message, on one line. drizzle wraps the database's answer ("Failed query: …") around it as the cause;
 * a refused connection to a name with several addresses has no message of its own, only its attempts'.
 */
function reason(error: unknown): string {
  if (error instanceof Error && error.cause instanceof Error) return reason(error.cause);
  if (error instanceof AggregateError && !error.message)
    return error.errors.map((e: Error) => e.message).join('; ') || 'connection failed';
  if (error instanceof Error) return error.message || String((error as NodeJS.ErrnoException).code ?? error);
  return String(error);
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  // A connection lost between queries is reported by the next query; without a listener it would crash us.
  client.on('error', () => undefined);
  await client.connect().catch(failure('cannot connect to', url));
  return client;
}

/** Migrations as `to` itself, when no separate owner was named: it must be able to own the schema. */
async function migrateAs(client: pg.Client, url: string): Promise<void> {
  try {
    await migrate(drizzle({ client }), { migrationsFolder: migrationsDir('migrations-pg') });
  } catch (error) {
    throw new MigrateStoreError(
      `role ${roleOf(url)} cannot apply the migrations (${reason(error)}): name the schema's ` +
        'owner with --owner, or copy as the owner',
    );
  }
}

const id = (name: string) => `"${name.replaceAll('"', '""')}"`;
const columnsOf = (t: Table) => t.columns.map(id).join(', ');

/** A row as text that is equal exactly when the values are: integers by value, blobs by bytes, text by code unit. */
function fingerprint(row: Row): string {
  return row
    .map((v) =>
      v === null || v === undefined
        ? 'n'
        : Buffer.isBuffer(v)
          ? `b${v.toString('hex')}`
          : typeof v === 'string'
            ? `s${JSON.stringify(v)}`
            : `i${String(v)}`,
    )
    .join(',');
}

/** Rows as arrays, integers as bigint, so nothing is rounded on the way. */
function sourceQuery(db: Database.Database, sql: string): Database.Statement<unknown[], Row> {
  return db.prepare<unknown[], Row>(sql).raw(true).safeIntegers(true);
}

const INT8 = 20;

/** Rows as arrays; bigint columns, which node-postgres returns as text, as bigint like the source's. */
async function targetRows(client: pg.Client, text: string, values: unknown[] = []): Promise<Row[]> {
  const result = await client.query<Row>({ text, values, rowMode: 'array' });
  const int8 = result.fields.flatMap((f, i) => (f.dataTypeID === INT8 ? [i] : []));
  if (int8.length > 0) {
    for (const row of result.rows)
      for (const i of int8) if (row[i] !== null) row[i] = BigInt(row[i] as string);
  }
  return result.rows;
}

interface Plan {
  table: Table;
  sourceCount: number;
  /** Rows the target already has. */
  targetCount: number;
  /** Forward tables: the largest key the target has (null: none). */
  after: number | null;
  /** The target's rows of a mutable table disagree with the source (it changed since the last run): copy afresh. */
  clear: boolean;
}

/** Looks at every table before anything is written, so a refused target is left exactly as it was. */
async function planAll(source: Database.Database, target: pg.Client): Promise<Plan[]> {
  const plans: Plan[] = [];
  for (const table of TABLES) {
    const sourceCount = Number(sourceQuery(source, `SELECT COUNT(*) FROM ${id(table.name)}`).get()?.[0]);
    const [count, max] = (
      await targetRows(target, `SELECT COUNT(*)::text, MAX(${id(table.key)})::text FROM ${id(table.name)}`)
    )[0] as [string, string | null];
    const plan: Plan = {
      table,
      sourceCount,
      targetCount: Number(count),
      after: max === null ? null : Number(max),
      clear: false,
    };
    if (table.forward && plan.targetCount > 0) {
      const problem = await forwardMismatch(source, target, plan);
      if (problem && table.audit) throw new MigrateStoreError(problem);
      plan.clear = problem !== null;
    }
    plans.push(plan);
  }
  const events = plans.find((p) => p.table.name === 'events');
  const occupied = plans.find((p) => p.targetCount > 0);
  if (events && events.targetCount === 0 && events.sourceCount > 0 && occupied) {
    throw new MigrateStoreError(
      `the target is not empty (${occupied.table.name} has ${occupied.targetCount} rows) but holds none of ` +
        "the source's events: refusing to overwrite it",
    );
  }
  return plans;
}

/**
 * Why the target's rows of a forward table are not a prefix of the source's, or null when they are: the same
 * number of rows up to the target's largest key, and its first and last rows equal to the source's. For the log,
 * equal last rows mean equal chains up to there.
 */
async function forwardMismatch(
  source: Database.Database,
  target: pg.Client,
  plan: Plan,
): Promise<string | null> {
  const { table } = plan;
  const name = id(table.name);
  const key = id(table.key);
  const what = table.name === 'events' ? 'its event at seq' : `its ${table.name} row`;
  // The last row first: where the two overlap most, so a fork shows as one, not as a missing row.
  const ends: Row[] = [];
  for (const order of ['DESC', 'ASC']) {
    ends.push(
      ...(await targetRows(
        target,
        `SELECT ${columnsOf(table)} FROM ${name} ORDER BY ${key} ${order} LIMIT 1`,
      )),
    );
  }
  const keyAt = table.columns.indexOf(table.key);
  const byKey = sourceQuery(source, `SELECT ${columnsOf(table)} FROM ${name} WHERE ${key} = ?`);
  for (const row of ends) {
    const k = Number(row[keyAt]);
    const theirs = byKey.get(k) as Row | undefined;
    if (!theirs) {
      return k > (Number(sourceQuery(source, `SELECT MAX(${key}) FROM ${name}`).get()?.[0]) || 0)
        ? `the target's ${table.name} go on past the source's (${what} ${k}): it has been written to since, ` +
            'or it holds a different log'
        : `the target holds a different log: ${what} ${k} is not in the source`;
    }
    if (fingerprint(theirs) !== fingerprint(row)) {
      const hashAt = table.columns.indexOf('hash');
      const detail =
        table.name === 'events'
          ? ` has hash ${String(row[hashAt]).slice(0, 16)}…, the source's ${String(theirs[hashAt]).slice(0, 16)}…`
          : " differs from the source's";
      return `the target holds a different log: ${what} ${k}${detail}`;
    }
  }
  const upTo = Number(
    sourceQuery(source, `SELECT COUNT(*) FROM ${name} WHERE ${key} <= ?`).get(plan.after)?.[0],
  );
  if (upTo !== plan.targetCount) {
    return (
      `the target has ${plan.targetCount} ${table.name} rows up to ${table.key} ${plan.after}, the source ` +
      `${upTo}: the source changed since the last copy, or the target holds a different log`
    );
  }
  return null;
}

// One array parameter per column, unnested into rows: PostgreSQL parses one short statement a batch, not one
// with a placeholder for every value, which makes a batch several times faster to send and to plan.
function insertSql(table: Table): string {
  const arrays = table.types.map((type, i) => `$${i + 1}::${type}[]`).join(', ');
  return `INSERT INTO ${id(table.name)} (${columnsOf(table)}) SELECT * FROM unnest(${arrays})`;
}

async function insertRows(target: pg.Client, table: Table, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = table.columns.map((_, c) => rows.map((row) => row[c]));
  await target.query(insertSql(table), columns);
}

/** Key order, one transaction per batch, from the target's largest key on: an interruption loses no batch. */
async function copyForward(
  source: Database.Database,
  target: pg.Client,
  plan: Plan,
  batch: number,
  report: (p: MigrateProgress) => void,
): Promise<number> {
  const { table } = plan;
  let done = plan.targetCount;
  let after = plan.after;
  if (plan.clear) {
    await target.query(`DELETE FROM ${id(table.name)}`);
    done = 0;
    after = null;
  }
  report({ table: table.name, done, total: plan.sourceCount });
  const next = sourceQuery(
    source,
    `SELECT ${columnsOf(table)} FROM ${id(table.name)} WHERE ${id(table.key)} > ? ORDER BY ${id(table.key)} LIMIT ?`,
  );
  const keyAt = table.columns.indexOf(table.key);
  let copied = 0;
  for (;;) {
    const rows = next.all(after ?? Number.MIN_SAFE_INTEGER, batch) as Row[];
    if (rows.length === 0) return copied;
    // One statement, so one transaction: a batch is in the target whole or not at all.
    await insertRows(target, table, rows);
    copied += rows.length;
    done += rows.length;
    after = Number(rows[rows.length - 1]?.[keyAt]);
    report({ table: table.name, done, total: plan.sourceCount });
  }
}

/** All of a small or unordered table in one transaction, replacing what the target has, unless it is the same. */
async function copyWhole(
  source: Database.Database,
  target: pg.Client,
  plan: Plan,
  batch: number,
  report: (p: MigrateProgress) => void,
): Promise<number> {
  const { table } = plan;
  const rows = sourceQuery(
    source,
    `SELECT ${columnsOf(table)} FROM ${id(table.name)} ORDER BY ${id(table.key)}`,
  ).all() as Row[];
  const theirs = await targetRows(target, `SELECT ${columnsOf(table)} FROM ${id(table.name)}`);
  const sorted = (list: Row[]) => list.map(fingerprint).sort();
  const ours = sorted(rows);
  if (theirs.length === rows.length && sorted(theirs).every((f, i) => f === ours[i])) {
    report({ table: table.name, done: rows.length, total: rows.length });
    return 0;
  }
  report({ table: table.name, done: 0, total: rows.length });
  await transaction(target, async () => {
    await target.query(`DELETE FROM ${id(table.name)}`);
    for (let i = 0; i < rows.length; i += batch) {
      await insertRows(target, table, rows.slice(i, i + batch));
      report({ table: table.name, done: Math.min(i + batch, rows.length), total: rows.length });
    }
  });
  plan.clear ||= theirs.length > 0;
  return rows.length;
}

async function transaction(client: pg.Client, work: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await work();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

interface KeySequence {
  table: string;
  column: string;
  sequence: string;
}

/** The identity or serial sequences behind the tables' keys. */
async function sequencesOf(client: pg.Client): Promise<KeySequence[]> {
  const found: KeySequence[] = [];
  for (const table of TABLES.filter((t) => t.forward)) {
    const sequence = (
      await targetRows(client, 'SELECT pg_get_serial_sequence($1, $2)', [
        `${id(PG_SCHEMA)}.${id(table.name)}`,
        table.key,
      ])
    )[0]?.[0];
    if (typeof sequence === 'string') found.push({ table: table.name, column: table.key, sequence });
  }
  return found;
}

/** Before copying, so that a copy does not end on a permission error with its ids unreserved. */
async function checkCanReset(client: pg.Client, sequences: KeySequence[]): Promise<void> {
  for (const s of sequences) {
    const [can] = (
      await targetRows(client, "SELECT has_sequence_privilege($1, 'UPDATE')", [s.sequence])
    )[0] as [boolean];
    if (!can) {
      const role = (await targetRows(client, 'SELECT current_user'))[0]?.[0];
      throw new MigrateStoreError(
        `role ${role} may not move the sequence of ${s.table}.${s.column} past the copied ids: name the ` +
          "schema's owner with --owner, or copy as the owner",
      );
    }
  }
}

/** Moves each key's sequence past the largest copied key, so the next row the server adds takes a fresh id. */
async function resetSequences(client: pg.Client, sequences: KeySequence[]): Promise<string[]> {
  const reset: string[] = [];
  for (const s of sequences) {
    const [max] = (await targetRows(client, `SELECT MAX(${id(s.column)})::text FROM ${id(s.table)}`))[0] as [
      string | null,
    ];
    if (max === null) continue;
    // The sequence object's name comes from pg_get_serial_sequence, already quoted as needed.
    const [last, called] = (
      await targetRows(client, `SELECT last_value::text, is_called FROM ${s.sequence}`)
    )[0] as [string, boolean];
    const nextValue = BigInt(last) + (called ? 1n : 0n);
    if (nextValue > BigInt(max)) continue;
    await client.query('SELECT setval($1, $2, true)', [s.sequence, max]);
    reset.push(`${s.table}.${s.column}`);
  }
  return reset;
}

/** Equal row counts in every table, and the same head of the log and last node of the tree. */
async function checkCopy(source: Database.Database, target: pg.Client): Promise<MigrateStoreResult['head']> {
  for (const table of TABLES) {
    const ours = Number(sourceQuery(source, `SELECT COUNT(*) FROM ${id(table.name)}`).get()?.[0]);
    const theirs = Number((await targetRows(target, `SELECT COUNT(*) FROM ${id(table.name)}`))[0]?.[0]);
    if (ours !== theirs) {
      throw new MigrateStoreError(
        `check failed: ${table.name} has ${ours} rows in the source, ${theirs} in the target`,
      );
    }
  }
  const last = async (sql: string) => {
    const ours = sourceQuery(source, sql).get() as Row | undefined;
    const theirs = (await targetRows(target, sql))[0];
    if ((ours ? fingerprint(ours) : null) !== (theirs ? fingerprint(theirs) : null)) {
      throw new MigrateStoreError(`check failed: ${sql} differs between the source and the target`);
    }
    return ours;
  };
  const head = await last('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1');
  await last('SELECT id, hash FROM merkle_nodes ORDER BY id DESC LIMIT 1');
  return head ? { seq: Number(head[0]), hash: String(head[1]) } : null;
}
