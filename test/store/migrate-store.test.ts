// A store the real server wrote moves to PostgreSQL intact: every row of every table, byte for byte; an
// interrupted copy finishes on a rerun with no row twice or missing; a finished copy is left alone; and a
// database holding a different log is refused untouched.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MigrateProgress, migrateStore } from '../../server/store/migrate-store.js';
import { migratePostgres } from '../../server/store/pg/migrate.js';
import { auditModifiableBy } from '../../server/store/pg/roles.js';
import { type FreshPostgres, freshPostgres, pgAvailable } from '../support/postgres.js';
import {
  asUser,
  cli,
  ingest,
  mintToken,
  ROOT,
  signIn,
  startServer,
  type TestServer,
  tempDir,
} from '../support/server.js';

const USERS = 300;
const PER_USER = 10;
const HOUR = 3_600_000;
const AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
];

/** A port nothing listens on: webhooks and the log stream fail there, and say so in their tables. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const address = server.address();
  await new Promise<void>((res) => server.close(() => res()));
  return typeof address === 'object' && address ? address.port : 1;
}

const user = (u: number) => `usr_move_${u}`;

function eventsOf(u: number, now: number) {
  const ip = u % 2 ? `203.0.113.${u % 250}` : `2001:db8:${u.toString(16)}::${(u % 7) + 1}`;
  return Array.from({ length: PER_USER }, (_, i) => {
    const kind = i % 5 === 3 ? 'login_failure' : i === 7 && u % 10 === 0 ? 'mfa_disabled' : 'login_success';
    const event = signIn(user(u), `host-session-${u}-${i % 3}`, {
      id: `evt_move_${u}_${i}`,
      event_type: kind,
      outcome: kind === 'login_failure' ? 'failure' : 'success',
      ip_address: i === 9 ? `198.51.100.${u % 200}` : ip,
      user_agent: AGENTS[(u + i) % AGENTS.length],
      metadata: kind === 'login_failure' ? { reason: 'invalid_password' } : { method: 'password', n: i },
    });
    return { ...event, timestamp: new Date(now - (PER_USER - i) * HOUR - u * 1000).toISOString() };
  });
}

/** The tree size of the checkpoint the server serves now. */
async function signedSize(server: TestServer): Promise<number> {
  const res = await fetch(`${server.url}/v1/log/checkpoint`);
  expect(res.status).toBe(200);
  return Number((await res.text()).split('\n')[1]);
}

/** Ingests every user's events, 1,000 a request; a checkpoint is signed over the first thousand on their own. */
async function ingestAll(server: TestServer, users: number): Promise<void> {
  const now = Date.now();
  const all = Array.from({ length: users }, (_, u) => eventsOf(u, now)).flat();
  for (let k = 0; k < all.length; k += 1000) {
    const part = all.slice(k, k + 1000);
    expect((await ingest(server, { events: part })).status).toBe(202);
    // Signed at most once a second: ask until it covers them, so retention has a cut to make before the rest.
    const deadline = Date.now() + 10_000;
    while (k === 0 && (await signedSize(server)) < part.length) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((res) => setTimeout(res, 100));
    }
  }
}

