// Receipts on PostgreSQL, beside baselines measured on the same cluster in the same run:
//  (a') raw `pg`, hash chain, events + personal_data in multi-row INSERTs of 500 per transaction — the ceiling
//  (b') POST /v1/events in 500-event batches through one server, and through two servers on one database
//  (c') single-event POSTs from 64 connections through one server
//  (d') raw `pg`, one committed INSERT per event from 64 connections — per-event durability, no batching
//  activity reads on the (b') one-server database against bench/baseline-activity-pg.js
// The cluster is BENCH_PG (a superuser URL) or a throwaway one started here (bench/pg-cluster.js).

import { rmSync } from 'node:fs';
import os from 'node:os';
import { combine, crossCheck, measureRound, mintTokens } from './activity.js';
import { heavyUsers, makeSpec } from './data.js';
import { batchRunWithPause, growthCurve, readsNow } from './growth.js';
import {
  log,
  machine,
  memory,
  QUICK,
  round,
  runLoad,
  runRaw,
  serverMetrics,
  startBaseline,
  startServer,
  systemCpu,
  tempDir,
  waitQuiet,
} from './lib.js';
import { clusterSettings, countRows, freshDatabase, startCluster } from './pg-cluster.js';

export const POSTGRES_SIZES = QUICK
  ? {
      n: 5_000,
      users: 500,
      nTwo: 5_000,
      slice: 1_000,
      readsAt: 1_000,
      batch: 500,
      batchConnections: 4,
      nSingleRow: 2_000,
      singleConnections: 64,
      singleSeconds: 3,
      singleWarmup: 1,
      readConnections: 32,
      readSeconds: 4,
      readRounds: 2,
      readWarmup: 1,
      tokens: 50,
    }
  : {
      // 200k rather than 1M (the growth curve in slices of 20k, reads measured at 100k and at the end), and 30k
      // through two servers: at several hundred events/s on 2 cores the part should take minutes, not an hour.
      n: 200_000,
      users: 20_000,
      nTwo: 30_000,
      slice: 20_000,
      readsAt: 100_000,
      batch: 500,
      batchConnections: 4,
      nSingleRow: 20_000,
      singleConnections: 64,
      singleSeconds: 15,
      singleWarmup: 3,
      readConnections: 32,
      readSeconds: 20,
      readRounds: 2,
      readWarmup: 3,
      tokens: 300,
    };

const loadavg = () => os.loadavg().map((x) => round(x, 2));

/** PostgreSQL's CPU over a step (cluster started here only), and what the rest of the machine used besides it. */
function pgShare(pgCpu0, pgCpu1, seconds, othersUtilisation) {
  if (pgCpu0 === null || pgCpu1 === null) return {};
  const util = round((pgCpu1 - pgCpu0) / seconds, 2);
  return {
    postgres_cpu_utilisation: util,
    ...(othersUtilisation === undefined
      ? {}
      : { other_processes_cpu_utilisation: round(Math.max(0, othersUtilisation - util), 2) }),
  };
}

async function rawStep(cluster, mode, sz, spec) {
  const db = await freshDatabase(cluster.url, `raw_${mode}`);
  try {
    const quiet = await waitQuiet();
    const load0 = loadavg();
    const pg0 = cluster.cpuSeconds();
    const r = await runRaw(
      mode === 'batch'
        ? { mode, url: db.ownerUrl, n: sz.n, spec, perTx: sz.batch, slice: sz.slice }
        : { mode, url: db.ownerUrl, n: sz.nSingleRow, spec, connections: sz.singleConnections },
      'raw-pg.js',
    );
    const pg1 = cluster.cpuSeconds();
    const pgCpu = pg0 === null ? null : pg1 - pg0;
    return {
      events: r.rows,
      personal_data_rows: r.personal_rows,
      rows_per_tx: r.rows_per_tx,
      connections: r.connections,
      events_per_s: round(r.events_per_s, 0),
      seconds: round(r.seconds, 2),
      client_cpu_us_per_row: r.client_cpu_us_per_row,
      ...(r.marks ? { growth: growthCurve(r.marks, sz.slice) } : {}),
      ...(pgCpu === null
        ? {}
        : {
            postgres_cpu_us_per_row: round((pgCpu / r.rows) * 1e6, 1),
            postgres_cpu_utilisation: round(pgCpu / r.wall_seconds, 2),
            other_processes_cpu_utilisation: round(
              Math.max(0, r.cpu_seconds_besides_client - pgCpu) / r.wall_seconds,
              2,
            ),
          }),
      others_busy_before: quiet,
      load_average_before: load0,
    };
  } finally {
    await db.drop();
  }
}

