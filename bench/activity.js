// Issue 3's benchmark: GET /v1/me/activity?limit=50 on a store of 1M events over 100k users, at 32
// connections, beside a bare node:http baseline reading the same rows from the same SQLite file.
import { rmSync } from 'node:fs';
import { SignJWT } from 'jose';
import { heavyUsers, makeSpec, rng, userId } from './data.js';
import {
  log,
  machine,
  memory,
  QUICK,
  round,
  rowsSpec,
  runLoad,
  startBaseline,
  startServer,
  tempDir,
  waitQuiet,
} from './lib.js';

// The two servers are measured in alternating rounds (Receipts, baseline, Receipts, baseline, …) so that a change in
// the machine's load during the run affects both alike; `seconds` is the measured time per server in all.
export const ACTIVITY_SIZES = QUICK
  ? { batch: 1000, buildConnections: 4, connections: 32, seconds: 6, rounds: 2, warmup: 1, tokens: 150 }
  : { batch: 1000, buildConnections: 4, connections: 32, seconds: 20, rounds: 2, warmup: 3, tokens: 300 };

const PATH = '/v1/me/activity?limit=50';

export async function mintTokens(secret, spec, count) {
  const key = new TextEncoder().encode(secret);
  const r = rng(42);
  const heavy = heavyUsers(spec);
  const users = new Set();
  while (users.size < Math.min(count, heavy)) users.add(userId(Math.floor(r() * heavy)));
  const tokens = [];
  for (const u of users) {
    tokens.push(
      await new SignJWT({ scope: 'user' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(u)
        .setAudience('receipts')
        .setIssuedAt()
        .setExpirationTime('14m')
        .sign(key),
    );
  }
  return tokens;
}

async function getJson(url, token) {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${text.slice(0, 300)}`);
  return { body: JSON.parse(text), bytes: Buffer.byteLength(text) };
}

/** Both servers must answer the same rows, newest first. */
export async function crossCheck(receiptsUrl, baselineUrl, tokens) {
  let items = 0;
  let receiptsBytes = 0;
  let baselineBytes = 0;
  const sample = tokens.slice(0, 20);
  for (const t of sample) {
    const a = await getJson(receiptsUrl + PATH, t);
    const b = await getJson(baselineUrl + PATH, t);
    const ids = a.body.items.map((i) => i.id).join();
    if (ids !== b.body.items.map((i) => i.id).join())
      throw new Error('receipts and baseline answer different rows');
    items += a.body.items.length;
    receiptsBytes += a.bytes;
    baselineBytes += b.bytes;
  }
  return {
    items_per_reply: round(items / sample.length, 1),
    receipts_reply_bytes: Math.round(receiptsBytes / sample.length),
    baseline_reply_bytes: Math.round(baselineBytes / sample.length),
  };
}

export async function measureRound(label, url, pid, tokens, sz, warmup) {
  const common = { mode: 'get', url, path: PATH, tokens, connections: sz.connections };
  if (warmup) await runLoad({ ...common, duration: warmup });
  const quiet = await waitQuiet(QUICK ? 2 : 30);
  const r = await runLoad({ ...common, duration: sz.seconds / sz.rounds, pid });
  if (r.non_2xx > 0 || r.errors > 0)
    throw new Error(`${label}: ${r.non_2xx} non-2xx (${JSON.stringify(r.statuses)}), ${r.errors} errors`);
  log(
    `${label}: ${r.req_per_s} req/s, p50 ${r.latency_ms.p50} ms, p99 ${r.latency_ms.p99} ms, ${r.server_cpu_us_per_req} µs CPU/req`,
  );
  return { ...r, others_busy_before: quiet };
}

/** Rounds combined: req/s and CPU over all requests; p50 the mean of the rounds', p99 the worst round's. */
export function combine(rounds) {
  const ok = rounds.reduce((a, r) => a + r.ok, 0);
  const seconds = rounds.reduce((a, r) => a + r.seconds, 0);
  const cpu = rounds.reduce((a, r) => a + r.server_cpu_seconds, 0);
  const mean = (f) => round(rounds.reduce((a, r) => a + f(r), 0) / rounds.length, 2);
  return {
    requests: ok,
    seconds: round(seconds, 2),
    req_per_s: round(ok / seconds, 1),
    latency_ms: {
      p50: mean((r) => r.latency_ms.p50),
      p99: Math.max(...rounds.map((r) => r.latency_ms.p99)),
      mean: mean((r) => r.latency_ms.mean),
    },
    server_cpu_us_per_req: round((cpu / ok) * 1e6, 0),
    server_cpu_utilisation: round(cpu / seconds, 2),
    reply_bytes: rounds[0].bytes_per_reply,
    server_peak_rss_mb: Math.max(...rounds.map((r) => r.peak_rss_mb)),
    load_generator_cpu_utilisation: mean((r) => r.load_generator_cpu_utilisation),
    other_processes_cpu_utilisation: mean((r) => r.other_processes_cpu_utilisation),
    rounds: rounds.map((r) => ({
      req_per_s: r.req_per_s,
      p50_ms: r.latency_ms.p50,
      p99_ms: r.latency_ms.p99,
      server_cpu_us_per_req: r.server_cpu_us_per_req,
      other_processes_cpu_utilisation: r.other_processes_cpu_utilisation,
      others_busy_before: r.others_busy_before,
    })),
  };
}

/** Builds the store through the real ingestion path, as the ingest benchmark's (b) run does. */
async function buildStore(sz, spec) {
  const dir = tempDir();
  await waitQuiet();
  const server = await startServer(dir).catch((error) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  log(`activity store: ingesting ${spec.n} events over ${spec.users} users through POST /v1/events`);
  const build = await runLoad({
    mode: 'batch',
    url: `${server.url}/v1/events`,
    key: server.ingestKey,
    pid: server.pid,
    n: spec.n,
    batch: sz.batch,
    connections: sz.buildConnections,
    spec,
  });
  await server.stop();
  if (build.non_2xx > 0 || build.errors > 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `store build failed: ${build.non_2xx} non-2xx (${JSON.stringify(build.statuses)})\n${server.output()}`,
    );
  }
  const eventsPerS = round(spec.n / build.seconds, 0);
  log(`activity store: ${eventsPerS} events/s while building`);
  return { dir, env: server.env, spec, events: spec.n, events_per_s: eventsPerS };
}

/** `store`: the ingest benchmark's (b) store of the same rows; without it the store is built here. */
export async function activityBench({ store: given } = {}) {
  const sz = ACTIVITY_SIZES;
  const started = Date.now();
  const store = given ?? (await buildStore(sz, rowsSpec()));
  const spec = makeSpec(store.spec);
  const dir = store.dir;
  let server;
  try {
    // A fresh server process on the built store serves the reads (so its CPU, memory and profile are the reads').
    await waitQuiet();
    server = await startServer(dir, {}, store.env);
    const baseline = await startBaseline(server.dbPath);
    try {
      const tokens = await mintTokens(server.widgetSecret, spec, sz.tokens);
      const check = await crossCheck(server.url, baseline.url, tokens);
      log(
        `cross-check: ${check.items_per_reply} items per reply, ${check.receipts_reply_bytes} B (receipts) vs ${check.baseline_reply_bytes} B (baseline)`,
      );
      const rr = [];
      const br = [];
      log(
        `reads: ${sz.rounds} alternating rounds of ${sz.seconds / sz.rounds}s per server at ${sz.connections} connections`,
      );
      for (let i = 0; i < sz.rounds; i++) {
        rr.push(
          await measureRound(
            `receipts #${i + 1}`,
            server.url,
            server.pid,
            tokens,
            sz,
            i === 0 ? sz.warmup : 0,
          ),
        );
        br.push(
          await measureRound(
            `baseline #${i + 1}`,
            baseline.url,
            baseline.pid,
            tokens,
            sz,
            i === 0 ? sz.warmup : 0,
          ),
        );
      }
      const receipts = combine(rr);
      receipts.server_rss_mb_at_end = memory(server.pid).rss_mb;
      const base = combine(br);
      const ratio = receipts.req_per_s / base.req_per_s;
      return {
        name: 'activity',
        quick: QUICK,
        date: new Date().toISOString(),
        machine: machine(),
        duration_s: Math.round((Date.now() - started) / 1000),
        setup: {
          store:
            `${spec.n} events over ${spec.users} users (70% of events from the ${heavyUsers(spec)} most active), ingested through ` +
            `POST /v1/events in ${sz.batch}-event batches (${store.events_per_s} events/s)` +
            (given ? " — the store of the ingest benchmark's (b) run" : ''),
          request:
            `GET ${PATH} with HS256 widget tokens for ${tokens.length} random users of the most active 10% ` +
            `(round robin), ${sz.connections} connections, ${sz.seconds}s per server in ${sz.rounds} alternating rounds after ` +
            `${sz.warmup}s warm-up, autocannon in a separate process`,
          baseline:
            'bench/baseline-activity.js: bare node:http, one prepared statement (events ⟕ personal_data, subject by ' +
            'user id, ORDER BY ts DESC LIMIT 50), JSON.stringify of the rows; token payload read without verification',
          server:
            'node dist/server/cli.js serve restarted on the built store, NODE_ENV=production, LOG_LEVEL=warning, rate limits at their maximum',
        },
        store: {
          events: spec.n,
          users: spec.users,
          build_events_per_s: store.events_per_s,
          from_ingest_run: Boolean(given),
        },
        check,
        results: { receipts, baseline: base },
        ratios: {
          receipts_over_baseline: round(ratio, 3),
          cpu_per_request_baseline_over_receipts: round(
            base.server_cpu_us_per_req / receipts.server_cpu_us_per_req,
            3,
          ),
        },
        aims: { receipts_over_baseline: { aim: 0.85, met: ratio >= 0.85 } },
      };
    } finally {
      await baseline.stop();
      await server.stop();
    }
  } finally {
    // A store handed over by the ingest part belongs to the run, which removes it at the end.
    if (!given) rmSync(dir, { recursive: true, force: true });
  }
}
