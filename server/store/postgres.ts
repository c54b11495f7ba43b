// The PostgreSQL side of the seam, over a `pg` pool. Every statement is a named prepared statement, so
// each pooled connection parses and plans it once. Write transactions take the chain lock first: appends
// from every process on the database are serialized there, each process still grouping its own requests.
import pg from 'pg';
import { type Db, type Param, type Params, pgValues, type Statement } from './sql.js';
import type { Transaction } from './transaction.js';

// bigint and numeric come back as numbers: seqs, timestamps and counts all fit in 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

/** The advisory lock every write transaction holds: one chain, one tree, whatever the number of servers. */
export const CHAIN_LOCK = 0x52435054; // "RCPT"

type Queryable = pg.Pool | pg.PoolClient;

// PostgreSQL text cannot hold U+0000, so a value with one can match nothing stored: a look-up of it finds
// nothing (as on SQLite, where ingest refuses control characters too) instead of failing the request.
const holdsNul = (values: readonly unknown[]) =>
  values.some((v) => typeof v === 'string' && v.includes('\0'));

export class PgDb implements Db {
  readonly dialect = 'postgres' as const;

  constructor(readonly client: Queryable) {}

  private query<T>(st: Statement, values: Param[]): Promise<pg.QueryResult<T & pg.QueryResultRow>> {
    return this.client.query<T & pg.QueryResultRow>({
      name: st.id,
      text: st.pg,
      values,
      ...(st.arrays ? { rowMode: 'array' } : {}),
    });
  }

  async all<T>(st: Statement, params?: Params): Promise<T[]> {
    const values = pgValues(st, params);
    if (holdsNul(values)) return [];
    return (await this.query<T>(st, values)).rows;
  }

  async get<T>(st: Statement, params?: Params): Promise<T | undefined> {
    const values = pgValues(st, params);
    if (holdsNul(values)) return undefined;
    return (await this.query<T>(st, values)).rows[0];
  }

  async run(st: Statement, params?: Params): Promise<number> {
    const values = pgValues(st, params);
    if (holdsNul(values)) {
      // An UPDATE or DELETE of rows keyed by such a value changes nothing; storing one is refused.
      if (/^\s*(UPDATE|DELETE)\b/i.test(st.pg)) return 0;
      throw new Error('a text value holds U+0000, which cannot be stored');
    }
    return (await this.query(st, values)).rowCount ?? 0;
  }
}

export function openPool(url: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client losing its connection (the database restarting) must not crash the process.
  pool.on('error', () => {});
  return pool;
}

/** A write transaction on a pooled connection, holding the chain lock until it commits or rolls back. */
export async function beginPostgres(pool: pg.Pool): Promise<Transaction> {
  const client = await pool.connect();
  let done = false;
  const finish = async (text: string) => {
    if (done) return;
    done = true;
    try {
      await client.query(text);
      client.release();
    } catch (error) {
      // A connection that failed mid-transaction is not given back to the pool.
      client.release(error as Error);
      throw error;
    }
  };
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
  } catch (error) {
    client.release(error as Error);
    throw error;
  }
  const exec = async (text: string) => {
    await client.query(text);
  };
  return {
    db: new PgDb(client),
    savepoint: (name) => exec(`SAVEPOINT ${name}`),
    release: (name) => exec(`RELEASE SAVEPOINT ${name}`),
    renew: (name) => exec(`RELEASE SAVEPOINT ${name}; SAVEPOINT ${name}`),
    rollbackTo: (name) => exec(`ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`),
    commit: () => finish('COMMIT'),
    durable: () => Promise.resolve(),
    rollback: () => finish('ROLLBACK'),
  };
}