function serverPgEnv(dir, db) {
  return { RECEIPTS_DB: db.url, RECEIPTS_DB_OWNER: db.ownerUrl, RECEIPTS_DATA_DIR: dir };
}

function batchFigures(r, events, seconds, m0, m1) {
  return {
    server_cpu_us_per_event: round((r.server_cpu_seconds / events) * 1e6, 1),
    server_cpu_utilisation: round(r.server_cpu_seconds / seconds, 2),
    batch_latency_ms: r.latency_ms,
    group_commits: m1.group_commits == null ? null : m1.group_commits - m0.group_commits,
    server_peak_rss_mb: r.peak_rss_mb,
    load_generator_cpu_utilisation: r.load_generator_cpu_utilisation,
  };
}

function checkBatches(label, r, n, batch, server) {
  const batches = Math.ceil(n / batch);
  if (r.non_2xx > 0 || r.ok < batches * 0.99)
    throw new Error(
      `${label}: ${r.ok}/${batches} batches accepted, statuses ${JSON.stringify(r.statuses)}, ${r.errors} errors ${JSON.stringify(r.error_samples ?? [])}\n${server.output()}`,
    );
}

/** (b') through one server; the database and the server's environment are kept for the activity reads. */
async function httpBatchOne(cluster, sz, spec) {
  const db = await freshDatabase(cluster.url, 'b1');
  const dir = tempDir();
  try {
    const quiet = await waitQuiet();
    const server = await startServer(dir, serverPgEnv(dir, db));
    log(`(b') one server: ${sz.n} events in ${sz.batch}-event batches, ${sz.batchConnections} connections`);
    const load0 = loadavg();
    const m0 = await serverMetrics(server.url);
    let pgPaused = 0;
    const pg0 = cluster.cpuSeconds();
    const { load: r, paused: readsMidway } = await batchRunWithPause({
      server,
      spec,
      n: sz.n,
      batch: sz.batch,
      connections: sz.batchConnections,
      slice: sz.slice,
      pauseAt: sz.readsAt,
      sampleEvery: QUICK ? 2000 : 10_000,
      atPause: async () => {
        const p0 = cluster.cpuSeconds();
        log(`(b') paused at ${sz.readsAt} events: activity reads`);
        const reads = await readsNow({
          server,
          target: db.url,
          baselineScript: 'baseline-activity-pg.js',
          spec,
          sz: {
            connections: sz.readConnections,
            seconds: sz.readSeconds / 2,
            rounds: sz.readRounds,
            warmup: sz.readWarmup,
            tokens: sz.tokens,
          },
          label: `reads at ${sz.readsAt} events`,
        });
        if (p0 !== null) pgPaused = cluster.cpuSeconds() - p0;
        return reads;
      },
    });
    const pg1 = cluster.cpuSeconds() - pgPaused;
    const m1 = await serverMetrics(server.url);
    const code = await server.stop();
    checkBatches("(b')", r, sz.n, sz.batch, server);
    const events = Math.min(sz.n, r.events_sent);
    const growth = growthCurve(r.event_marks, sz.slice, r.rss_events);
    const firstTwo = r.event_marks.find(([e]) => e >= sz.nTwo);
    const result = {
      events,
      stored_events: await countRows(db.ownerUrl, 'events'),
      seconds: r.seconds,
      events_per_s: round(events / r.seconds, 0),
      [`first_${sz.nTwo}_events_per_s`]: firstTwo ? round(firstTwo[0] / firstTwo[1], 0) : null,
      growth,
      ...(readsMidway ? { reads_midway: { events: sz.readsAt, ...readsMidway } } : {}),
      rss_timeline: r.rss_events.map(([t, e, rss]) => ({ seconds: t, events: e, rss_mb: rss })),
      ...batchFigures(r, events, r.seconds, m0, m1),
      server_exit: code,
      ...pgShare(pg0, pg1, r.seconds, r.other_processes_cpu_utilisation),
      others_busy_before: quiet,
      load_average_before: load0,
    };
    log(`(b') one server: ${result.events_per_s} events/s`);
    return { result, store: { db, dir, env: server.env } };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
    throw error;
  }
}

