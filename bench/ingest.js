// Issue 2's benchmark: ingestion throughput on the same generated rows, in one run.
//  (a) raw better-sqlite3, 1000 rows per transaction, SHA-256 chain, WAL, synchronous=FULL — the ceiling
//  (b) HTTP batch ingest, 1000-event batches, into the real server (alert rules on, and a run with them off)
//  (c) single-event POSTs from 64 concurrent connections (group commit)
//  (d) raw better-sqlite3, one row per synchronous=FULL transaction — durability without group commit
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { batchRunWithPause, growthCurve, readsNow } from './growth.js';
import {
  log,
  machine,
  QUICK,
  ROWS,
  round,
  rowsSpec,
  runLoad,
  runRaw,
  serverMetrics,
  startServer,
  tempDir,
  waitQuiet,
} from './lib.js';

// n and users come from the shared row set (ROWS). nRulesOff: the rules-off run ingests this many events; it
// is compared with the rules-on run's rate over its first nRulesOff events (same rows, same store size).
export const INGEST_SIZES = QUICK
  ? {
      ...ROWS,
      nRulesOff: 10_000,
      batch: 1000,
      batchConnections: 4,
      singleSeconds: 4,
      singleWarmup: 1,
      singleConnections: 64,
      nSingleRow: 500,
      slice: 4_000,
      reads: { connections: 32, seconds: 4, rounds: 2, warmup: 1, tokens: 100 },
    }
  : {
      ...ROWS,
      nRulesOff: 200_000,
      batch: 1000,
      batchConnections: 4,
      singleSeconds: 20,
      singleWarmup: 3,
      singleConnections: 64,
      nSingleRow: 5_000,
      // The growth curve: the (b) run's rate per slice, and the activity read measured once the first slice is in.
      slice: 100_000,
      reads: { connections: 32, seconds: 10, rounds: 2, warmup: 2, tokens: 300 },
    };

function countEvents(dbPath) {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT count(*) AS c FROM events').get().c;
  } finally {
    db.close();
  }
}

async function httpBatch(sz, spec, n, extraEnv, label, { keep = false, reads = false } = {}) {
  const dir = tempDir();
  let kept = false;
  try {
    const quiet = await waitQuiet();
    const server = await startServer(dir, extraEnv);
    log(`${label}: ${n} events in ${sz.batch}-event batches, ${sz.batchConnections} connections`);
    const m0 = await serverMetrics(server.url);
    // The main run pauses after its first slice to measure the activity read on a store of that size.
    let m0b = null;
    const { load: r, paused: readsAtFirstSlice } = await batchRunWithPause({
      server,
      spec,
      n,
      batch: sz.batch,
      connections: sz.batchConnections,
      slice: sz.slice,
      pauseAt: reads ? sz.slice : null,
      sampleEvery: QUICK ? 2000 : 10_000,
      atPause: async () => {
        const m = await serverMetrics(server.url);
        const reads = await readsNow({
          server,
          target: server.dbPath,
          spec,
          sz: sz.reads,
          label: `reads at ${sz.slice} events`,
        });
        m0b = { before: m, after: await serverMetrics(server.url) };
        return reads;
      },
    });
    const m1 = await serverMetrics(server.url);
    // Group commits made by the reads' own writes (none expected) are not the ingest's.
    const pauseCommits = m0b ? m0b.after.group_commits - m0b.before.group_commits : 0;
    const code = await server.stop();
    // A socket error loses one batch; a run with more than 1% of its batches lost is not a measurement.
    const batches = Math.ceil(n / sz.batch);
    if (r.non_2xx > 0 || r.ok < batches * 0.99)
      throw new Error(
        `${label}: ${r.ok}/${batches} batches accepted, statuses ${JSON.stringify(r.statuses)}, ${r.errors} errors ${JSON.stringify(r.error_samples ?? [])}\n${server.output()}`,
      );
    const stored = countEvents(server.dbPath);
    const events = Math.min(n, r.events_sent);
    const growth = growthCurve(r.event_marks, sz.slice, r.rss_events);
    const firstRulesOff = r.event_marks.find(([e]) => e >= sz.nRulesOff);
    const result = {
      events,
      stored_events: stored,
      seconds: r.seconds,
      events_per_s: round(events / r.seconds, 0),
      [`first_${sz.nRulesOff}_events_per_s`]: firstRulesOff
        ? round(firstRulesOff[0] / firstRulesOff[1], 0)
        : null,
      batches_per_s: r.req_per_s,
      failed_batches: batches - r.ok,
      ...(r.error_samples ? { error_samples: r.error_samples } : {}),
      batch_latency_ms: r.latency_ms,
      server_cpu_us_per_event: round((r.server_cpu_seconds / events) * 1e6, 1),
      server_cpu_utilisation: r.server_cpu_utilisation,
      storage_kb_per_event: round(r.server_write_bytes / events / 1024, 2),
      group_commits: m1.group_commits - m0.group_commits - pauseCommits,
      events_per_group_commit: round(events / (m1.group_commits - m0.group_commits - pauseCommits), 1),
      server_peak_rss_mb: r.peak_rss_mb,
      server_rss_mb_at_end: r.rss_mb,
      server_heap_used_mb_at_end: m1.heap_used_mb,
      server_exit: code,
      load_generator_cpu_utilisation: r.load_generator_cpu_utilisation,
      other_processes_cpu_utilisation: r.other_processes_cpu_utilisation,
      others_busy_before: quiet,
      growth,
      ...(readsAtFirstSlice ? { reads_at_first_slice: { events: sz.slice, ...readsAtFirstSlice } } : {}),
      rss_timeline: r.rss_events.map(([t, events, rss]) => ({ seconds: t, events, rss_mb: rss })),
    };
    log(
      `${label}: ${result.events_per_s} events/s, peak RSS ${result.server_peak_rss_mb} MB, ${stored} rows stored`,
    );
    if (!keep) return result;
    kept = true;
    return { result, store: { dir, env: server.env, spec, events: n, events_per_s: result.events_per_s } };
  } finally {
    if (!kept) rmSync(dir, { recursive: true, force: true });
  }
}

