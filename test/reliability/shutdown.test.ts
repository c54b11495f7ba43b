// Start-up and shutdown are on the record: migrations and start-up are recorded, SIGTERM/SIGINT stop accepting
// work, finish what was acknowledged, record `application_shutdown`, close the store cleanly and exit 0.
import { existsSync, statSync } from 'node:fs';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cli, ingest, signIn, startServer, tempDir } from '../support/server.js';

interface Row {
  seq: number;
  id: string;
  event_type: string;
  outcome: string | null;
  metadata: string | null;
}

function readEvents(dbPath: string): Row[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare('SELECT seq, id, event_type, outcome, metadata FROM events ORDER BY seq')
      .all() as Row[];
  } finally {
    db.close();
  }
}

const meta = (row: Row | undefined) => JSON.parse(row?.metadata ?? 'null') as Record<string, unknown> | null;

/**
 * The server prints "listening" just before it installs its signal handlers; a request answered means they are
 * in place (a signal sent earlier kills it with the default action).
 */
async function ready(url: string): Promise<void> {
  expect((await fetch(`${url}/healthz`)).status).toBe(200);
}

function expectNoWal(dbPath: string): void {
  const wal = `${dbPath}-wal`;
  expect(!existsSync(wal) || statSync(wal).size === 0, 'the WAL was folded into the database').toBe(true);
}

describe('start-up and shutdown', () => {
  it('should record the migration and start-up on a fresh store, and the shutdown on SIGTERM with exit 0', async () => {
    const server = await startServer();
    const res = await ingest(server, signIn('usr_s', 'sess_s', { id: 'evt_before_stop' }));
    expect(res.status).toBe(202);
    expect(await server.stop()).toBe(0);

    const rows = readEvents(server.dbPath);
    expect(rows.map((r) => r.event_type)).toEqual([
      'database_migration_run',
      'application_startup',
      'login_success',
      'application_shutdown',
    ]);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    const migration = meta(rows[0]) as { applied: number; migrations: string[] };
    expect(migration.applied).toBeGreaterThanOrEqual(2);
    expect(migration.migrations).toHaveLength(migration.applied);
    expect(meta(rows[1])).toMatchObject({ version: expect.any(String), node: process.version });
    expect(meta(rows[3])).toEqual({ reason: 'SIGTERM' });
    expect(rows[3]!.outcome).toBe('success');
    expectNoWal(server.dbPath);
    expect(server.output()).toMatch(/"event_type":"application_shutdown"/);
    expect(cli(server.env, ['verify']).code).toBe(0);
  });

  it('should not run migrations again on restart, and stop on SIGINT too', async () => {
    const dir = tempDir();
    const first = await startServer({ dir });
    await ready(first.url);
    expect(await first.stop()).toBe(0);
    const second = await startServer({ dir, reuseEnv: first.env });
    await ready(second.url);
    const exited = new Promise<number | null>((resolve) => second.proc.on('exit', (code) => resolve(code)));
    second.proc.kill('SIGINT');
    expect(await exited).toBe(0);

    const types = readEvents(first.dbPath).map((r) => r.event_type);
    expect(types).toEqual([
      'database_migration_run',
      'application_startup',
      'application_shutdown',
      'application_startup',
      'application_shutdown',
    ]);
    expect(meta(readEvents(first.dbPath).at(-1))).toEqual({ reason: 'SIGINT' });
  });

  it('should keep every acknowledged event when SIGTERM arrives under load, and record the shutdown last', async () => {
    const server = await startServer();
    const acked = new Set<string>();
    let n = 0;
    const loop = async (w: number) => {
      for (;;) {
        const id = `evt_load_${w}_${++n}`;
        try {
          const res = await ingest(server, signIn(`usr_${w}`, `sess_${w}`, { id }));
          if (res.status === 202) acked.add(id);
          else if (res.status !== 503) throw new Error(`unexpected ${res.status}`);
          else return;
        } catch (error) {
          if (error instanceof TypeError) return; // the server closed the connection
          throw error;
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => loop(w));
    await sleep(300);
    const code = await server.stop();
    await Promise.all(workers);
    expect(code).toBe(0);
    expect(acked.size).toBeGreaterThan(0);

    const rows = readEvents(server.dbPath);
    const ids = new Map<string, number>();
    for (const r of rows) ids.set(r.id, (ids.get(r.id) ?? 0) + 1);
    expect([...acked].filter((id) => ids.get(id) !== 1)).toEqual([]);
    expect(rows.at(-1)!.event_type).toBe('application_shutdown');
    expect(rows.filter((r) => r.event_type === 'application_shutdown')).toHaveLength(1);
    expectNoWal(server.dbPath);
    expect(cli(server.env, ['verify']).code).toBe(0);
  });

  it('should stop serving requests on kept-alive connections once SIGTERM arrived, and exit promptly', async () => {
    const server = await startServer();
    await ready(server.url);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
        http
          .get(`${server.url}/healthz`, { agent }, (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
          })
          .on('error', reject);
      });
    expect((await get()).status).toBe(200);
    const started = Date.now();
    const stopped = server.stop();
    await sleep(50);
    const after = await get().catch(() => ({ status: 0, connection: 'reset' }));
    // Either refused with 503 and the connection closed, or the connection was already gone.
    expect([503, 0]).toContain(after.status);
    if (after.status === 503) expect(after.connection).toBe('close');
    expect(await stopped).toBe(0);
    expect(Date.now() - started).toBeLessThan(4000);
    agent.destroy();
  });
});