/** (b') through two servers on one database, the load generator's connections split between them. */
async function httpBatchTwo(cluster, sz, spec) {
  const db = await freshDatabase(cluster.url, 'b2');
  const dir = tempDir();
  const servers = [];
  try {
    const quiet = await waitQuiet();
    // The first applies the migrations; the second starts on the migrated schema with the same keys and pepper.
    servers.push(await startServer(dir, serverPgEnv(dir, db)));
    servers.push(await startServer(dir, {}, servers[0].env));
    const half = sz.nTwo / 2;
    const connections = sz.batchConnections / 2;
    log(
      `(b') two servers: ${half} events each in ${sz.batch}-event batches, ${connections} connections each`,
    );
    const load0 = loadavg();
    const m0 = await Promise.all(servers.map((s) => serverMetrics(s.url)));
    const pg0 = cluster.cpuSeconds();
    const sys0 = systemCpu();
    const t0 = process.hrtime.bigint();
    // Both halves send events [0, n/2) of the set: events carry no key that makes a repeat a duplicate.
    const rs = await Promise.all(
      servers.map((s) =>
        runLoad({
          mode: 'batch',
          url: `${s.url}/v1/events`,
          key: s.ingestKey,
          pid: s.pid,
          n: half,
          batch: sz.batch,
          connections,
          spec,
        }),
      ),
    );
    const seconds = round(Number(process.hrtime.bigint() - t0) / 1e9, 2);
    const sys1 = systemCpu();
    const pg1 = cluster.cpuSeconds();
    const m1 = await Promise.all(servers.map((s) => serverMetrics(s.url)));
    const codes = [];
    for (const s of servers) codes.push(await s.stop());
    rs.forEach((r, i) => {
      checkBatches(`(b') server ${i + 1}`, r, half, sz.batch, servers[i]);
    });
    const per = rs.map((r, i) => {
      const events = Math.min(half, r.ok * sz.batch);
      return {
        events,
        seconds: r.seconds,
        events_per_s: round(events / r.seconds, 0),
        ...batchFigures(r, events, r.seconds, m0[i], m1[i]),
        server_exit: codes[i],
      };
    });
    const events = per.reduce((a, p) => a + p.events, 0);
    // The machine's CPU besides both servers and both load generators (pgShare then takes PostgreSQL's out).
    const serverCpu = rs.reduce((a, r) => a + r.server_cpu_seconds, 0);
    const loadCpu = rs.reduce((a, r) => a + r.load_generator_cpu_utilisation * r.seconds, 0);
    const others = Math.max(0, sys1.busy - sys0.busy - serverCpu - loadCpu) / seconds;
    const result = {
      events,
      stored_events: await countRows(db.ownerUrl, 'events'),
      seconds,
      events_per_s: round(events / seconds, 0),
      servers_cpu_utilisation: round(serverCpu / seconds, 2),
      servers_cpu_us_per_event: round((serverCpu / events) * 1e6, 1),
      load_generators_cpu_utilisation: round(loadCpu / seconds, 2),
      ...pgShare(pg0, pg1, seconds, others),
      others_busy_before: quiet,
      load_average_before: load0,
      per_server: per,
    };
    log(`(b') two servers: ${result.events_per_s} events/s`);
    return result;
  } finally {
    for (const s of servers) await s.stop();
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  }
}

async function httpSingle(cluster, sz, spec) {
  const db = await freshDatabase(cluster.url, 'c');
  const dir = tempDir();
  try {
    const server = await startServer(dir, serverPgEnv(dir, db));
    const common = {
      mode: 'single',
      url: `${server.url}/v1/events`,
      key: server.ingestKey,
      connections: sz.singleConnections,
      spec,
    };
    log(
      `(c') single-event POSTs: warm-up ${sz.singleWarmup}s, then ${sz.singleSeconds}s at ${sz.singleConnections} connections`,
    );
    await runLoad({ ...common, duration: sz.singleWarmup, from: 0 });
    const quiet = await waitQuiet(QUICK ? 2 : 20);
    const load0 = loadavg();
    const m0 = await serverMetrics(server.url);
    const pg0 = cluster.cpuSeconds();
    const r = await runLoad({ ...common, duration: sz.singleSeconds, from: 500_000, pid: server.pid });
    const pg1 = cluster.cpuSeconds();
    const m1 = await serverMetrics(server.url);
    const code = await server.stop();
    if (r.non_2xx > 0 || r.errors > r.ok * 0.01)
      throw new Error(
        `(c'): statuses ${JSON.stringify(r.statuses)}, ${r.errors} errors ${JSON.stringify(r.error_samples ?? [])}\n${server.output()}`,
      );
    const commits = m1.group_commits == null ? null : m1.group_commits - m0.group_commits;
    const result = {
      events: r.ok,
      seconds: r.seconds,
      events_per_s: round(r.ok / r.seconds, 0),
      latency_ms: r.latency_ms,
      server_cpu_us_per_event: r.server_cpu_us_per_req,
      server_cpu_utilisation: r.server_cpu_utilisation,
      group_commits: commits,
      events_per_group_commit: commits ? round(r.ok / commits, 1) : null,
      errors: r.errors,
      server_peak_rss_mb: r.peak_rss_mb,
      server_exit: code,
      load_generator_cpu_utilisation: r.load_generator_cpu_utilisation,
      ...pgShare(pg0, pg1, r.seconds, r.other_processes_cpu_utilisation),
      others_busy_before: quiet,
      load_average_before: load0,
    };
    log(`(c'): ${result.events_per_s} events/s, p50 ${r.latency_ms.p50} ms, p99 ${r.latency_ms.p99} ms`);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  }
}

