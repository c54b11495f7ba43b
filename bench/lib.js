// Shared pieces of the benchmarks: starting the real server as a child process, reading a process's CPU time
// and peak memory from /proc, running the load generator and the raw-SQLite runs in their own processes.
import { execFileSync, fork, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BENCH = fileURLToPath(new URL('.', import.meta.url));
export const CLI = join(ROOT, 'dist/server/cli.js');
export const QUICK = process.env.BENCH_QUICK === '1' || process.env.BENCH_QUICK === 'true';

/**
 * The one generated row set every run uses (bench/data.js): n events over `users` users, 70% of the events from
 * the most active 10% of users. The (b) run's store of these rows doubles as the activity benchmark's store.
 */
export const ROWS = QUICK ? { n: 20_000, users: 2_000 } : { n: 1_000_000, users: 100_000 };

export function rowsSpec() {
  return { ...ROWS, now: Date.now() - 60_000 };
}

const CLK_TCK = 100; // Linux USER_HZ; /proc/<pid>/stat times are in these ticks

export function log(...args) {
  const t = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[bench ${t}] ${args.join(' ')}\n`);
}

export function tempDir(prefix = 'receipts-bench-') {
  return mkdtempSync(join(os.tmpdir(), prefix));
}

/** Which code was measured: the commit, and how many files under server/ and shared/ differ from it. */
function codeVersion() {
  try {
    const git = (...args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain', '--', 'server', 'shared').split('\n').filter(Boolean).length;
    return { commit: git('rev-parse', '--short', 'HEAD'), uncommitted_server_files: dirty };
  } catch {
    return null;
  }
}

export function machine() {
  const cpus = os.cpus();
  return {
    code: codeVersion(),
    load_average_at_end: os.loadavg().map((x) => round(x, 2)),
    cpus: cpus.length,
    cpu_model: cpus[0]?.model ?? 'unknown',
    total_memory_mb: Math.round(os.totalmem() / 2 ** 20),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  };
}

/** CPU seconds (user+system) a process has used so far. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is state (field 3); utime is field 14, stime field 15
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/**
 * Bytes a process has caused to be written to storage so far (`write_bytes` in /proc/<pid>/io, counted when
 * pages are dirtied): for a server, its WAL, its checkpoints into the database file and its logs.
 */
export function storageWrites(pid) {
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  return Number(/^write_bytes:\s+(\d+)/m.exec(io)?.[1] ?? Number.NaN);
}

/** Peak and current resident memory of a process, in MB. */
export function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { peak_rss_mb: round(kb('VmHWM') / 1024, 1), rss_mb: round(kb('VmRSS') / 1024, 1) };
}

export function round(x, digits = 0) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function serverEnv(dir, extra = {}) {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warning',
    RECEIPTS_DB: join(dir, 'receipts.db'),
    RECEIPTS_DEMO: 'off',
    RECEIPTS_WIDGET_SECRET: randomBytes(32).toString('base64url'),
    RECEIPTS_INGEST_KEYS: `bench_ik_${randomBytes(16).toString('hex')}`,
    RECEIPTS_PEPPER: randomBytes(32).toString('base64url'),
    RECEIPTS_SIGNING_KEY: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    // Limits as high as the configuration allows: the benchmark measures throughput, not the limiter.
    RECEIPTS_RATE_LIMIT_USER: '1000000',
    RECEIPTS_RATE_LIMIT_IP: '1000000',
    RECEIPTS_RATE_LIMIT_INGEST: '100000000',
    ...extra,
  };
}

/**
 * Starts `node dist/server/cli.js serve` on its own SQLite file. With BENCH_CPU_PROF=<dir> the server runs
 * under --cpu-prof and writes its profile there when it stops.
 */
export async function startServer(dir, extraEnv = {}, reuseEnv = null) {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first`);
  const env = reuseEnv ? { ...reuseEnv, ...extraEnv } : serverEnv(dir, extraEnv);
  const nodeArgs = process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : [];
  const proc = spawn(process.execPath, [...nodeArgs, CLI, 'serve'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise((res) => proc.on('exit', (code, signal) => res(code ?? signal)));
  const url = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start:\n${out}`)), 60_000);
    const onData = (chunk) => {
      out += chunk.toString();
      if (out.length > 100_000) out = out.slice(-50_000);
      const m =
        /Receipts: http:\/\/localhost:(\d+)/.exec(out) ?? /listening on http:\/\/localhost:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(`http://127.0.0.1:${m[1]}`);
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });
  return {
    url,
    pid: proc.pid,
    env,
    dbPath: env.RECEIPTS_DB,
    ingestKey: env.RECEIPTS_INGEST_KEYS,
    widgetSecret: env.RECEIPTS_WIDGET_SECRET,
    output: () => out,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/**
 * Starts the bare node:http baseline over a SQLite file, or with `script` 'baseline-activity-pg.js' over a
 * PostgreSQL URL.
 */
export async function startBaseline(dbPath, script = 'baseline-activity.js') {
  const proc = spawn(process.execPath, [join(BENCH, script), dbPath], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((res) => proc.on('exit', (code) => res(code)));
  const url = await new Promise((res, rej) => {
    let out = '';
    proc.stdout.on('data', (c) => {
      out += c.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) res(`http://127.0.0.1:${m[1]}`);
    });
    proc.on('exit', (code) => rej(new Error(`baseline exited with ${code}`)));
  });
  return {
    url,
    pid: proc.pid,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs one load in a separate process (bench/load.js, autocannon) and returns its result. */
export function runLoad(options) {
  return new Promise((resolve, reject) => {
    const child = fork(join(BENCH, 'load.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result;
    child.on('message', (m) => {
      result = m;
    });
    child.on('exit', (code) => {
      if (result?.error) reject(new Error(result.error));
      else if (code !== 0 || !result) reject(new Error(`load generator exited with ${code}`));
      else resolve(result);
    });
    child.send(options);
  });
}

/** Runs bench/raw.js (or `script`, e.g. 'raw-pg.js') in its own process and returns its JSON line. */
export function runRaw(options, script = 'raw.js') {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(BENCH, script), JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c.toString();
    });
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`${script} exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()));
    });
  });
}

/** Busy and total CPU seconds of the whole machine so far (from /proc/stat). */
export function systemCpu() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = v[3] + (v[4] ?? 0);
  const total = v.reduce((s, x) => s + x, 0);
  return { busy: (total - idle) / CLK_TCK, total: total / CLK_TCK };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Other sessions may be busy on this machine (tests, builds). Waits up to `maxSeconds` until the machine is
 * nearly idle (< 0.25 of a core busy over one second) so that a run starts clean; returns the last reading.
 */
export async function waitQuiet(maxSeconds = Number(process.env.BENCH_WAIT_QUIET ?? (QUICK ? 5 : 30))) {
  const until = Date.now() + maxSeconds * 1000;
  let busy = 0;
  let announced = false;
  for (;;) {
    const a = systemCpu();
    await sleep(1000);
    const b = systemCpu();
    busy = (b.busy - a.busy) / ((b.total - a.total) / os.cpus().length);
    if (busy < 0.25 || Date.now() >= until) break;
    if (!announced) {
      log(`machine busy (${busy.toFixed(2)} cores used by others); waiting up to ${maxSeconds}s for quiet`);
      announced = true;
    }
  }
  return round(busy, 2);
}

/** A few figures from the server's GET /metrics (Prometheus text), or {} when unavailable. */
export async function serverMetrics(url) {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    const get = (name) => {
      const m = new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+([0-9.e+-]+)`, 'm').exec(text);
      return m ? Number(m[1]) : null;
    };
    return {
      group_commits: get('receipts_group_commits'),
      head_seq: get('receipts_audit_head_seq'),
      heap_used_mb: round((get('nodejs_heap_size_used_bytes') ?? Number.NaN) / 2 ** 20, 1),
    };
  } catch {
    return {};
  }
}
