// A store of 100,000 events moves to PostgreSQL with `receipts migrate-store`: `receipts verify` passes on the
// target, a server on it answers every user exactly as the SQLite server still does (activity page by page,
// sessions, devices, the signed tree), and it goes on with the same chain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64 } from '../../shared/tlog/base64.js';
import { verifyConsistency } from '../../shared/tlog/merkle.js';
import { openNote, parseVkey } from '../../shared/tlog/note.js';
import { type FreshPostgres, freshPostgres, pgAvailable } from '../support/postgres.js';
import {
  asUser,
  cli,
  ingest,
  mintToken,
  serverEnv,
  signIn,
  startServer,
  type TestServer,
  tempDir,
} from '../support/server.js';

const EVENTS = 100_000;
const USERS = 5_000;
const BATCH = 500;
// Requests in flight at once: the group commit takes them together, as it would a busy host's.
const CONCURRENCY = 4;
const SECOND = 1000;
const AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0',
];

const user = (u: number) => `usr_big_${u}`;
const REVOKED = [3, 17, 250, 2_501, 4_999];
const ERASED = 1_234;
// Spread over the whole range of users, with the ones whose sessions were revoked and the erased one.
const SAMPLE = [...Array.from({ length: 20 }, (_, i) => i * 251 + 7), ...REVOKED, ERASED];

