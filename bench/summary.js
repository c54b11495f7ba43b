// The markdown table for the README, from the results JSON files.

const n = (x) =>
  x === null || x === undefined || Number.isNaN(x) ? '—' : Math.round(x).toLocaleString('en-US');
const f = (x, d = 2) => (x === null || x === undefined ? '—' : x.toFixed(d));
const mark = (ok) => (ok ? '✅' : '❌');
const count = (x) =>
  x >= 1e6 && x % 1e6 === 0 ? `${x / 1e6}M` : x >= 1000 && x % 1000 === 0 ? `${x / 1000}k` : String(x);

/** The growth curve of one backend: its batch run and the ceiling per slice, RSS, and reads early and late. */
function growthLines(title, b, aGrowth, early, late) {
  if (!b?.growth) return [];
  const g = b.growth;
  const a = aGrowth?.slices ?? [];
  const out = [
    title,
    '',
    '| events stored | batch ingest, events/s | ceiling (raw), events/s | server peak RSS in the slice |',
    '|---|--:|--:|--:|',
  ];
  g.slices.forEach((sl, i) => {
    out.push(
      `| ${count(sl.events_from)}–${count(sl.events_to)} | ${n(sl.events_per_s)} | ${n(a[i]?.events_per_s)} | ${sl.peak_rss_mb ? `${f(sl.peak_rss_mb, 0)} MB` : '—'} |`,
    );
  });
  out.push(
    '',
    `Last slice over first: **${f(g.last_over_first)}** (aim ≥ 0.8 ${mark((g.last_over_first ?? 0) >= 0.8)}); the ceiling's own: ${f(aGrowth?.last_over_first)}.`,
    '',
    '| activity read at | Receipts req/s | p50 / p99 | baseline req/s | p50 / p99 | Receipts / baseline |',
    '|---|--:|--:|--:|--:|--:|',
  );
  for (const [at, r] of [early, late]) {
    if (!r) continue;
    out.push(
      `| ${count(at)} events | ${n(r.receipts.req_per_s)} | ${f(r.receipts.p50_ms, 0)} / ${f(r.receipts.p99_ms, 0)} ms | ${n(r.baseline.req_per_s)} | ${f(r.baseline.p50_ms, 0)} / ${f(r.baseline.p99_ms, 0)} ms | ${f(r.receipts_over_baseline)} |`,
    );
  }
  out.push('');
  return out;
}

/** An activity.json-shaped result as the growth table's row. */
const readsOf = (receipts, baseline) => ({
  receipts: {
    req_per_s: receipts.req_per_s,
    p50_ms: receipts.latency_ms.p50,
    p99_ms: receipts.latency_ms.p99,
  },
  baseline: {
    req_per_s: baseline.req_per_s,
    p50_ms: baseline.latency_ms.p50,
    p99_ms: baseline.latency_ms.p99,
  },
  receipts_over_baseline: receipts.req_per_s / baseline.req_per_s,
});