/** GET /v1/me/activity?limit=50 on the (b') database, alternating with the bare node:http + pg baseline. */
async function activityReads(store, sz, spec) {
  await waitQuiet();
  const server = await startServer(store.dir, {}, store.env);
  const baseline = await startBaseline(store.db.url, 'baseline-activity-pg.js');
  try {
    const tokens = await mintTokens(server.widgetSecret, spec, sz.tokens);
    const check = await crossCheck(server.url, baseline.url, tokens);
    log(
      `cross-check: ${check.items_per_reply} items per reply, ${check.receipts_reply_bytes} B (receipts) vs ${check.baseline_reply_bytes} B (baseline)`,
    );
    const rsz = {
      connections: sz.readConnections,
      seconds: sz.readSeconds,
      rounds: sz.readRounds,
    };
    const load0 = loadavg();
    const rr = [];
    const br = [];
    for (let i = 0; i < sz.readRounds; i++) {
      const warmup = i === 0 ? sz.readWarmup : 0;
      rr.push(await measureRound(`receipts #${i + 1}`, server.url, server.pid, tokens, rsz, warmup));
      br.push(await measureRound(`baseline #${i + 1}`, baseline.url, baseline.pid, tokens, rsz, warmup));
    }
    const receipts = combine(rr);
    receipts.server_rss_mb_at_end = memory(server.pid).rss_mb;
    const base = combine(br);
    return {
      tokens: tokens.length,
      check,
      load_average_before: load0,
      receipts,
      baseline: base,
    };
  } finally {
    await baseline.stop();
    await server.stop();
  }
}