/** The i-th event of the traffic: users take turns, each signing in on a few devices, now and then failing. */
function eventAt(i: number, start: number) {
  const u = i % USERS;
  const k = Math.floor(i / USERS); // the user's k-th event, 0…19
  const device = (u + k) % 3;
  const ip = u % 3 ? `203.0.113.${(u + device) % 250}` : `2001:db8:${u.toString(16)}::${device + 1}`;
  const kind =
    k % 10 === 9
      ? 'logout'
      : k === 12
        ? 'password_change'
        : k % 7 === 5 && u % 4 === 0
          ? 'login_failure'
          : 'login_success';
  return signIn(user(u), `host-${u}-${device}`, {
    id: `evt_big_${i}`,
    event_type: kind,
    outcome: kind === 'login_failure' ? 'failure' : 'success',
    ip_address: kind === 'login_failure' ? `198.51.100.${u % 200}` : ip,
    user_agent: AGENTS[(u + device) % AGENTS.length],
    metadata: kind === 'login_failure' ? { reason: 'invalid_password' } : { method: 'password' },
    timestamp: new Date(start + i * 5 * SECOND).toISOString(),
  });
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function run(env: Record<string, string>, args: string[]): { stdout: string; ms: number } {
  const started = performance.now();
  const r = cli(env, args);
  expect(r.code, `${args[0]}: ${r.stdout}${r.stderr}`).toBe(0);
  return { stdout: r.stdout, ms: performance.now() - started };
}

async function json(res: Response): Promise<unknown> {
  expect(res.status, res.url).toBe(200);
  return res.json();
}

/** Everything a user sees of their account on `server`: every activity page as served, sessions, devices. */
async function accountOf(server: TestServer, token: string) {
  const pages: unknown[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = (await json(await asUser(server, token, `/v1/me/activity?limit=7${query}`))) as {
      next_cursor: string | null;
    };
    pages.push(page);
    cursor = page.next_cursor;
  } while (cursor && pages.length < 50);
  return {
    pages,
    sessions: await json(await asUser(server, token, '/v1/me/sessions')),
    devices: await json(await asUser(server, token, '/v1/me/devices')),
  };
}

/** A signed note opened with the server's verifier key. */
async function opened(server: TestServer, note: string) {
  return openNote(note, parseVkey(await (await fetch(`${server.url}/v1/log/key`)).text()));
}

async function checkpointOf(server: TestServer) {
  const res = await fetch(`${server.url}/v1/log/checkpoint`);
  expect(res.status).toBe(200);
  return opened(server, await res.text());
}

/** Whether the server's signed tree extends `old`, by the consistency proof it serves. */
async function extendsTree(server: TestServer, old: { size: number; root: Uint8Array }): Promise<boolean> {
  const now = await checkpointOf(server);
  const res = await fetch(`${server.url}/v1/log/consistency?from=${old.size}&to=${now.size}`);
  const { proof } = (await json(res)) as { proof: string[] };
  return verifyConsistency(old.size, now.size, old.root, now.root, proof.map(fromBase64));
}

describe.skipIf(!pgAvailable)(
  'receipts migrate-store on 100,000 events (set RECEIPTS_TEST_PG to run)',
  () => {
    let db: FreshPostgres;
    let sqliteEnv: Record<string, string>;
    let pgEnv: Record<string, string>;
    const servers: TestServer[] = [];
    let movedNote: string;

    beforeAll(async () => {
      sqliteEnv = serverEnv(tempDir('receipts-100k-'));
      const source = await startServer({ reuseEnv: sqliteEnv, backend: 'sqlite' });
      servers.push(source);
      const start = Date.now() - EVENTS * 5 * SECOND;
      let started = performance.now();
      let next = 0;
      const sender = async () => {
        for (let k = next; k < EVENTS; k = next) {
          next += BATCH;
          const events = Array.from({ length: BATCH }, (_, j) => eventAt(k + j, start));
          const res = await ingest(source, { events });
          expect(res.status, await res.text()).toBe(202);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, sender));
      console.log(`ingest: ${EVENTS.toLocaleString()} events in ${seconds(performance.now() - started)}`);

      started = performance.now();
      for (const u of REVOKED) {
        const token = await mintToken(source, { userId: user(u) });
        const { items } = (await json(await asUser(source, token, '/v1/me/sessions'))) as {
          items: { id: string }[];
        };
        expect(items.length, user(u)).toBeGreaterThan(0);
        const res = await asUser(source, token, `/v1/me/sessions/${items[0]!.id}`, { method: 'DELETE' });
        expect(res.status).toBe(200);
      }
      expect(await source.stop()).toBe(0);
      run(sqliteEnv, ['erase', '--user', user(ERASED)]);
      // The tree head as the SQLite store leaves it, signed: each server's tree must extend this very tree.
      movedNote = run(sqliteEnv, ['checkpoint']).stdout;
      console.log(`revocations and erasure: ${seconds(performance.now() - started)}`);

      db = await freshPostgres();
      pgEnv = { ...sqliteEnv, RECEIPTS_DB: db.url, RECEIPTS_DB_OWNER: db.ownerUrl };
    }, 240_000);

    afterAll(async () => {
      await Promise.all(servers.map((s) => s.stop()));
      await db?.drop();
    });

    it('should copy the store as the runtime role, the owner migrating and granting', () => {
      const { stdout, ms } = run(sqliteEnv, [
        'migrate-store',
        '--from',
        sqliteEnv.RECEIPTS_DB!,
        '--to',
        db.url,
        '--owner',
        db.ownerUrl,
      ]);
      console.log(`migrate-store: ${seconds(ms)}\n${stdout.trim()}`);
      expect(stdout).toMatch(/^copied [\d,]+ rows into postgres:\/\/receipts_app_\w+@/);
    }, 120_000);

    it('should verify on the target', () => {
      const { stdout, ms } = run(pgEnv, ['verify']);
      console.log(`verify on PostgreSQL: ${seconds(ms)}\n${stdout.trim()}`);
      // Every event ingested, the revocations' and the erasure's own records after them.
      const count = Number(/^log intact: (\d+) events from seq 1,/.exec(stdout)?.[1]);
      expect(count).toBeGreaterThan(EVENTS + REVOKED.length);
    }, 120_000);

    it('should answer every sampled user the same from both stores, page by page', async () => {
      const [sqlite, postgres] = await Promise.all([
        startServer({ reuseEnv: sqliteEnv, backend: 'sqlite' }),
        startServer({ reuseEnv: pgEnv }),
      ]);
      servers.push(sqlite, postgres);
      const started = performance.now();
      let pages = 0;
      for (const u of SAMPLE) {
        const token = await mintToken(sqlite, { userId: user(u) });
        const [ours, theirs] = await Promise.all([accountOf(sqlite, token), accountOf(postgres, token)]);
        expect(theirs, user(u)).toEqual(ours);
        pages += ours.pages.length;
        const items = ours.pages.flatMap((p) => (p as { items: unknown[] }).items);
        // The comparison compared something: a user's whole history, over more than one page.
        if (u !== ERASED) {
          expect(items.length, user(u)).toBeGreaterThanOrEqual(EVENTS / USERS);
          expect(ours.pages.length).toBeGreaterThan(2);
        }
      }
      console.log(
        `compared ${SAMPLE.length} users, ${pages} activity pages, in ${seconds(performance.now() - started)}`,
      );

      const moved = await opened(sqlite, movedNote);
      // Each server has recorded its own start since, at its own time: their trees part after the moved one.
      expect(moved.size).toBeGreaterThan(EVENTS);
      expect(await extendsTree(sqlite, moved)).toBe(true);
      expect(await extendsTree(postgres, moved)).toBe(true);
      // And inside the moved tree both hold the same nodes.
      const consistency = async (s: TestServer) =>
        json(await fetch(`${s.url}/v1/log/consistency?from=${EVENTS / 2 + 1}&to=${moved.size}`));
      expect(await consistency(postgres)).toEqual(await consistency(sqlite));
    }, 120_000);

    it('should go on with the same chain on PostgreSQL, and still verify', async () => {
      const postgres = servers.at(-1)!;
      const before = await checkpointOf(postgres);
      const more = Array.from({ length: 25 }, (_, i) =>
        signIn(user(i * 200), `host-late-${i}`, { id: `evt_late_${i}` }),
      );
      const res = await ingest(postgres, { events: more });
      expect(res.status, await res.text()).toBe(202);
      const token = await mintToken(postgres, { userId: user(0) });
      const page = (await json(await asUser(postgres, token, '/v1/me/activity?limit=1'))) as {
        items: { id: string }[];
      };
      expect(page.items[0]?.id).toBe('evt_late_0');
      expect(await extendsTree(postgres, await opened(postgres, movedNote))).toBe(true);
      expect(await postgres.stop()).toBe(0);
      const { stdout, ms } = run(pgEnv, ['verify']);
      console.log(`verify after more events: ${seconds(ms)}`);
      const head = Number(/^head: seq (\d+) /m.exec(stdout)?.[1]);
      // The events, and the server's record of its shutdown.
      expect(head).toBe(before.size + more.length + 1);
    }, 120_000);
  },
);
