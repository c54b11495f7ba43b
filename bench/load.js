// The load generator, run in its own process (forked by lib.js `runLoad`) so that the server's CPU time can be
// measured apart from the client's. Uses autocannon. Receives one options message, replies with one result.
//
// modes:
//   batch   POST /v1/events with `batch`-event bodies, events [from, n) of the spec (from 0 by default),
//           `connections` at a time
//   single  POST /v1/events with one event per request for `duration` seconds (events numbered from `from`)
//   get     GET `path` with one of `tokens` per request (round robin) for `duration` seconds; with `paths`,
//           request k goes to paths[k] with tokens[k] (each token's own resource)
import autocannon from 'autocannon';
import { batchBody, makeEvent, makeSpec } from './data.js';
import { cpuSeconds, memory, round, storageWrites, systemCpu } from './lib.js';

function summarize(r, seconds) {
  const lat = r.latency;
  return {
    requests: r.requests.total,
    ok: r['2xx'],
    non_2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    seconds: round(seconds, 2),
    req_per_s: round(r['2xx'] / seconds, 1),
    latency_ms: { p50: lat.p50, p90: lat.p90, p99: lat.p99, max: lat.max, mean: round(lat.mean, 2) },
    bytes_per_reply: r.requests.total > 0 ? Math.round(r.throughput.total / r.requests.total) : 0,
  };
}

async function run(o) {
  const spec = o.spec ? makeSpec(o.spec) : null;
  let next = o.from ?? 0;
  const base = {
    url: o.url,
    connections: o.connections,
    pipelining: 1,
    timeout: 120,
    bailout: 100,
  };
  let opts;
  if (o.mode === 'batch') {
    // With `from`, the run sends events [from, n): the rest of a run paused part way.
    const batches = Math.ceil((o.n - next) / o.batch);
    opts = {
      ...base,
      // autocannon refuses more connections than requests (a short run part way).
      connections: Math.min(base.connections, batches),
      amount: batches,
      method: 'POST',
      headers: { authorization: `Bearer ${o.key}`, 'content-type': 'application/json' },
      requests: [
        {
          setupRequest(req) {
            const from = next;
            next += o.batch;
            // autocannon builds one request more per connection than it sends; never beyond the set
            const count = Math.max(1, Math.min(o.batch, o.n - from));
            req.body = batchBody(Math.min(from, o.n - 1), count, spec);
            return req;
          },
        },
      ],
    };
  } else if (o.mode === 'single') {
    opts = {
      ...base,
      duration: o.duration,
      method: 'POST',
      headers: { authorization: `Bearer ${o.key}`, 'content-type': 'application/json' },
      requests: [
        {
          setupRequest(req) {
            req.body = JSON.stringify(makeEvent(next++, spec));
            return req;
          },
        },
      ],
    };
  } else if (o.mode === 'get') {
    let k = 0;
    opts = {
      ...base,
      duration: o.duration,
      method: 'GET',
      requests: [
        {
          setupRequest(req) {
            const i = k++ % o.tokens.length;
            req.path = o.paths ? o.paths[i] : o.path;
            req.headers = { authorization: `Bearer ${o.tokens[i]}` };
            return req;
          },
        },
      ],
    };
  } else throw new Error(`unknown mode ${o.mode}`);

  const cpu0 = o.pid ? cpuSeconds(o.pid) : 0;
  const written0 = o.pid ? storageWrites(o.pid) : 0;
  const sys0 = systemCpu();
  const own0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const statuses = {};
  let responses = 0;
  // [responses so far, seconds]: lets a long batch run report its rate over its first part too.
  const marks = [];
  const tracker = autocannon(opts);
  tracker.on('response', (_client, status) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
    responses++;
    if (o.markEvery && responses % o.markEvery === 0)
      marks.push([responses, Number(process.hrtime.bigint() - t0) / 1e9]);
  });
  // The server's resident memory as the run goes: [seconds, responses so far, RSS MB].
  const rssTimeline = [];
  const sample = () => {
    if (o.pid)
      rssTimeline.push([
        round(Number(process.hrtime.bigint() - t0) / 1e9, 1),
        responses,
        memory(o.pid).rss_mb,
      ]);
  };
  const sampler = setInterval(sample, o.sampleEvery ?? 5000);
  // Socket errors and timeouts, with the first few messages, so a failed run says why.
  const errorSamples = [];
  tracker.on('reqError', (error) => {
    if (errorSamples.length < 5) errorSamples.push(String(error?.code ?? error?.message ?? error));
  });
  // Progress of a long batch run on stderr: every tenth of the batches, the recent rate and the server's RSS.
  let lastMark = { t: 0, n: 0 };
  const tenth = o.mode === 'batch' ? Math.max(1, Math.round(opts.amount / 10)) : 0;
  if (tenth) {
    tracker.on('response', () => {
      if (responses % tenth !== 0) return;
      const t = Number(process.hrtime.bigint() - t0) / 1e9;
      const rate = ((responses - lastMark.n) * o.batch) / (t - lastMark.t);
      lastMark = { t, n: responses };
      const rss = o.pid ? `, server RSS ${memory(o.pid).rss_mb} MB` : '';
      process.stderr.write(
        `  … ${responses * o.batch} events after ${t.toFixed(0)}s, ${rate.toFixed(0)} events/s lately${rss}\n`,
      );
    });
  }
  const r = await tracker;
  clearInterval(sampler);
  sample();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = o.pid ? cpuSeconds(o.pid) - cpu0 : null;
  const sys1 = systemCpu();
  const own = process.cpuUsage(own0);
  const s = summarize(r, seconds);
  s.load_generator_cpu_utilisation = round((own.user + own.system) / 1e6 / seconds, 2);
  if (cpu !== null) {
    // CPU used by everything else on the machine meanwhile (other sessions' tests, builds): noise indicator.
    const others = sys1.busy - sys0.busy - cpu - (own.user + own.system) / 1e6;
    s.other_processes_cpu_utilisation = round(Math.max(0, others) / seconds, 2);
  }
  s.statuses = statuses;
  if (errorSamples.length > 0) s.error_samples = errorSamples;
  if (o.pid) s.rss_timeline = rssTimeline;
  if (o.markEvery) s.marks = marks.map(([n, t]) => [n, round(t, 2)]);
  if (cpu !== null) {
    s.server_cpu_seconds = round(cpu, 2);
    s.server_cpu_us_per_req = s.ok > 0 ? round((cpu / s.ok) * 1e6, 0) : null;
    s.server_cpu_utilisation = round(cpu / seconds, 2);
    s.server_write_bytes = storageWrites(o.pid) - written0;
    Object.assign(s, memory(o.pid));
  }
  if (o.mode === 'batch') s.events_sent = Math.min(o.n, s.ok * o.batch);
  return s;
}

process.once('message', (o) => {
  run(o).then(
    (result) => process.send(result, () => process.exit(0)),
    (error) => process.send({ error: String(error?.stack ?? error) }, () => process.exit(1)),
  );
});
