// In production the server refuses, in one line, to run as a role that could change the audit log; as the
// runtime role `receipts migrate` grants, it starts.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgres, pgAvailable } from '../support/postgres.js';
import { cli, serverEnv, startServer, tempDir } from '../support/server.js';

let database: Awaited<ReturnType<typeof freshPostgres>>;
let env: Record<string, string>;

beforeAll(async () => {
  if (!pgAvailable) return;
  database = await freshPostgres();
  env = serverEnv(tempDir('receipts-prod-'), {
    NODE_ENV: 'production',
    RECEIPTS_DB: database.url,
    RECEIPTS_PUBLIC_URL: 'https://receipts.example.com',
  });
  const migrated = cli({ ...env, RECEIPTS_DB_OWNER: database.ownerUrl }, ['migrate']);
  expect(migrated.code, migrated.stderr).toBe(0);
  expect(migrated.stdout).toMatch(/applied \d+ migrations?/);
});

afterAll(async () => {
  await database?.drop();
});

const asOwner = async (sql: string) => {
  const client = new pg.Client({ connectionString: database.ownerUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
};

describe.skipIf(!pgAvailable)('production on PostgreSQL', () => {
  it('refuses to start as the role that owns the schema', async () => {
    await expect(startServer({ reuseEnv: { ...env, RECEIPTS_DB: database.ownerUrl } })).rejects.toThrow(
      /refusing to start in production: .*owns the schema public/,
    );
  });

  it('refuses a runtime role that was granted UPDATE on the log, and starts once migrate takes it back', async () => {
    const role = new URL(database.url).username;
    await asOwner(`GRANT UPDATE ON events TO "${role}"`);
    await expect(startServer({ reuseEnv: env })).rejects.toThrow(
      /refusing to start in production: .*UPDATE events/,
    );

    const again = cli({ ...env, RECEIPTS_DB_OWNER: database.ownerUrl }, ['migrate']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/up to date/);
    const server = await startServer({ reuseEnv: env });
    try {
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('says in one line that a database without the schema must be migrated first', async () => {
    const empty = await freshPostgres();
    try {
      await expect(startServer({ reuseEnv: { ...env, RECEIPTS_DB: empty.url } })).rejects.toThrow(
        /has no Receipts schema: run `receipts migrate`/,
      );
    } finally {
      await empty.drop();
    }
  });
});
