// On PostgreSQL the audit log's append-only promise rests on roles: the runtime role reads and appends and is
// refused everything else by privileges, the triggers hold even for the owner, and events leave only through
// receipts_prune_events, which refuses any cut not anchored by a retention checkpoint and a signed checkpoint.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratePostgres } from '../../server/store/pg/migrate.js';
import { auditModifiableBy } from '../../server/store/pg/roles.js';
import { type FreshPostgres, freshPostgres, pgAvailable } from '../support/postgres.js';
import { ROOT } from '../support/server.js';

const TAGS = ['0000_init', '0001_audit_floor', '0002_drop_personal_subject'];

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** The error message PostgreSQL answered `sql` with, or null when it ran. */
async function refusal(client: pg.Client, sql: string, params: unknown[] = []): Promise<string | null> {
  try {
    await client.query(sql, params);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

async function appendEvents(client: pg.Client, from: number, to: number): Promise<void> {
  await client.query(
    `INSERT INTO events (seq, id, ts, received_at, event_type, level, prev_hash, hash)
     SELECT g, 'evt_' || g, g, g, 'login', 'INFO', 'prev', 'hash' FROM generate_series($1::bigint, $2::bigint) g`,
    [from, to],
  );
}

async function signCheckpoint(client: pg.Client, seq: number): Promise<void> {
  await client.query(
    "INSERT INTO checkpoints (seq, hash, signed_at, key_id, signature) VALUES ($1, 'hash', 0, 'key', 'sig')",
    [seq],
  );
}

const seqs = async (client: pg.Client) =>
  (await client.query<{ seq: string }>('SELECT seq FROM events ORDER BY seq')).rows.map((r) => Number(r.seq));

describe.skipIf(!pgAvailable)('PostgreSQL roles (set RECEIPTS_TEST_PG to a superuser URL to run)', () => {
  let db: FreshPostgres;
  let runtime: pg.Client;
  let owner: pg.Client;
  let applied: string[];

  beforeAll(async () => {
    db = await freshPostgres();
    applied = await migratePostgres(db.ownerUrl, db.url);
    runtime = await connect(db.url);
    owner = await connect(db.ownerUrl);
  });

  afterAll(async () => {
    await runtime?.end();
    await owner?.end();
    await db?.drop();
  });

  it('should apply every migration on a fresh database', () => {
    expect(applied).toEqual(TAGS);
  });

  it('should let the runtime role append to and read the audit log', async () => {
    await appendEvents(runtime, 1, 10);
    expect(await seqs(runtime)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('should keep bytes and canonical JSON exactly as written', async () => {
    const hash = Buffer.from([0, 255, 1, 254, 0x5c, 0x78]);
    const json = '{"a":"\\u0000é","b":[1.5e+300,-0],"c":"\\ud83d\\ude00"}';
    await runtime.query('INSERT INTO merkle_nodes (id, hash) VALUES (1, $1)', [hash]);
    await runtime.query(
      "INSERT INTO outbox (id, type, payload, created_at, next_attempt_at) VALUES ('msg_1', 't', $1, 0, 0)",
      [json],
    );
    const node = await runtime.query<{ hash: Buffer }>('SELECT hash FROM merkle_nodes WHERE id = 1');
    expect(node.rows[0]?.hash.equals(hash)).toBe(true);
    const payload = await runtime.query<{ payload: string }>("SELECT payload FROM outbox WHERE id = 'msg_1'");
    expect(payload.rows[0]?.payload).toBe(json);
  });

  // Setting a column to itself still needs UPDATE, so these change nothing even if they ran.
  it.each([
    'UPDATE events SET level = level',
    'DELETE FROM events WHERE seq = 1',
    'UPDATE merkle_nodes SET hash = hash',
    'DELETE FROM merkle_nodes',
    'UPDATE checkpoints SET note = note',
    'DELETE FROM checkpoints',
    'UPDATE retention_checkpoints SET hash = hash',
    'DELETE FROM retention_checkpoints',
    'TRUNCATE events',
    'TRUNCATE merkle_nodes',
    'TRUNCATE checkpoints',
  ])('should refuse the runtime role %s', async (sql) => {
    expect(await refusal(runtime, sql)).toMatch(/permission denied for table/);
  });

  it('should refuse the runtime role CREATE in the schema', async () => {
    expect(await refusal(runtime, 'CREATE TABLE public.shadow (x int)')).toMatch(/permission denied/);
  });

  it('should let the runtime role change the mutable tables', async () => {
    await runtime.query("UPDATE outbox SET attempts = attempts + 1 WHERE id = 'msg_1'");
    expect((await runtime.query("DELETE FROM outbox WHERE id = 'msg_1'")).rowCount).toBe(1);
  });

  it('should refuse even the owner an UPDATE or an uncovered DELETE of events', async () => {
    expect(await refusal(owner, "UPDATE events SET level = 'x' WHERE seq = 1")).toMatch(
      /events are append-only: UPDATE refused/,
    );
    expect(await refusal(owner, 'DELETE FROM events WHERE seq = 1')).toMatch(
      /events are append-only: DELETE refused/,
    );
    expect(await refusal(owner, 'TRUNCATE merkle_nodes')).toMatch(/merkle nodes are append-only/);
  });

  it('should find that the runtime role cannot modify the audit log, and that the owner can', async () => {
    expect(await auditModifiableBy(runtime)).toBeNull();
    expect(await auditModifiableBy(owner)).toMatch(/^role receipts_owner_\w+ owns the schema public$/);
    const superuser = await connect(process.env.RECEIPTS_TEST_PG ?? '');
    try {
      expect(await auditModifiableBy(superuser)).toMatch(/ is a superuser$/);
    } finally {
      await superuser.end();
    }
  });

  it('should name a privilege granted by hand, down to one column, and a re-run should take it back', async () => {
    const role = new URL(db.url).username;
    await owner.query(`GRANT UPDATE (hash) ON events TO ${role}`);
    expect(await auditModifiableBy(runtime)).toBe(`role ${role} may UPDATE events`);
    await owner.query(`GRANT TRUNCATE ON checkpoints TO ${role}`);
    expect(await auditModifiableBy(runtime)).toMatch(/ may (UPDATE events|TRUNCATE checkpoints)$/);
    // Past the privileges, the triggers still hold for whoever holds them.
    await owner.query(`GRANT DELETE ON events TO ${role}`);
    expect(await refusal(runtime, 'DELETE FROM events WHERE seq = 10')).toMatch(
      /events are append-only: DELETE refused/,
    );
    expect(await refusal(runtime, 'TRUNCATE checkpoints')).toMatch(/signed checkpoints are append-only/);
    expect(await migratePostgres(db.ownerUrl, db.url)).toEqual([]);
    expect(await auditModifiableBy(runtime)).toBeNull();
  });

  it('should prune only a prefix that a retention checkpoint and a signed checkpoint both cover', async () => {
    const prune = (through: number) => refusal(runtime, 'SELECT receipts_prune_events($1)', [through]);
    expect(await prune(3)).toMatch(/no retention checkpoint covers it/);

    await runtime.query(
      "INSERT INTO retention_checkpoints (through_seq, hash, created_at) VALUES (3, 'h', 0)",
    );
    expect(await prune(3)).toMatch(/no signed checkpoint covers it/);
    await signCheckpoint(runtime, 2);
    expect(await prune(3)).toMatch(/no signed checkpoint covers it/);
    expect(await seqs(runtime)).toHaveLength(10);

    await signCheckpoint(runtime, 5);
    expect(await prune(4)).toMatch(/no retention checkpoint covers it/);
    const pruned = await runtime.query<{ n: string }>('SELECT receipts_prune_events(3) AS n');
    expect(Number(pruned.rows[0]?.n)).toBe(3);
    expect(await seqs(runtime)).toEqual([4, 5, 6, 7, 8, 9, 10]);
  });

  it('should apply nothing on a second run', async () => {
    expect(await migratePostgres(db.ownerUrl, db.url)).toEqual([]);
    expect(await auditModifiableBy(runtime)).toBeNull();
  });

  it('should refuse a runtime role that is the owner itself', async () => {
    await expect(migratePostgres(db.ownerUrl, db.ownerUrl)).rejects.toThrow(/must not be the role that owns/);
  });
});

describe.skipIf(!pgAvailable)('PostgreSQL migrations from two processes at once', () => {
  let db: FreshPostgres;

  beforeAll(async () => {
    db = await freshPostgres();
  });

  afterAll(async () => {
    await db?.drop();
  });

  // Two start-ups of the built server, each migrating before it serves.
  it('should let both succeed, applying each migration once', async () => {
    const script = `import(${JSON.stringify(join(ROOT, 'dist/server/store/pg/migrate.js'))})
      .then((m) => m.migratePostgres(process.env.OWNER, process.env.RUNTIME))
      .then((tags) => process.stdout.write(JSON.stringify(tags)))`;
    const env = { ...process.env, OWNER: db.ownerUrl, RUNTIME: db.url };
    const run = () => promisify(execFile)(process.execPath, ['-e', script], { env });
    const [a, b] = await Promise.all([run(), run()]);
    const tags = [JSON.parse(a.stdout), JSON.parse(b.stdout)] as string[][];
    expect(tags.flat().sort()).toEqual(TAGS);
    expect(tags.map((t) => t.length).sort()).toEqual([0, TAGS.length]);

    const runtime = await connect(db.url);
    try {
      expect(await auditModifiableBy(runtime)).toBeNull();
    } finally {
      await runtime.end();
    }
  });
});