export async function postgresBench({ onStep = () => {} } = {}) {
  const sz = POSTGRES_SIZES;
  const spec = makeSpec({ n: sz.n, users: sz.users, now: Date.now() - 60_000 });
  const started = Date.now();
  const loadAtStart = loadavg();
  const done = {};
  const step = (name, value) => {
    done[name] = value;
    onStep({
      name: 'postgres',
      partial: true,
      date: new Date().toISOString(),
      machine: machine(),
      results: done,
    });
    return value;
  };
  const cluster = await startCluster();
  let store;
  try {
    const settings = await clusterSettings(cluster.url);
    log(
      `PostgreSQL ${settings.server_version} (${cluster.own ? 'throwaway cluster' : 'BENCH_PG'}), fsync=${settings.fsync}`,
    );
    log(`(a') raw pg: ${sz.n} events, ${sz.batch} per transaction`);
    const a = step('a_raw_batch', await rawStep(cluster, 'batch', sz, spec));
    log(`(a'): ${a.events_per_s} events/s`);
    log(
      `(d') raw pg: ${sz.nSingleRow} events, one committed INSERT each, ${sz.singleConnections} connections`,
    );
    const d = step('d_raw_single_64', await rawStep(cluster, 'single', sz, spec));
    log(`(d'): ${d.events_per_s} events/s`);
    const one = await httpBatchOne(cluster, sz, spec);
    store = one.store;
    const b = step('b_http_batch_one_server', one.result);
    const b2 = step('b_http_batch_two_servers', await httpBatchTwo(cluster, sz, spec));
    const c = step('c_http_single_64', await httpSingle(cluster, sz, spec));
    log(
      `activity reads: ${sz.readRounds} alternating rounds of ${sz.readSeconds / sz.readRounds}s per server`,
    );
    const reads = step('activity', await activityReads(store, sz, spec));
    const readRatio = reads.receipts.req_per_s / reads.baseline.req_per_s;
    return {
      name: 'postgres',
      quick: QUICK,
      date: new Date().toISOString(),
      machine: { ...machine(), load_average_at_start: loadAtStart },
      duration_s: Math.round((Date.now() - started) / 1000),
      postgres: { cluster: cluster.own ? 'throwaway, started by the benchmark' : 'BENCH_PG', settings },
      rows: { events: sz.n, users: sz.users, active_users: heavyUsers(spec), active_share: 0.7 },
      setup: {
        rows:
          `${sz.n} generated events over ${sz.users} users, 70% of them from the ${heavyUsers(spec)} most active (bench/data.js), ` +
          'the same rows by index in every run',
        a:
          `raw pg, tables shaped like events and personal_data (same columns and indexes), SHA-256 chain over canonical JSON ` +
          `computed per row, events and personal_data rows in multi-row INSERTs of ${sz.batch} per transaction, COMMIT; ` +
          'no subjects, sessions, devices or Merkle tree',
        b:
          `POST /v1/events, ${sz.batch}-event batches, ${sz.batchConnections} connections (autocannon in a separate process), fresh ` +
          `database, alert rules on, paused at ${sz.readsAt} events for the activity read; then two servers on one fresh database, ` +
          `${sz.batchConnections / 2} connections each, each sent events [0, ${sz.nTwo / 2}) of the set`,
        c: `POST /v1/events, one event per request, ${sz.singleConnections} connections, ${sz.singleSeconds}s after ${sz.singleWarmup}s warm-up, fresh database`,
        d:
          `as (a') with one event per statement (a writable CTE inserting both rows), each committed on its own, from ` +
          `${sz.singleConnections} connections at once; the chain computed in the client in seq order`,
        activity:
          `GET /v1/me/activity?limit=50 on the (b') one-server database, HS256 widget tokens for ${reads.tokens} random users of ` +
          `the most active 10%, ${sz.readConnections} connections, ${sz.readSeconds}s per server in ${sz.readRounds} alternating rounds; ` +
          'baseline bench/baseline-activity-pg.js: bare node:http, pg pool of 10, the SQLite baseline’s query, JSON.stringify',
        server:
          'node dist/server/cli.js serve, RECEIPTS_DB = runtime role, RECEIPTS_DB_OWNER = owner role (start-up migrates), ' +
          'NODE_ENV=production, LOG_LEVEL=warning, rate limits at their maximum, default pool of 10',
      },
      limits_two_servers:
        `${os.cpus().length} cores carry both servers, PostgreSQL and the load generators: when one server already keeps the ` +
        'CPU busy, a second server adds no CPU to spend, only contention (in this run others used ' +
        `${b2.other_processes_cpu_utilisation ?? '?'} cores besides). Every write transaction takes one advisory lock (the chain ` +
        'lock) at BEGIN and holds it until COMMIT, so the two servers’ batches are written one after the other, each ' +
        'waiting for the other’s commit (fsync); a second server can overlap only the work outside the transaction ' +
        '(HTTP, parsing, validation).',
      results: {
        a_raw_batch: a,
        b_http_batch_one_server: b,
        b_http_batch_two_servers: b2,
        c_http_single_64: c,
        d_raw_single_64: d,
        activity: reads,
      },
      ratios: {
        b_over_a: round(b.events_per_s / a.events_per_s, 3),
        // Against the one server's rate over as many events, on a store of the same size.
        two_servers_over_one: round(
          b2.events_per_s / (b[`first_${sz.nTwo}_events_per_s`] ?? b.events_per_s),
          3,
        ),
        b_last_over_first_slice: b.growth.last_over_first,
        a_last_over_first_slice: a.growth?.last_over_first ?? null,
        two_servers_over_a: round(b2.events_per_s / a.events_per_s, 3),
        c_over_d: round(c.events_per_s / d.events_per_s, 3),
        activity_receipts_over_baseline: round(readRatio, 3),
        activity_cpu_per_request_baseline_over_receipts: round(
          reads.baseline.server_cpu_us_per_req / reads.receipts.server_cpu_us_per_req,
          3,
        ),
      },
    };
  } finally {
    if (store) {
      rmSync(store.dir, { recursive: true, force: true });
      await store.db.drop().catch(() => {});
    }
    await cluster.stop();
  }
}
