// Throwaway PostgreSQL databases for tests, on the cluster named by RECEIPTS_TEST_PG (a superuser URL). Each
// gets its own owner role (owning the database and schema public, as an administrator would set it up) and
// its own login runtime role, both with passwords made up now, so tests in parallel never share anything.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const CLUSTER = process.env.RECEIPTS_TEST_PG;

/** Whether a PostgreSQL cluster is at hand (CI always sets RECEIPTS_TEST_PG). */
export const pgAvailable: boolean = Boolean(CLUSTER);

export interface FreshPostgres {
  /** Connects as the runtime role. */
  url: string;
  /** Connects as the role that owns the schema. */
  ownerUrl: string;
  database: string;
  /** Ends every connection to the database, then drops it and both roles. */
  drop(): Promise<void>;
}

async function asSuperuser<T>(database: string | null, run: (c: pg.Client) => Promise<T>): Promise<T> {
  if (!CLUSTER) throw new Error('RECEIPTS_TEST_PG is not set');
  const url = new URL(CLUSTER);
  if (database) url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.href });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

function urlFor(role: string, password: string, database: string): string {
  const url = new URL(CLUSTER ?? '');
  url.username = role;
  url.password = password;
  url.pathname = `/${database}`;
  return url.href;
}

export async function freshPostgres(): Promise<FreshPostgres> {
  const suffix = randomBytes(6).toString('hex');
  const database = `receipts_test_${suffix}`;
  const owner = `receipts_owner_${suffix}`;
  const runtime = `receipts_app_${suffix}`;
  const ownerPassword = randomBytes(18).toString('base64url');
  const runtimePassword = randomBytes(18).toString('base64url');
  await asSuperuser(null, async (c) => {
    const id = (s: string) => c.escapeIdentifier(s);
    await c.query(`CREATE ROLE ${id(owner)} LOGIN PASSWORD ${c.escapeLiteral(ownerPassword)}`);
    await c.query(`CREATE ROLE ${id(runtime)} LOGIN PASSWORD ${c.escapeLiteral(runtimePassword)}`);
    await c.query(`CREATE DATABASE ${id(database)} OWNER ${id(owner)}`);
    await c.query(`REVOKE ALL ON DATABASE ${id(database)} FROM PUBLIC`);
    await c.query(`GRANT CONNECT ON DATABASE ${id(database)} TO ${id(runtime)}`);
  });
  // The owner role owns schema public outright, as the README has an administrator set it up.
  await asSuperuser(database, (c) =>
    c.query(`ALTER SCHEMA public OWNER TO ${c.escapeIdentifier(owner)}`).then(() => undefined),
  );
  return {
    url: urlFor(runtime, runtimePassword, database),
    ownerUrl: urlFor(owner, ownerPassword, database),
    database,
    drop: () =>
      asSuperuser(null, async (c) => {
        const id = (s: string) => c.escapeIdentifier(s);
        await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
          database,
        ]);
        await c.query(`DROP DATABASE IF EXISTS ${id(database)} WITH (FORCE)`);
        await c.query(`DROP ROLE IF EXISTS ${id(owner)}`);
        await c.query(`DROP ROLE IF EXISTS ${id(runtime)}`);
      }),
  };
}