/** Builds a store through the real server and CLI: sessions, revocations, alerts, erasures, a hold, retention. */
async function buildStore(): Promise<TestServer> {
  const port = await closedPort();
  let server = await startServer({
    backend: 'sqlite',
    env: {
      RECEIPTS_WEBHOOK_URL: `http://127.0.0.1:${port}/hooks`,
      RECEIPTS_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
      RECEIPTS_STREAMS: `syslog+tcp://127.0.0.1:${port}`,
    },
  });
  await ingestAll(server, USERS);
  for (let u = 100; u < 120; u++) {
    const token = await mintToken(server, { userId: user(u) });
    const sessions = (await (await asUser(server, token, '/v1/me/sessions')).json()) as {
      items: { id: string }[];
    };
    const first = sessions.items[0]?.id;
    expect(first).toBeDefined();
    expect((await asUser(server, token, `/v1/me/sessions/${first}`, { method: 'DELETE' })).status).toBe(200);
  }
  // A request still in its grace period.
  const pending = await mintToken(server, { userId: user(130) });
  expect((await asUser(server, pending, '/v1/me/erasure', { method: 'POST' })).status).toBe(202);
  expect((await fetch(`${server.url}/v1/log/checkpoint`)).status).toBe(200);
  expect(await server.stop()).toBe(0);

  const run = (...args: string[]) => {
    const r = cli(server.env, args);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  };
  run('keys', 'create', '--name', 'moved-web');
  run('hold', '--user', user(140), '--reason', 'case 2291');
  run('erase', '--user', user(131));
  // A year from now everything is past its retention but the held user's events, and what follows them.
  run('retention', '--as-of', new Date(Date.now() + 366 * 24 * HOUR).toISOString());
  // And the log goes on after the cut.
  server = await startServer({ backend: 'sqlite', dir: server.dir, reuseEnv: server.env });
  const more = Array.from({ length: 30 }, (_, u) => eventsOf(USERS + u, Date.now())).flat();
  expect((await ingest(server, { events: more })).status).toBe(202);
  expect(await server.stop()).toBe(0);
  run('checkpoint');
  run('verify');
  return server;
}

/** A value as the test compares it: integers by value, blobs by bytes, text as is; tagged, so none pass as another. */
function sqliteValue(v: unknown): unknown {
  if (v === null) return null;
  if (Buffer.isBuffer(v)) return `bytes:${v.toString('hex')}`;
  if (typeof v === 'bigint') return `int:${v}`;
  if (typeof v === 'string') return `text:${v}`;
  return `other:${typeof v}:${String(v)}`;
}

const PG_TYPES: Record<number, string> = { 20: 'int', 23: 'int', 17: 'bytes', 25: 'text' };

function pgValue(v: unknown, type: number): unknown {
  if (v === null) return null;
  const tag = PG_TYPES[type] ?? `other:${type}`;
  return `${tag}:${Buffer.isBuffer(v) ? v.toString('hex') : String(v)}`;
}

interface SourceTable {
  name: string;
  key: string;
  textKey: boolean;
}