export function summary(results) {
  const lines = [];
  const any =
    results.ingest ??
    results.activity ??
    results.audit ??
    results.tlog ??
    results.streams ??
    results.postgres;
  if (!any) return 'No results yet.\n';
  const m = any.machine;
  lines.push(
    `Measured on ${m.cpus} × ${m.cpu_model.trim()}, ${Math.round(m.total_memory_mb / 1024)} GB, Node ${m.node}, ` +
      `${m.platform}${any.quick ? ' — **quick run (BENCH_QUICK=1), small sizes**' : ''}.`,
    '',
  );
  const ing = results.ingest;
  if (ing) {
    const r = ing.results;
    const b = r.b_http_batch;
    lines.push(
      `**Ingestion** (${ing.date.slice(0, 10)}; ${count(ing.rows.events)} events over ${count(ing.rows.users)} users, 70% from the ${count(ing.rows.active_users)} most active; ` +
        `\`npm run bench\`, \`bench/results/ingest.json\`)`,
      '',
      '| run | events/s | ratio | aim |',
      '|---|--:|--:|:--|',
      `| (a) raw better-sqlite3, 1000 rows per transaction, hash chain — the ceiling | ${n(r.a_raw_batch.events_per_s)} | | |`,
      `| (b) \`POST /v1/events\`, 1000-event batches (alert rules on) | ${n(b.events_per_s)} | b/a ${f(ing.ratios.b_over_a)} | ≥ 0.6 ${mark(ing.aims.b_over_a.met)} |`,
      `| (b) first ${count(r.b_http_batch_rules_off.events)} events with \`RECEIPTS_RULES=off\` (rules on, same events: ${n(b[`first_${r.b_http_batch_rules_off.events}_events_per_s`])}) | ${n(r.b_http_batch_rules_off.events_per_s)} | off/on ${f(ing.ratios.rules_off_over_on_same_events)} | |`,
      `| (c) single-event POSTs, 64 connections (group commit; p50 ${f(r.c_http_single_64.latency_ms.p50, 0)} ms, p99 ${f(r.c_http_single_64.latency_ms.p99, 0)} ms) | ${n(r.c_http_single_64.events_per_s)} | c/d ${f(ing.ratios.c_over_d)} | ≥ 1.5 ${mark(ing.aims.c_over_d.met)} |`,
      `| (d) raw better-sqlite3, one row per \`synchronous=FULL\` transaction | ${n(r.d_raw_single.events_per_s)} | | |`,
      `| server peak RSS after ${count(b.events)} events (b) | ${f(b.server_peak_rss_mb, 0)} MB | | < 200 MB ${mark(ing.aims.peak_rss_mb.met)} |`,
      '',
      `Server CPU per event: ${f(b.server_cpu_us_per_event, 0)} µs in batches, ${f(r.c_http_single_64.server_cpu_us_per_event, 0)} µs as single POSTs.`,
      ...(b.storage_kb_per_event != null
        ? [
            '',
            `Written to storage per event (the WAL, checkpoints into the database file, logs): ${f(b.storage_kb_per_event, 1)} KB in batches (b), ${f(r.a_raw_batch.storage_kb_per_row, 1)} KB for the ceiling (a), b/a ${f(ing.ratios.b_over_a_storage_per_event)}; ${f(r.c_http_single_64.storage_kb_per_event, 1)} KB as single POSTs (c), ${f(r.d_raw_single.storage_kb_per_row, 1)} KB for (d).`,
          ]
        : []),
      '',
    );
  }
  const act = results.activity;
  if (act) {
    const rc = act.results.receipts;
    const bl = act.results.baseline;
    lines.push(
      `**Activity reads** (${act.date.slice(0, 10)}; \`GET /v1/me/activity?limit=50\`, ${count(act.store.events)} events over ` +
        `${count(act.store.users)} users, ${act.check.items_per_reply} items per reply, 32 connections; \`bench/results/activity.json\`)`,
      '',
      '| server | req/s | p50 | p99 | server CPU / request | reply |',
      '|---|--:|--:|--:|--:|--:|',
      `| Receipts (Hono, token verification, masking, device, cursor) | ${n(rc.req_per_s)} | ${f(rc.latency_ms.p50, 0)} ms | ${f(rc.latency_ms.p99, 0)} ms | ${n(rc.server_cpu_us_per_req)} µs | ${f(act.check.receipts_reply_bytes / 1024, 1)} KB |`,
      `| baseline: bare \`node:http\`, one prepared statement, \`JSON.stringify\` | ${n(bl.req_per_s)} | ${f(bl.latency_ms.p50, 0)} ms | ${f(bl.latency_ms.p99, 0)} ms | ${n(bl.server_cpu_us_per_req)} µs | ${f(act.check.baseline_reply_bytes / 1024, 1)} KB |`,
      `| **Receipts / baseline** | **${f(act.ratios.receipts_over_baseline)}** (aim ≥ 0.85 ${mark(act.aims.receipts_over_baseline.met)}) | | | ${f(act.ratios.cpu_per_request_baseline_over_receipts)} (baseline ÷ Receipts) | |`,
      '',
    );
  }
  const audit = results.audit;
  if (audit) {
    const { verify, erasure } = audit.results;
    lines.push(
      `**Audit** (${audit.date.slice(0, 10)}; in-process, built code)`,
      '',
      '| run | result | aim |',
      '|---|--:|:--|',
      `| \`receipts verify\` over ${count(verify.events)} events | ${n(verify.events_per_s)} events/s (${f(verify.seconds, 1)} s) | |`,
      `| erasure of a user with ${count(erasure.user_events)} events (beside ${count(erasure.other_events)} of others) | ${f(erasure.seconds * 1000, 0)} ms | < 1 s ${mark(erasure.met)} |`,
      '',
    );
  }
  const tlog = results.tlog;
  if (tlog) {
    const { writer, proofs, verify_checkpoint: vc } = tlog.results;
    lines.push(
      `**Transparency log** (${tlog.date.slice(0, 10)}; \`bench/results/tlog.json\`)`,
      '',
      '| run | result | aim |',
      '|---|--:|:--|',
      `| audit writer, ${count(writer.events)} events in 1000-event transactions, with the Merkle tree | ${n(writer.events_per_s.with_tree_mean)} events/s | |`,
      `| the same without the tree's node inserts | ${n(writer.events_per_s.without_tree_mean)} events/s | |`,
      `| what the tree costs the writer (difference of the two) | ${f(writer.tree_cost_share * 100, 1)}% (${f(writer.us_per_event_for_tree, 1)} µs/event) | |`,
      `| the tree alone (leaf, parents, their inserts), same events | ${f(writer.tree_alone_us_per_event, 1)} µs/event = ${f(writer.tree_alone_share_of_writer * 100, 1)}% of the writer's time per event | |`,
      `| \`GET /v1/me/activity/:id/proof\`, 32 connections | ${n(proofs.proof_req_per_s)} req/s (p50 ${f(proofs.proof_p50_ms, 1)} ms) | |`,
      `| \`GET /v1/me/activity?limit=50\`, same server and users | ${n(proofs.activity_req_per_s)} req/s (p50 ${f(proofs.activity_p50_ms, 1)} ms) | proof/activity ${f(proofs.proof_over_activity)} |`,
      `| \`receipts verify --checkpoint\` at ${count(vc.events)} events (from ${n(vc.early.from)} / from ${n(vc.recent.from)}) | ${f(vc.early.check_ms, 1)} / ${f(vc.recent.check_ms, 1)} ms (median of 3; whole CLI run ${n(vc.early.cli_wall_ms)} ms) | < 50 ms ${mark(vc.met)} |`,
      '',
    );
  }
  const st = results.streams;
  if (st) {
    const { streams_off: off, streams_on: on, received } = st.results;
    const lag = Object.entries(on.lag_events_at_end_of_ingest)
      .map(([d, l]) => `${d.split(':')[0]} ${n(l)}`)
      .join(', ');
    lines.push(
      `**Streams** (${st.date.slice(0, 10)}; ${count(on.events)} events in ${st.sizes.batch}-event batches; \`bench/results/streams.json\`)`,
      '',
      '| run | events/s | server CPU per event (ingest / until streams caught up) | lag when ingest ended | caught up after |',
      '|---|--:|--:|:--|--:|',
      `| no streams | ${n(off.events_per_s)} | ${f(off.server_cpu_us_per_event, 0)} µs / ${f(off.server_cpu_us_per_event_until_caught_up, 0)} µs | | |`,
      `| one syslog (rsyslogd, TCP) + one OTLP/HTTP stream | ${n(on.events_per_s)} (${f(st.ratio_on_over_off)}×) | ${f(on.server_cpu_us_per_event, 0)} µs / ${f(on.server_cpu_us_per_event_until_caught_up, 0)} µs | ${lag} | ${f(on.seconds_to_catch_up_after_ingest, 1)} s |`,
      '',
      `Received: ${n(received.syslog_events)} syslog event lines, ${n(received.otlp_records)} OTLP records in ${n(received.otlp_requests)} requests (the events Receipts adds itself, such as alerts, and checkpoints included).`,
      '',
    );
  }
  const pgr = results.postgres;
  if (pgr) {
    const r = pgr.results;
    const rc = r.activity.receipts;
    const bl = r.activity.baseline;
    const load = pgr.machine.load_average_at_start;
    lines.push(
      `**On PostgreSQL** (${pgr.date.slice(0, 10)}; PostgreSQL ${pgr.postgres.settings.server_version.split(' ')[0]}, fsync ${pgr.postgres.settings.fsync}, ` +
        `same machine; ${count(pgr.rows.events)} events over ${count(pgr.rows.users)} users; load average ${load[0]} at the start, ` +
        `${pgr.machine.load_average_at_end[0]} at the end; \`node bench/run.js postgres\`, \`bench/results/postgres.json\`)`,
      '',
      '| run | events/s or req/s | ratio |',
      '|---|--:|--:|',
      `| (a') raw \`pg\`, hash chain, events + personal_data in multi-row INSERTs, ${r.a_raw_batch.rows_per_tx} per transaction — the ceiling | ${n(r.a_raw_batch.events_per_s)} | |`,
      `| (b') \`POST /v1/events\`, 500-event batches, one server | ${n(r.b_http_batch_one_server.events_per_s)} | b'/a' ${f(pgr.ratios.b_over_a)} |`,
      `| (b') the same through two servers on one database | ${n(r.b_http_batch_two_servers.events_per_s)} | two/one ${f(pgr.ratios.two_servers_over_one)} |`,
      `| (c') single-event POSTs, 64 connections, one server (p50 ${f(r.c_http_single_64.latency_ms.p50, 0)} ms, p99 ${f(r.c_http_single_64.latency_ms.p99, 0)} ms) | ${n(r.c_http_single_64.events_per_s)} | c'/d' ${f(pgr.ratios.c_over_d)} |`,
      `| (d') raw \`pg\`, one committed INSERT per event, 64 connections | ${n(r.d_raw_single_64.events_per_s)} | |`,
      `| \`GET /v1/me/activity?limit=50\`, 32 connections (p50 ${f(rc.latency_ms.p50, 0)} ms) | ${n(rc.req_per_s)} req/s | Receipts/baseline ${f(pgr.ratios.activity_receipts_over_baseline)} |`,
      `| baseline: bare \`node:http\`, \`pg\` pool of 10, one query, \`JSON.stringify\` (p50 ${f(bl.latency_ms.p50, 0)} ms) | ${n(bl.req_per_s)} req/s | |`,
      '',
      `What limits two servers here: ${pgr.limits_two_servers}`,
      '',
    );
    const b = r.b_http_batch_one_server;
    lines.push(
      ...growthLines(
        `**How PostgreSQL grows** (the (b') run above, ${count(b.events)} events in slices of ${count(b.growth?.slice_events ?? 0)}; the activity read with the ingest paused half way, and at the end)`,
        b,
        r.a_raw_batch.growth,
        b.reads_midway ? [b.reads_midway.events, b.reads_midway] : [0, null],
        [b.events, readsOf(rc, bl)],
      ),
    );
  }
  if (ing) {
    const b = ing.results.b_http_batch;
    lines.push(
      ...growthLines(
        `**How SQLite grows** (the (b) run above, ${count(b.events)} events in slices of ${count(b.growth?.slice_events ?? 0)}; the activity read with the ingest paused after the first slice, and on the whole store${act ? ' (the activity benchmark)' : ''})`,
        b,
        ing.results.a_raw_batch.growth,
        b.reads_at_first_slice ? [b.reads_at_first_slice.events, b.reads_at_first_slice] : [0, null],
        act ? [act.store.events, readsOf(act.results.receipts, act.results.baseline)] : [0, null],
      ),
    );
  }
  return `${lines.join('\n')}`;
}
