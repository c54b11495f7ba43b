// Streams benchmark: the same batch ingest with the audit log streamed to one syslog (Debian's rsyslogd over
// TCP) and one OTLP/HTTP receiver, against the same ingest with no streams, in one run; then the lag each
// destination had when ingest ended and how long it took to catch up.
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  cpuSeconds,
  log,
  machine,
  QUICK,
  round,
  rowsSpec,
  runLoad,
  startServer,
  tempDir,
  waitQuiet,
} from './lib.js';

const SIZES = QUICK
  ? { n: 20_000, batch: 1000, connections: 4 }
  : { n: 200_000, batch: 1000, connections: 4 };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function startRsyslog(dir) {
  mkdirSync(join(dir, 'work'), { recursive: true });
  const port = await freePort();
  const file = join(dir, 'received.log');
  const conf = join(dir, 'rsyslog.conf');
  writeFileSync(
    conf,
    `global(workDirectory="${join(dir, 'work')}" maxMessageSize="64k")
module(load="imtcp")
template(name="whole" type="string" string="%rawmsg%\\n")
input(type="imtcp" port="${port}" address="127.0.0.1")
action(type="omfile" file="${file}" template="whole")
`,
  );
  const proc = spawn('rsyslogd', ['-n', '-f', conf, '-i', join(dir, 'rsyslog.pid')], { stdio: 'ignore' });
  for (let i = 0; ; i++) {
    const up = await new Promise((res) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        res(true);
      });
      s.on('error', () => res(false));
    });
    if (up) break;
    if (i > 300) throw new Error('rsyslogd did not start');
    await sleep(50);
  }
  return {
    url: `syslog+tcp://127.0.0.1:${port}`,
    file,
    stop: () =>
      new Promise((res) => {
        if (proc.exitCode !== null) return res();
        proc.once('exit', res);
        proc.kill('SIGTERM');
      }),
  };
}

async function startOtlp() {
  const port = await freePort();
  const r = { records: 0, requests: 0, url: `otlp+http://127.0.0.1:${port}/v1/logs` };
  const srv = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString());
      for (const rl of body.resourceLogs) for (const sl of rl.scopeLogs) r.records += sl.logRecords.length;
      r.requests++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise((res) => srv.listen(port, '127.0.0.1', res));
  r.stop = () =>
    new Promise((res) => {
      srv.close(res);
      srv.closeAllConnections();
    });
  return r;
}

async function lags(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out = {};
  for (const m of text.matchAll(/^receipts_stream_lag_events\{destination="([^"]+)"\} (\d+)$/gm))
    out[m[1]] = Number(m[2]);
  return out;
}

async function countLines(file, marker) {
  if (!existsSync(file)) return 0;
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(file) })) if (line.includes(marker)) n++;
  return n;
}

async function ingestRun(label, spec, extraEnv) {
  const dir = tempDir();
  try {
    const quiet = await waitQuiet();
    const server = await startServer(dir, extraEnv);
    log(`${label}: ${SIZES.n} events in ${SIZES.batch}-event batches, ${SIZES.connections} connections`);
    const cpu0 = cpuSeconds(server.pid);
    const r = await runLoad({
      mode: 'batch',
      url: `${server.url}/v1/events`,
      key: server.ingestKey,
      pid: server.pid,
      n: SIZES.n,
      batch: SIZES.batch,
      connections: SIZES.connections,
      spec,
    });
    const atEnd = await lags(server.url);
    const t0 = Date.now();
    let caughtUp = null;
    if (Object.keys(atEnd).length > 0) {
      while (Object.values(await lags(server.url)).some((l) => l > 0)) {
        if (Date.now() - t0 > 600_000) throw new Error(`${label}: streams did not catch up in 10 minutes`);
        await sleep(100);
      }
      caughtUp = round((Date.now() - t0) / 1000, 2);
    }
    const cpuTotal = cpuSeconds(server.pid) - cpu0;
    const code = await server.stop();
    const events = Math.min(SIZES.n, r.ok * SIZES.batch);
    const result = {
      events,
      seconds: r.seconds,
      events_per_s: round(events / r.seconds, 0),
      batch_latency_ms: r.latency_ms,
      server_cpu_us_per_event: round((r.server_cpu_seconds / events) * 1e6, 1),
      // Ingest and the streams' catching up afterwards, together.
      server_cpu_us_per_event_until_caught_up: round((cpuTotal / events) * 1e6, 1),
      server_peak_rss_mb: r.peak_rss_mb,
      lag_events_at_end_of_ingest: atEnd,
      seconds_to_catch_up_after_ingest: caughtUp,
      server_exit: code,
      others_busy_before: quiet,
    };
    log(
      `${label}: ${result.events_per_s} events/s; lag at end ${JSON.stringify(atEnd)}; caught up in ${caughtUp ?? '—'} s`,
    );
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function streamsBench() {
  const t0 = Date.now();
  const spec = { ...rowsSpec(), n: SIZES.n, users: Math.max(100, SIZES.n / 10) };
  const off = await ingestRun('streams off', spec, {});
  const rdir = tempDir('receipts-bench-rsyslog-');
  const syslog = await startRsyslog(rdir);
  const otlp = await startOtlp();
  let on;
  let received;
  try {
    on = await ingestRun('streams on (syslog + OTLP)', spec, {
      RECEIPTS_STREAMS: `${syslog.url},${otlp.url}`,
    });
  } finally {
    await syslog.stop();
    await otlp.stop();
    received = {
      syslog_events: await countLines(syslog.file, '[receipts@32473 seq='),
      otlp_records: otlp.records,
      otlp_requests: otlp.requests,
    };
    rmSync(rdir, { recursive: true, force: true });
  }
  return {
    date: new Date().toISOString(),
    quick: QUICK,
    machine: machine(),
    sizes: SIZES,
    results: { streams_off: off, streams_on: on, received },
    ratio_on_over_off: round(on.events_per_s / off.events_per_s, 2),
    duration_s: Math.round((Date.now() - t0) / 1000),
  };
}
