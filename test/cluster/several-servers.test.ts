// Three servers on one PostgreSQL database: 32 clients spread over them while one server after another is
// SIGKILLed and restarted. Every event that got a 202 is in the log exactly once, the chain and tree verify,
// and the tree still extends a checkpoint taken before the run. A session revoked on one server is refused
// at once on another and reaches a live stream held open on the third.

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgres, pgAvailable } from '../support/postgres.js';
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

const CLIENTS = 32;
const KILLS = 5;

let database: Awaited<ReturnType<typeof freshPostgres>>;
let env: Record<string, string>;
const servers: TestServer[] = [];

async function start(i: number): Promise<TestServer> {
  const server = await startServer({ reuseEnv: env, env: { RECEIPTS_DB_POOL: '8' } });
  servers[i] = server;
  return server;
}

beforeAll(async () => {
  if (!pgAvailable) return;
  database = await freshPostgres();
  env = serverEnv(tempDir('receipts-cluster-'), {
    RECEIPTS_DB: database.url,
    RECEIPTS_DB_OWNER: database.ownerUrl,
  });
  // The first server migrates; the others find the schema in place.
  await start(0);
  await Promise.all([start(1), start(2)]);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s?.stop()));
  await database?.drop();
});

const waitFor = async (what: string, check: () => Promise<boolean>, ms = 15_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
};

describe.skipIf(!pgAvailable)('several servers on one PostgreSQL database', () => {
  it('acknowledges every event exactly once through kills and restarts, in one verifiable log', async () => {
    // A checkpoint from before the run: the tree after it must extend it.
    await ingest(servers[0]!, {
      events: [signIn('usr_cluster_0', 'sess_cluster_0', { id: 'cluster_first' })],
    });
    const before = await (await fetch(`${servers[0]!.url}/v1/log/checkpoint`)).text();
    const vkey = (await (await fetch(`${servers[0]!.url}/v1/log/key`)).text()).trim();
    const state = `${tempDir('receipts-cluster-witness-')}/checkpoint.txt`;
    const witness = (url: string) =>
      cli({ PATH: process.env.PATH ?? '' }, ['witness', '--url', url, '--key', vkey, '--state', state]);
    expect(witness(servers[0]!.url).code, before).toBe(0);

    const acked = new Set<string>();
    let stop = false;
    let sent = 0;
    const client = async (c: number) => {
      for (let n = 0; !stop; n++) {
        const batch = Array.from({ length: 1 + (n % 4) }, (_, k) =>
          signIn(`usr_cluster_${c % 50}`, `sess_${c}_${n}`, { id: `ev_${c}_${n}_${k}` }),
        );
        // Retried (same ids) until some server answers: a retry after an unanswered attempt is idempotent.
        for (let attempt = 0; !stop || attempt === 0; attempt++) {
          const server = servers[(c + n + attempt) % servers.length]!;
          try {
            const res = await ingest(server, { events: batch });
            if (res.status === 202) {
              for (const e of batch) acked.add((e as unknown as { id: string }).id);
              sent += batch.length;
              break;
            }
            await res.body?.cancel();
          } catch {
            // The server was killed under this request: try another.
          }
          await new Promise((r) => setImmediate(r));
        }
      }
    };
    const running = Array.from({ length: CLIENTS }, (_, c) => client(c));
    for (let k = 0; k < KILLS; k++) {
      const target = k % servers.length;
      const floor = sent;
      // Let some events through between kills, so each kill lands under load.
      await waitFor('traffic', async () => sent >= floor + 300, 60_000);
      await servers[target]!.kill();
      await start(target);
    }
    const floor = sent;
    await waitFor('traffic after the last restart', async () => sent >= floor + 300, 60_000);
    stop = true;
    await Promise.all(running);

    const db = new pg.Client({ connectionString: database.ownerUrl });
    await db.connect();
    try {
      const twice = await db.query('SELECT id FROM events GROUP BY id HAVING COUNT(*) > 1');
      expect(twice.rows).toEqual([]);
      const stored = new Set(
        (await db.query<{ id: string }>("SELECT id FROM events WHERE id LIKE 'ev\\_%'")).rows.map(
          (r) => r.id,
        ),
      );
      const missing = [...acked].filter((id) => !stored.has(id));
      expect(missing).toEqual([]);
      expect(acked.size).toBeGreaterThan(1500);
    } finally {
      await db.end();
    }

    const verify = cli(env, ['verify']);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    // The witness trusted the checkpoint from before the run; the tree now must be proven to extend it.
    await waitFor('a newer checkpoint', async () => {
      const note = await (await fetch(`${servers[1]!.url}/v1/log/checkpoint`)).text();
      return note !== before;
    });
    const w = witness(servers[1]!.url);
    expect(w.code, w.stdout + w.stderr).toBe(0);
  }, 600_000);

  it('refuses a session revoked on one server at once on another, and tells a stream on the third', async () => {
    const [a, b, c] = servers as [TestServer, TestServer, TestServer];
    const user = 'usr_cluster_revoke';
    expect((await ingest(a, { events: [signIn(user, 'host_sess_1', { id: 'cl_rev_1' })] })).status).toBe(202);
    const token = await mintToken(a, { userId: user, sessionId: 'host_sess_1' });
    const other = await mintToken(a, { userId: user });

    // A live stream held open on C.
    const controller = new AbortController();
    const stream = await asUser(c, other, '/v1/me/stream', {
      headers: { accept: 'text/event-stream' },
      signal: controller.signal,
    });
    expect(stream.status).toBe(200);
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('event: ping')) text += (await reader.read()).value ?? '';

    expect((await asUser(b, token, '/v1/me/sessions')).status).toBe(200);
    const sessions = (await (await asUser(a, other, '/v1/me/sessions')).json()) as {
      items: { id: string }[];
    };
    const id = sessions.items[0]!.id;
    expect((await asUser(a, other, `/v1/me/sessions/${id}`, { method: 'DELETE' })).status).toBe(200);

    // At once on B: the widget token of that session, and the host's status question.
    expect((await asUser(b, token, '/v1/me/sessions')).status).toBe(401);
    const status = await fetch(`${b.url}/v1/sessions/host_sess_1`, {
      headers: { authorization: `Bearer ${b.ingestKey}` },
    });
    expect(((await status.json()) as { status: string }).status).toBe('revoked');

    // The revocation's activity event names the session too, so wait for the sessions notice itself.
    const notice = /event: sessions\ndata: (.*)\n/;
    const deadline = Date.now() + 10_000;
    while (!notice.test(text) && Date.now() < deadline) text += (await reader.read()).value ?? '';
    controller.abort();
    const changed = (JSON.parse(notice.exec(text)?.[1] ?? '{}') as { changed?: string[] }).changed;
    expect(changed, text).toContain(id);
  });
});
