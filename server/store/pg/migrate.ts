// Brings a PostgreSQL database up to the current schema as the owner role, then grants the runtime role what
// Receipts needs at run time and nothing more: it may read and append to the audit log, never change it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getTableName, is } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { PgTable } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as schema from './schema.js';
import { AUDIT_TABLES, PG_SCHEMA } from './schema.js';

// One key for every process migrating the same database, so concurrent start-ups take turns.
const MIGRATE_LOCK = 7_243_950_117_334_001n;

// Shipped as .sql beside the source: next door when run from server/, back up from dist/server/store/pg.
function migrationsFolder(): string {
  const dir = [
    new URL('../migrations-pg', import.meta.url),
    new URL('../../../../server/store/migrations-pg', import.meta.url),
  ]
    .map((u) => fileURLToPath(u))
    .find((d) => existsSync(join(d, 'meta', '_journal.json')));
  if (!dir) throw new Error('PostgreSQL migrations not found (server/store/migrations-pg)');
  return dir;
}

/**
 * Applies pending migrations as the role in `ownerUrl` and grants the role in `runtimeUrl` its privileges.
 * Returns the tags of the migrations applied now (none when the database was current). Safe to repeat and
 * to run from several processes at once.
 */
export async function migratePostgres(ownerUrl: string, runtimeUrl: string): Promise<string[]> {
  const runtime = roleOf(runtimeUrl);
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    if (runtime === (await client.query<{ u: string }>('SELECT current_user AS u')).rows[0]?.u) {
      throw new Error(`the runtime role ${runtime} must not be the role that owns the schema`);
    }
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATE_LOCK]);
    try {
      const folder = migrationsFolder();
      const before = await appliedAt(client);
      await migrate(drizzle({ client }), { migrationsFolder: folder });
      const now = (await appliedAt(client)).filter((when) => !before.includes(when));
      await grantRuntime(client, runtime);
      return tagsOf(folder, now);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATE_LOCK]);
    }
  } finally {
    await client.end();
  }
}

function roleOf(url: string): string {
  const role = decodeURIComponent(new URL(url).username);
  if (!role) throw new Error('RECEIPTS_DB must name the runtime role (postgres://role@host/db)');
  return role;
}

/** drizzle's record of what ran: each migration's journal time (its folderMillis). */
async function appliedAt(client: pg.Client): Promise<number[]> {
  const table = await client.query<{ t: string | null }>(
    "SELECT to_regclass('drizzle.__drizzle_migrations') AS t",
  );
  if (!table.rows[0]?.t) return [];
  const rows = await client.query<{ created_at: string }>(
    'SELECT created_at FROM drizzle.__drizzle_migrations',
  );
  return rows.rows.map((r) => Number(r.created_at));
}

function tagsOf(folder: string, applied: number[]): string[] {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as {
    entries: { when: number; tag: string }[];
  };
  return journal.entries.filter((e) => applied.includes(e.when)).map((e) => e.tag);
}

const TABLES = Object.values(schema as Record<string, unknown>).flatMap((t) =>
  is(t, PgTable) ? [getTableName(t)] : [],
);

/**
 * Resets the runtime role's privileges to exactly the set it needs, in one transaction (so a serving process
 * never sees it half-granted): read and append everywhere, change only outside the audit floor, prune only
 * through receipts_prune_events. No CREATE, TRUNCATE, REFERENCES or TRIGGER.
 */
async function grantRuntime(client: pg.Client, role: string): Promise<void> {
  const who = client.escapeIdentifier(role);
  const ns = client.escapeIdentifier(PG_SCHEMA);
  const list = (names: readonly string[]) =>
    names.map((n) => `${ns}.${client.escapeIdentifier(n)}`).join(', ');
  const mutable = TABLES.filter((t) => !AUDIT_TABLES.includes(t));
  const statements = [
    `REVOKE ALL ON ALL TABLES IN SCHEMA ${ns} FROM ${who}`,
    `REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${ns} FROM ${who}`,
    `REVOKE ALL ON ALL FUNCTIONS IN SCHEMA ${ns} FROM ${who}`,
    `REVOKE ALL ON SCHEMA ${ns} FROM ${who}`,
    // Before PostgreSQL 15 every role may create objects in public; nothing of ours needs that.
    `REVOKE CREATE ON SCHEMA ${ns} FROM PUBLIC`,
    `GRANT USAGE ON SCHEMA ${ns} TO ${who}`,
    `GRANT SELECT, INSERT ON ${list(TABLES)} TO ${who}`,
    `GRANT UPDATE, DELETE ON ${list(mutable)} TO ${who}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${ns} TO ${who}`,
    `GRANT EXECUTE ON FUNCTION ${ns}.receipts_prune_events(bigint) TO ${who}`,
  ];
  await client.query('BEGIN');
  try {
    for (const s of statements) await client.query(s);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
}