async function httpSingle(sz, spec) {
  const dir = tempDir();
  try {
    const server = await startServer(dir);
    const common = {
      mode: 'single',
      url: `${server.url}/v1/events`,
      key: server.ingestKey,
      connections: sz.singleConnections,
      spec,
    };
    log(
      `(c) single-event POSTs: warm-up ${sz.singleWarmup}s, then ${sz.singleSeconds}s at ${sz.singleConnections} connections`,
    );
    await runLoad({ ...common, duration: sz.singleWarmup, from: 0 });
    const quiet = await waitQuiet(QUICK ? 2 : 20);
    const m0 = await serverMetrics(server.url);
    const r = await runLoad({ ...common, duration: sz.singleSeconds, from: 500_000, pid: server.pid });
    const m1 = await serverMetrics(server.url);
    const code = await server.stop();
    if (r.non_2xx > 0 || r.errors > r.ok * 0.01)
      throw new Error(
        `(c): statuses ${JSON.stringify(r.statuses)}, ${r.errors} errors ${JSON.stringify(r.error_samples ?? [])}\n${server.output()}`,
      );
    const result = {
      events: r.ok,
      seconds: r.seconds,
      events_per_s: round(r.ok / r.seconds, 0),
      latency_ms: r.latency_ms,
      server_cpu_us_per_event: r.server_cpu_us_per_req,
      storage_kb_per_event: r.ok > 0 ? round(r.server_write_bytes / r.ok / 1024, 2) : null,
      server_cpu_utilisation: r.server_cpu_utilisation,
      group_commits: m1.group_commits - m0.group_commits,
      events_per_group_commit: round(r.ok / (m1.group_commits - m0.group_commits), 1),
      errors: r.errors,
      server_peak_rss_mb: r.peak_rss_mb,
      server_exit: code,
      load_generator_cpu_utilisation: r.load_generator_cpu_utilisation,
      other_processes_cpu_utilisation: r.other_processes_cpu_utilisation,
      others_busy_before: quiet,
    };
    log(
      `(c): ${result.events_per_s} events/s, p50 ${r.latency_ms.p50} ms, p99 ${r.latency_ms.p99} ms, ${result.events_per_group_commit} events per group commit`,
    );
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** With `keepStore`, the (b) run's store is kept and returned for the activity benchmark. */
export async function ingestBench({ keepStore = false, spec = rowsSpec(), onStep = () => {} } = {}) {
  const sz = INGEST_SIZES;
  const done = {};
  const step = (name, value) => {
    done[name] = value;
    onStep({
      name: 'ingest',
      partial: true,
      date: new Date().toISOString(),
      machine: machine(),
      results: done,
    });
    return value;
  };
  const started = Date.now();
  const dir = tempDir();
  let a;
  let d;
  try {
    log(`(a) raw better-sqlite3: ${sz.n} rows, 1000 per transaction`);
    const qa = await waitQuiet();
    a = {
      ...(await runRaw({ mode: 'batch', dir, n: sz.n, spec, slice: sz.slice })),
      others_busy_before: qa,
    };
    log(`(a): ${round(a.events_per_s)} rows/s`);
    step('a_raw_batch', a);
    log(`(d) raw better-sqlite3: ${sz.nSingleRow} rows, one per transaction`);
    const qd = await waitQuiet();
    d = { ...(await runRaw({ mode: 'single', dir, n: sz.nSingleRow, spec })), others_busy_before: qd };
    log(`(d): ${round(d.events_per_s)} rows/s`);
    step('d_raw_single', d);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const main = await httpBatch(sz, spec, sz.n, {}, '(b) HTTP batch, rules on', {
    keep: keepStore,
    reads: true,
  });
  const b = step('b_http_batch', keepStore ? main.result : main);
  let bOff;
  let c;
  try {
    bOff = step(
      'b_http_batch_rules_off',
      await httpBatch(sz, spec, sz.nRulesOff, { RECEIPTS_RULES: 'off' }, '(b) HTTP batch, rules off'),
    );
    c = step('c_http_single_64', await httpSingle(sz, spec));
  } catch (error) {
    if (keepStore) rmSync(main.store.dir, { recursive: true, force: true });
    throw error;
  }

  const ratioBA = b.events_per_s / a.events_per_s;
  const ratioCD = c.events_per_s / d.events_per_s;
  const result = {
    name: 'ingest',
    quick: QUICK,
    date: new Date().toISOString(),
    machine: machine(),
    duration_s: Math.round((Date.now() - started) / 1000),
    rows: { events: sz.n, users: sz.users, active_users: sz.users / 10, active_share: 0.7 },
    setup: {
      rows:
        `${sz.n} generated events over ${sz.users} users, 70% of them from the ${sz.users / 10} most active users; ` +
        'realistic IPs (10% IPv6), 12 user agents, metadata, sessions; the same rows (by index) in every run',
      a:
        'raw better-sqlite3 12, table shaped like events (same columns and indexes), SHA-256 chain over canonical JSON, ' +
        'WAL, synchronous=FULL, 1000 rows per transaction; no personal_data, subjects, sessions or devices',
      b:
        `POST /v1/events, ${sz.batch}-event batches, ${sz.batchConnections} connections (autocannon in a separate process), fresh store; ` +
        `alert rules on (default), then RECEIPTS_RULES=off on a fresh store for the first ${sz.nRulesOff} events, compared with ` +
        `the rules-on run's rate over its first ${sz.nRulesOff}`,
      c: `POST /v1/events, one event per request, ${sz.singleConnections} connections, ${sz.singleSeconds}s after ${sz.singleWarmup}s warm-up, fresh store`,
      d: 'as (a) with one row per transaction',
      server:
        'node dist/server/cli.js serve, NODE_ENV=production, LOG_LEVEL=warning, rate limits at their maximum',
    },
    results: {
      a_raw_batch: {
        events: a.rows,
        events_per_s: round(a.events_per_s, 0),
        seconds: round(a.seconds, 2),
        cpu_us_per_row: a.cpu_us_per_row,
        storage_kb_per_row: a.storage_kb_per_row,
        other_processes_cpu_utilisation: a.other_processes_cpu_utilisation,
        others_busy_before: a.others_busy_before,
        growth: growthCurve(a.marks ?? [], sz.slice),
      },
      b_http_batch: b,
      b_http_batch_rules_off: bOff,
      c_http_single_64: c,
      d_raw_single: {
        events: d.rows,
        events_per_s: round(d.events_per_s, 0),
        seconds: round(d.seconds, 2),
        cpu_us_per_row: d.cpu_us_per_row,
        storage_kb_per_row: d.storage_kb_per_row,
        other_processes_cpu_utilisation: d.other_processes_cpu_utilisation,
        others_busy_before: d.others_busy_before,
      },
    },
    ratios: {
      b_over_a: round(ratioBA, 3),
      c_over_d: round(ratioCD, 3),
      b_rules_off_over_a: round(bOff.events_per_s / a.events_per_s, 3),
      // The growth aim: the last slice's rate over the first's, beside the ceiling's own in the same run.
      b_last_over_first_slice: b.growth.last_over_first,
      a_last_over_first_slice: growthCurve(a.marks ?? [], sz.slice).last_over_first,
      rules_off_over_on_same_events: round(bOff.events_per_s / b[`first_${sz.nRulesOff}_events_per_s`], 3),
      // What each event costs the disk: the server's WAL, checkpoints and logs against the ceiling's WAL and checkpoints.
      b_over_a_storage_per_event: round(b.storage_kb_per_event / a.storage_kb_per_row, 2),
    },
    aims: {
      b_over_a: { aim: 0.6, met: ratioBA >= 0.6 },
      c_over_d: { aim: 1.5, met: ratioCD >= 1.5 },
      b_last_over_first_slice: {
        aim: 0.8,
        value: b.growth.last_over_first,
        met: (b.growth.last_over_first ?? 0) >= 0.8,
      },
      peak_rss_mb: {
        aim: 200,
        value: b.server_peak_rss_mb,
        events: b.events,
        met: b.server_peak_rss_mb < 200,
      },
    },
  };
  return keepStore ? { result, store: main.store } : result;
}
