// How the cost grows with the store: a batch ingest run measured per slice of events, paused once part way to
// measure the activity read against its baseline on the store as it is then. Used by the SQLite (b) run and
// the PostgreSQL (b') run alike.
import { combine, crossCheck, measureRound, mintTokens } from './activity.js';
import { makeSpec } from './data.js';
import { log, memory, round, runLoad, startBaseline } from './lib.js';

/**
 * Ingest events [0, n) in `batch`-event requests, marking every `slice` events; after `pauseAt` events, run
 * `atPause()` (the ingest load is stopped meanwhile, so the reads have the machine to themselves).
 * Returns the load result of the whole run, as one `runLoad` would, with cumulative marks in events.
 */
export async function batchRunWithPause({
  server,
  spec,
  n,
  batch,
  connections,
  slice,
  pauseAt,
  atPause,
  sampleEvery,
}) {
  const common = {
    mode: 'batch',
    url: `${server.url}/v1/events`,
    key: server.ingestKey,
    pid: server.pid,
    batch,
    connections,
    spec,
    markEvery: Math.max(1, Math.round(slice / batch)),
    sampleEvery,
  };
  const cut = pauseAt && pauseAt < n ? pauseAt : n;
  const first = await runLoad({ ...common, n: cut });
  const paused = cut < n && atPause ? await atPause() : null;
  const second = cut < n ? await runLoad({ ...common, n, from: cut }) : null;
  return { load: joinRuns(first, second, batch, cut), paused };
}

/** Two consecutive batch runs as one: counts and CPU summed, marks and RSS samples on one time line. */
function joinRuns(a, b, batch, cut) {
  const marks = (r, events0, t0) =>
    (r.marks ?? []).map(([batches, t]) => [events0 + batches * batch, t0 + t]);
  const rss = (r, events0, t0) =>
    (r.rss_timeline ?? []).map(([t, batches, mb]) => [round(t0 + t, 1), events0 + batches * batch, mb]);
  if (!b) return { ...a, event_marks: marks(a, 0, 0), rss_events: rss(a, 0, 0) };
  const seconds = a.seconds + b.seconds;
  const weighted = (f) => round((a[f] * a.seconds + b[f] * b.seconds) / seconds, 2);
  return {
    ...b,
    requests: a.requests + b.requests,
    ok: a.ok + b.ok,
    non_2xx: a.non_2xx + b.non_2xx,
    errors: a.errors + b.errors,
    timeouts: a.timeouts + b.timeouts,
    seconds: round(seconds, 2),
    statuses: mergeCounts(a.statuses, b.statuses),
    ...(a.error_samples || b.error_samples
      ? { error_samples: [...(a.error_samples ?? []), ...(b.error_samples ?? [])].slice(0, 5) }
      : {}),
    // The latency of the longer, later part (most of the run); the first part's is kept beside it.
    latency_ms: b.latency_ms,
    latency_ms_before_pause: a.latency_ms,
    server_cpu_seconds: round(a.server_cpu_seconds + b.server_cpu_seconds, 2),
    server_cpu_utilisation: round((a.server_cpu_seconds + b.server_cpu_seconds) / seconds, 2),
    server_write_bytes: a.server_write_bytes + b.server_write_bytes,
    load_generator_cpu_utilisation: weighted('load_generator_cpu_utilisation'),
    other_processes_cpu_utilisation: weighted('other_processes_cpu_utilisation'),
    peak_rss_mb: Math.max(a.peak_rss_mb, b.peak_rss_mb),
    event_marks: [...marks(a, 0, 0), ...marks(b, cut, a.seconds)],
    rss_events: [...rss(a, 0, 0), ...rss(b, cut, a.seconds)],
    events_sent: (a.events_sent ?? 0) + (b.events_sent ?? 0),
  };
}

function mergeCounts(x = {}, y = {}) {
  const out = { ...x };
  for (const [k, v] of Object.entries(y)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/**
 * Events/s per slice from cumulative [events, seconds] marks, the server's peak RSS in each slice, and the
 * last slice's rate over the first's (the growth aim is ≥ 0.8).
 */
export function growthCurve(eventMarks, slice, rssEvents = []) {
  const slices = [];
  let prev = [0, 0];
  for (const [events, seconds] of eventMarks) {
    if (events - prev[0] < slice * 0.5) continue;
    const inSlice = rssEvents.filter(([, e]) => e > prev[0] && e <= events).map(([, , mb]) => mb);
    slices.push({
      events_from: prev[0],
      events_to: events,
      events_per_s: round((events - prev[0]) / (seconds - prev[1]), 0),
      ...(inSlice.length > 0 ? { peak_rss_mb: Math.max(...inSlice) } : {}),
    });
    prev = [events, seconds];
  }
  const firstRate = slices[0]?.events_per_s;
  const lastRate = slices[slices.length - 1]?.events_per_s;
  return {
    slice_events: slice,
    slices,
    last_over_first: slices.length > 1 ? round(lastRate / firstRate, 3) : null,
  };
}

/**
 * The activity read on the server as it is, against the baseline script on the same store (SQLite file or
 * PostgreSQL URL), in alternating rounds: req/s, p50 and p99 of both, and their ratio.
 */
export async function readsNow({ server, target, baselineScript, spec, sz, label }) {
  const baseline = await startBaseline(target, baselineScript);
  try {
    // Part way through, some of the chosen users have no events yet (Receipts knows no such subject): read
    // only users that have some, on both servers alike.
    const minted = await mintTokens(server.widgetSecret, makeSpec(spec), sz.tokens);
    const tokens = [];
    for (const t of minted) {
      const res = await fetch(`${server.url}/v1/me/activity?limit=1`, {
        headers: { authorization: `Bearer ${t}` },
      });
      const body = res.status === 200 ? await res.json() : null;
      if (body?.items?.length > 0) tokens.push(t);
    }
    if (tokens.length === 0) throw new Error(`${label}: no user with events to read`);
    await crossCheck(server.url, baseline.url, tokens);
    const rsz = { connections: sz.connections, seconds: sz.seconds, rounds: sz.rounds };
    const rr = [];
    const br = [];
    for (let i = 0; i < sz.rounds; i++) {
      const warmup = i === 0 ? sz.warmup : 0;
      rr.push(await measureRound(`${label} receipts #${i + 1}`, server.url, server.pid, tokens, rsz, warmup));
      br.push(
        await measureRound(`${label} baseline #${i + 1}`, baseline.url, baseline.pid, tokens, rsz, warmup),
      );
    }
    const receipts = combine(rr);
    const base = combine(br);
    log(`${label}: receipts/baseline ${round(receipts.req_per_s / base.req_per_s, 2)}`);
    return {
      tokens: tokens.length,
      receipts: pick(receipts),
      baseline: pick(base),
      receipts_over_baseline: round(receipts.req_per_s / base.req_per_s, 3),
      server_rss_mb: memory(server.pid).rss_mb,
    };
  } finally {
    await baseline.stop();
  }
}

const pick = (r) => ({
  req_per_s: r.req_per_s,
  p50_ms: r.latency_ms.p50,
  p99_ms: r.latency_ms.p99,
  server_cpu_us_per_req: r.server_cpu_us_per_req,
  other_processes_cpu_utilisation: r.other_processes_cpu_utilisation,
});