function sourceTables(path: string): SourceTable[] {
  const db = new Database(path, { readonly: true });
  try {
    const names = db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations' ORDER BY name",
      )
      .all()
      .map((r) => r.name);
    return names.map((name) => {
      const key = db
        .prepare<[], { name: string; type: string; pk: number }>(`PRAGMA table_info("${name}")`)
        .all()
        .find((c) => c.pk === 1);
      if (!key) throw new Error(`${name} has no key`);
      return { name, key: key.name, textKey: key.type.toUpperCase() === 'TEXT' };
    });
  } finally {
    db.close();
  }
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** Every table of the store, row for row in key order, against the database. */
async function expectSameRows(path: string, url: string): Promise<Record<string, number>> {
  const tables = sourceTables(path);
  const db = new Database(path, { readonly: true });
  db.defaultSafeIntegers(true);
  const client = await connect(url);
  const counts: Record<string, number> = {};
  try {
    const theirs = await client.query<{ name: string }>(
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    expect(theirs.rows.map((r) => r.name)).toEqual(tables.map((t) => t.name));
    for (const t of tables) {
      const ours = db.prepare(`SELECT * FROM "${t.name}" ORDER BY "${t.key}"`).raw(true).all() as unknown[][];
      const columns = (db.prepare(`SELECT * FROM "${t.name}" LIMIT 0`).columns() as { name: string }[]).map(
        (c) => c.name,
      );
      const all = await client.query({ text: `SELECT * FROM "${t.name}" LIMIT 0` });
      expect(all.fields.map((f) => f.name).sort(), t.name).toEqual([...columns].sort());
      // The source's column order (columns added later sit elsewhere on each side); byte order, as SQLite sorts
      // text, whatever the database's collation.
      const order = t.textKey ? `"${t.key}" COLLATE "C"` : `"${t.key}"`;
      const result = await client.query({
        text: `SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM "${t.name}" ORDER BY ${order}`,
        rowMode: 'array',
      });
      const got = (result.rows as unknown[][]).map((row) =>
        row.map((v, i) => pgValue(v, result.fields[i]!.dataTypeID)),
      );
      expect(got, t.name).toEqual(ours.map((row) => row.map(sqliteValue)));
      counts[t.name] = ours.length;
    }
    return counts;
  } finally {
    db.close();
    await client.end();
  }
}

async function countIn(url: string, table: string): Promise<number> {
  const client = await connect(url);
  try {
    return Number((await client.query(`SELECT COUNT(*) AS n FROM "${table}"`)).rows[0].n);
  } finally {
    await client.end();
  }
}

/** An onProgress that stops the copy at the `n`th report that `when` picks. */
function stopAt(n: number, when: (p: MigrateProgress) => boolean = () => true) {
  let seen = 0;
  return (p: MigrateProgress) => {
    if (when(p) && ++seen === n) throw new Error(`stopped at ${p.table} ${p.done}/${p.total}`);
  };
}

describe.skipIf(!pgAvailable)(
  'receipts migrate-store (set RECEIPTS_TEST_PG to a superuser URL to run)',
  () => {
    let source: TestServer;
    let from: string;
    const databases: FreshPostgres[] = [];
    const fresh = async () => {
      const db = await freshPostgres();
      databases.push(db);
      return db;
    };

    beforeAll(async () => {
      source = await buildStore();
      from = source.dbPath;
    }, 120_000);

    afterAll(async () => {
      await source?.stop();
      for (const db of databases) await db.drop();
    });

    describe('into a fresh database, copying as the owner', () => {
      let db: FreshPostgres;

      beforeAll(async () => {
        db = await fresh();
      });

      it('should copy every row of every table byte for byte, and check the head', async () => {
        const result = await migrateStore({ from, to: db.ownerUrl });
        const counts = await expectSameRows(from, db.ownerUrl);
        // The store holds what it should, so that the comparison above compared something in every table.
        for (const [table, n] of Object.entries(counts)) expect(n, table).toBeGreaterThan(0);
        const store = new Database(from, { readonly: true });
        const { oldest, seq, hash } = store
          .prepare<[], { oldest: number; seq: number; hash: string }>(
            'SELECT (SELECT MIN(seq) FROM events) AS oldest, seq, hash FROM events ORDER BY seq DESC LIMIT 1',
          )
          .get()!;
        store.close();
        expect(oldest).toBeGreaterThan(1000); // retention pruned a prefix of the log
        expect(counts.personal_data).toBeLessThan(counts.events!); // and erasure took a user's details
        expect(result.upToDate).toBe(false);
        expect(result.copied).toBe(Object.values(counts).reduce((a, b) => a + b, 0));
        expect(result.head).toEqual({ seq, hash });
        expect(result.sequences.sort()).toEqual([
          'checkpoints.id',
          'retention_checkpoints.id',
          'rule_hits.id',
        ]);
      });

      it('should do nothing on a finished copy, and say so', async () => {
        const result = await migrateStore({ from, to: db.ownerUrl });
        expect(result).toMatchObject({ upToDate: true, copied: 0, sequences: [] });
        await expectSameRows(from, db.ownerUrl);
      });

      it('should give a row the server adds next a fresh id after the copied ones', async () => {
        const client = await connect(db.ownerUrl);
        try {
          const max = Number((await client.query('SELECT MAX(id) AS n FROM checkpoints')).rows[0].n);
          const added = await client.query(
            "INSERT INTO checkpoints (seq, hash, signed_at, key_id, signature) VALUES (1, 'h', 0, 'k', 's') RETURNING id",
          );
          expect(Number(added.rows[0].id)).toBe(max + 1);
          const hit = await client.query(
            "INSERT INTO rule_hits (kind, key, ts, event_id) VALUES ('signin', 'k', 0, 'e') RETURNING id",
          );
          const hits = Number(
            (await client.query('SELECT MAX(id) AS n FROM rule_hits WHERE id < $1', [hit.rows[0].id])).rows[0]
              .n,
          );
          expect(Number(hit.rows[0].id)).toBe(hits + 1);
        } finally {
          await client.end();
        }
      });
    });

    describe('as the runtime role with --owner, interrupted twice', () => {
      let db: FreshPostgres;

      beforeAll(async () => {
        db = await fresh();
      });

      it('should keep every batch committed before an interruption in the log', async () => {
        const copy = migrateStore({
          from,
          to: db.url,
          owner: db.ownerUrl,
          batchSize: 500,
          onProgress: stopAt(4),
        });
        await expect(copy).rejects.toThrow(/stopped at events 1500/);
        expect(await countIn(db.url, 'events')).toBe(1500);
      });

      it('should copy nothing of a table copied whole when it is interrupted inside it', async () => {
        const copy = migrateStore({
          from,
          to: db.url,
          owner: db.ownerUrl,
          batchSize: 500,
          onProgress: stopAt(1, (p) => p.table === 'sessions' && p.done > 0),
        });
        await expect(copy).rejects.toThrow(/stopped at sessions 500/);
        expect(await countIn(db.url, 'sessions')).toBe(0);
        expect(await countIn(db.url, 'events')).toBeGreaterThan(1500);
      });

      it('should finish on a rerun with every row once, then find nothing to do', async () => {
        const result = await migrateStore({ from, to: db.url, owner: db.ownerUrl, batchSize: 500 });
        expect(result.upToDate).toBe(false);
        expect(result.tables.find((t) => t.table === 'events')?.copied).toBe(0);
        await expectSameRows(from, db.url);
        const again = await migrateStore({ from, to: db.url, owner: db.ownerUrl });
        expect(again).toMatchObject({ upToDate: true, copied: 0 });
      });

      it('should leave the runtime role unable to change the audit log', async () => {
        const client = await connect(db.url);
        try {
          expect(await auditModifiableBy(client)).toBeNull();
        } finally {
          await client.end();
        }
      });
    });

    it('should follow a store that changed between runs: an erasure in between leaves none of the person behind', async () => {
      const copy = join(tempDir(), 'receipts.db');
      copyFileSync(from, copy);
      const db = await fresh();
      await migrateStore({ from: copy, to: db.ownerUrl });
      const erased = cli({ ...source.env, RECEIPTS_DB: copy }, ['erase', '--user', user(150)]);
      expect(erased.code, erased.stderr).toBe(0);

      const result = await migrateStore({ from: copy, to: db.ownerUrl });
      const copied = Object.fromEntries(result.tables.map((t) => [t.table, t]));
      expect(copied.events?.copied).toBeGreaterThan(0); // its receipt
      expect(copied.personal_data?.copied).toBe(copied.personal_data?.rows); // copied afresh
      await expectSameRows(copy, db.ownerUrl);
      const client = await connect(db.ownerUrl);
      try {
        const left = await client.query('SELECT COUNT(*) AS n FROM personal_data WHERE user_id = $1', [
          user(150),
        ]);
        expect(Number(left.rows[0].n)).toBe(0);
      } finally {
        await client.end();
      }
    });

    describe('refusals', () => {
      it('should refuse a database that holds a different log, and leave it as it was', async () => {
        const other = await startServer({ backend: 'sqlite' });
        await ingestAll(other, USERS);
        expect(await other.stop()).toBe(0);
        const db = await fresh();
        await migrateStore({ from: other.dbPath, to: db.ownerUrl });
        const before = await countIn(db.ownerUrl, 'events');

        await expect(migrateStore({ from, to: db.ownerUrl })).rejects.toThrow(
          /^the target holds a different log: its event at seq \d+ has hash [0-9a-f]{16}…, the source's [0-9a-f]{16}…$/,
        );
        expect(await countIn(db.ownerUrl, 'events')).toBe(before);
        await expectSameRows(other.dbPath, db.ownerUrl);
      });

      it('should refuse a database in use that holds none of the log, rather than overwrite it', async () => {
        const db = await fresh();
        await migratePostgres(db.ownerUrl, db.url);
        const client = await connect(db.url);
        try {
          await client.query(
            "INSERT INTO sessions (id, ref, subject, status, created_at, last_seen_at) VALUES ('ses_live', 'r', 's', 'active', 0, 0)",
          );
        } finally {
          await client.end();
        }
        await expect(migrateStore({ from, to: db.url, owner: db.ownerUrl })).rejects.toThrow(
          /^the target is not empty \(sessions has 1 rows\) but holds none of the source's events/,
        );
        expect(await countIn(db.url, 'sessions')).toBe(1);
      });

      it('should refuse to copy as the runtime role with no owner to migrate and reset sequences', async () => {
        const db = await fresh();
        await expect(migrateStore({ from, to: db.url })).rejects.toThrow(
          /^role receipts_app_\w+ cannot apply the migrations \(.*permission denied.*\): name the schema's owner with --owner/,
        );
      });

      it('should refuse a store newer than the schema it knows', async () => {
        const newer = join(tempDir(), 'newer.db');
        copyFileSync(from, newer);
        const db = new Database(newer);
        db.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run(
          'future',
          Date.now() * 2,
        );
        db.close();
        await expect(migrateStore({ from: newer, to: 'postgres://nobody@127.0.0.1:1/none' })).rejects.toThrow(
          /is newer than this version of Receipts knows/,
        );
      });
    });

    describe('the command line', () => {
      const script = `import(${JSON.stringify(join(ROOT, 'dist/server/cli/migrate-store.js'))})
      .then((m) => m.migrateStoreCommand(process.argv.slice(1), process.env))
      .then((code) => { process.exitCode = code; })`;
      const command = async (...args: string[]) => {
        try {
          const { stdout, stderr } = await promisify(execFile)(process.execPath, [
            '-e',
            script,
            '--',
            ...args,
          ]);
          return { code: 0, stdout, stderr };
        } catch (error) {
          const e = error as { code: number; stdout: string; stderr: string };
          return { code: e.code, stdout: e.stdout, stderr: e.stderr };
        }
      };

      it('should exit 2 on missing or bad arguments', async () => {
        expect(await command('--to', 'postgres://a@127.0.0.1/b')).toMatchObject({
          code: 2,
          stderr: expect.stringMatching(/^receipts: --from FILE is required/),
        });
        expect(await command('--from', from)).toMatchObject({
          code: 2,
          stderr: expect.stringMatching(/--to URL is required/),
        });
        expect(await command('--from', from, '--to', 'mysql://x@y/z')).toMatchObject({ code: 2 });
        expect(await command('--from', from, '--to', 'postgres://a@b/c', '--frm', 'x')).toMatchObject({
          code: 2,
        });
      });

      it('should exit 1 on a missing store, and on a database it cannot reach, naming it without its password', async () => {
        const missing = await command(
          '--from',
          '/nonexistent/receipts.db',
          '--to',
          'postgres://a@127.0.0.1/b',
        );
        expect(missing).toMatchObject({
          code: 1,
          stderr: 'receipts: no store at /nonexistent/receipts.db\n',
        });
        const port = await closedPort();
        const password = randomBytes(12).toString('hex');
        const unreachable = await command(
          '--from',
          from,
          '--to',
          `postgres://mover:${password}@127.0.0.1:${port}/receipts`,
        );
        expect(unreachable.code).toBe(1);
        expect(unreachable.stderr).toMatch(
          new RegExp(
            `^receipts: cannot connect to postgres://mover@127\\.0\\.0\\.1:${port}/receipts: .*ECONNREFUSED.*\\n$`,
          ),
        );
        expect(unreachable.stderr).not.toContain(password);
      });

      it('should copy, print a line per table and the time taken, and say so when there is nothing to do', async () => {
        const db = await fresh();
        const first = await command('--from', from, '--to', db.url, '--owner', db.ownerUrl);
        expect(first.code, first.stderr).toBe(0);
        expect(first.stderr).toMatch(/^events: [\d,]+ \/ [\d,]+ rows$/m);
        expect(first.stderr.split('\n').filter(Boolean)).toHaveLength(sourceTables(from).length);
        expect(first.stdout).toMatch(
          /^copied [\d,]+ rows into postgres:\/\/receipts_app_\w+@[^ ]+ in \d+\.\d s/,
        );
        expect(first.stdout).not.toContain(new URL(db.url).password);
        const second = await command('--from', from, '--to', db.url, '--owner', db.ownerUrl);
        expect(second.code, second.stderr).toBe(0);
        expect(second.stdout).toMatch(/^nothing to do: /);
      });
    });
  },
);
