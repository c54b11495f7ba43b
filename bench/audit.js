// Audit benchmarks: erasing a user with 10,000 events (aim < 1 s), and verifying a one-million-event chain
// (events/s). Both run in this process against the built server code, on stores made through the real
// ingest path. With a store from the ingest part (the same run), verification walks that store.
import { createPrivateKey } from 'node:crypto';
import { rmSync } from 'node:fs';
import { makeEvent } from './data.js';
import { log, machine, QUICK, ROOT, round, startServer, tempDir } from './lib.js';

const dist = (p) => import(`${ROOT}/dist/server/${p}`);
const ERASED_EVENTS = QUICK ? 2_000 : 10_000;

async function ingestAll(server, events) {
  for (let i = 0; i < events.length; i += 1000) {
    const res = await fetch(`${server.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.ingestKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: events.slice(i, i + 1000) }),
    });
    if (res.status !== 202) throw new Error(`ingest: HTTP ${res.status} ${await res.text()}`);
  }
}

async function withEnv(env, fn) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

async function erasureBench() {
  const dir = tempDir();
  try {
    const server = await startServer(dir);
    const user = 'usr_bench_erase';
    const spec = {
      users: 1000,
      n: ERASED_EVENTS,
      heavyShare: 0,
      heavyFraction: 0.1,
      now: Date.now() - 60_000,
    };
    const events = [];
    for (let i = 0; i < ERASED_EVENTS; i++) events.push({ ...makeEvent(i, spec), user_id: user });
    for (let i = 0; i < ERASED_EVENTS; i++) events.push(makeEvent(ERASED_EVENTS + i, spec)); // everyone else
    await ingestAll(server, events);
    await server.stop();
    const { openServices, closeServices } = await dist('cli/open.js');
    const { eraseNow } = await dist('domain/erasure.js');
    const { sql } = await dist('store/sql.js');
    return await withEnv(server.env, async () => {
      const s = await openServices();
      try {
        const t0 = process.hrtime.bigint();
        const outcome = await eraseNow(s, user);
        const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
        const { n: left } = await s.store.db.get(
          sql('SELECT COUNT(*) AS n FROM personal_data WHERE user_id = ?'),
          [user],
        );
        if (outcome !== 'erased' || left !== 0) throw new Error(`erasure: ${outcome}, ${left} rows left`);
        log(`erasure: ${ERASED_EVENTS} events' personal data in ${round(seconds * 1000, 0)} ms`);
        return {
          user_events: ERASED_EVENTS,
          other_events: ERASED_EVENTS,
          seconds: round(seconds, 3),
          aim_seconds: 1,
          met: seconds < 1,
        };
      } finally {
        await closeServices(s);
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function verifyBench(store) {
  let dir = null;
  let dbPath = store?.env?.RECEIPTS_DB;
  let env = store?.env;
  if (!dbPath) {
    dir = tempDir();
    const server = await startServer(dir);
    const n = QUICK ? 20_000 : 200_000;
    const spec = { users: 10_000, n, heavyShare: 0.7, heavyFraction: 0.1, now: Date.now() - 60_000 };
    const events = [];
    for (let i = 0; i < n; i++) events.push(makeEvent(i, spec));
    await ingestAll(server, events);
    await server.stop();
    dbPath = server.dbPath;
    env = server.env;
  }
  try {
    const { verifyStore } = await dist('audit/verify.js');
    const { openStore } = await dist('store/db.js');
    const { logIdentity } = await dist('audit/checkpoint.js');
    const { parseVkey } = await import(`${ROOT}/dist/shared/tlog/note.js`);
    const signingKey = createPrivateKey(env.RECEIPTS_SIGNING_KEY);
    const vkey = parseVkey(logIdentity(signingKey, env.RECEIPTS_LOG_ORIGIN || 'localhost/receipts').vkey);
    const store = await openStore(dbPath, { readonly: true });
    try {
      // Everything `receipts verify` checks: chain, leaves, tree nodes, personal data, checkpoints.
      const t0 = process.hrtime.bigint();
      const result = await verifyStore(store.db, { vkey, signingKey });
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (!result.ok) throw new Error(`verify: ${result.table} seq ${result.badSeq}: ${result.problem}`);
      log(`verify: ${result.count} events in ${round(seconds, 1)} s`);
      return {
        events: result.count,
        personal_rows: result.personal,
        seconds: round(seconds, 2),
        events_per_s: round(result.count / seconds, 0),
      };
    } finally {
      await store.close();
    }
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

export async function auditBench({ store } = {}) {
  const t0 = Date.now();
  const verify = await verifyBench(store);
  const erasure = await erasureBench();
  return {
    date: new Date().toISOString(),
    machine: machine(),
    quick: QUICK,
    results: { verify, erasure },
    duration_s: round((Date.now() - t0) / 1000, 0),
  };
}
