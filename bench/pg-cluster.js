// PostgreSQL for the benchmarks: the cluster named by BENCH_PG (a superuser URL), or a throwaway one started
// here from Debian's binaries the way test/support/postgres-cluster.ts does (initdb as `postgres` when root,
// pg_ctl start -w on a free loopback port, fsync on), and fresh databases with an owner and a runtime role
// the way test/support/postgres.ts creates them.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { cpuSeconds, tempDir } from './lib.js';

function binaries() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(base, v, 'bin', 'initdb'))) return join(base, v, 'bin');
  return null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * { url, own, cpuSeconds(), stop() }: `cpuSeconds` is the CPU time of the postmaster and all its backends so
 * far (only for a cluster started here; null for BENCH_PG, whose processes may not be ours to read).
 */
export async function startCluster() {
  if (process.env.BENCH_PG) {
    return { url: process.env.BENCH_PG, own: false, cpuSeconds: () => null, stop: async () => {} };
  }
  const bin = binaries();
  if (!bin) throw new Error('no PostgreSQL: set BENCH_PG or install Debian’s postgresql package');
  const asUser = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  const dir = tempDir('receipts-bench-pg-');
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const run = (cmd, args) =>
    execFileSync(asUser[0] ?? cmd, [...asUser.slice(1), ...(asUser.length ? [cmd] : []), ...args], {
      stdio: 'pipe',
    });
  // --no-sync only skips initdb's own flush of the new files; the server runs with fsync on (the default).
  run(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
  run(join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    own: true,
    cpuSeconds: () => clusterCpu(postmaster),
    async stop() {
      run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * CPU seconds of the postmaster and its children (backends, WAL writer, checkpointer). A backend that has
 * ended is counted too: the kernel adds a reaped child's time to its parent's cutime/cstime.
 */
function clusterCpu(postmaster) {
  let total = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(name) === postmaster)
        total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
      else if (Number(fields[1]) === postmaster) total += cpuSeconds(Number(name));
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

async function asSuperuser(cluster, database, run) {
  const url = new URL(cluster);
  if (database) url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.href });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

function urlFor(cluster, role, password, database) {
  const url = new URL(cluster);
  url.username = role;
  url.password = password;
  url.pathname = `/${database}`;
  return url.href;
}

/** The settings that decide what a commit costs, for the results. */
export function clusterSettings(cluster) {
  return asSuperuser(cluster, null, async (c) => {
    const { rows } = await c.query(
      `SELECT name, setting, unit FROM pg_settings WHERE name IN
       ('server_version', 'fsync', 'synchronous_commit', 'wal_sync_method', 'full_page_writes', 'commit_delay',
        'shared_buffers', 'max_wal_size', 'wal_level', 'max_connections')`,
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.unit ? `${r.setting} ${r.unit}` : r.setting]));
  });
}

/** A database owned by its own owner role (and its schema public), with a login runtime role: { url, ownerUrl, drop }. */
export async function freshDatabase(cluster, label) {
  const suffix = randomBytes(5).toString('hex');
  const database = `receipts_bench_${label}_${suffix}`;
  const owner = `receipts_bench_owner_${suffix}`;
  const runtime = `receipts_bench_app_${suffix}`;
  const ownerPassword = randomBytes(18).toString('base64url');
  const runtimePassword = randomBytes(18).toString('base64url');
  await asSuperuser(cluster, null, async (c) => {
    const id = (s) => c.escapeIdentifier(s);
    await c.query(`CREATE ROLE ${id(owner)} LOGIN PASSWORD ${c.escapeLiteral(ownerPassword)}`);
    await c.query(`CREATE ROLE ${id(runtime)} LOGIN PASSWORD ${c.escapeLiteral(runtimePassword)}`);
    await c.query(`CREATE DATABASE ${id(database)} OWNER ${id(owner)}`);
    await c.query(`REVOKE ALL ON DATABASE ${id(database)} FROM PUBLIC`);
    await c.query(`GRANT CONNECT ON DATABASE ${id(database)} TO ${id(runtime)}`);
  });
  await asSuperuser(cluster, database, (c) =>
    c.query(`ALTER SCHEMA public OWNER TO ${c.escapeIdentifier(owner)}`),
  );
  return {
    database,
    url: urlFor(cluster, runtime, runtimePassword, database),
    ownerUrl: urlFor(cluster, owner, ownerPassword, database),
    drop: () =>
      asSuperuser(cluster, null, async (c) => {
        const id = (s) => c.escapeIdentifier(s);
        await c.query(`DROP DATABASE IF EXISTS ${id(database)} WITH (FORCE)`);
        await c.query(`DROP ROLE IF EXISTS ${id(owner)}`);
        await c.query(`DROP ROLE IF EXISTS ${id(runtime)}`);
      }),
  };
}

/** count(*) of a table, as the owner (the runtime role may read it too). */
export async function countRows(url, table) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT count(*)::int AS c FROM ${client.escapeIdentifier(table)}`);
    return rows[0].c;
  } finally {
    await client.end();
  }
}
