// Starts the real built server (`node dist/server/cli.js serve`) on a fresh store, for tests: a SQLite file,
// or with RECEIPTS_TEST_BACKEND=postgres a fresh PostgreSQL database (the same tests, on the other backend).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { freshPostgres } from './postgres.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(ROOT, 'dist/server/cli.js');

export interface TestServer {
  url: string;
  dir: string;
  dbPath: string;
  ingestKey: string;
  widgetSecret: string;
  env: Record<string, string>;
  proc: ChildProcess;
  /** Everything the server printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM and wait; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait. */
  kill(): Promise<void>;
}

export const onPostgres = process.env.RECEIPTS_TEST_BACKEND === 'postgres';

export function tempDir(prefix = 'receipts-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Secrets and paths for a non-demo server on its own SQLite file. */
export function serverEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    RECEIPTS_DB: join(dir, 'receipts.db'),
    RECEIPTS_DEMO: 'off',
    RECEIPTS_WIDGET_SECRET: randomBytes(32).toString('base64url'),
    RECEIPTS_INGEST_KEYS: `test_ik_${randomBytes(16).toString('hex')}`,
    RECEIPTS_PEPPER: randomBytes(32).toString('base64url'),
    RECEIPTS_SIGNING_KEY: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    // Bodies go through a prepare worker, as on three cores or more (two prepare inline; the inline
    // path has tests of its own).
    RECEIPTS_PREPARE_WORKERS: '1',
    ...extra,
  };
}

export interface StartOptions {
  dir?: string;
  env?: Record<string, string>;
  reuseEnv?: Record<string, string>;
  /**
   * The store to put the server on when RECEIPTS_DB is not a postgres URL already (default: the test
   * project's). 'sqlite' keeps the file even in the PostgreSQL project, for tests that start from a SQLite
   * store; 'postgres' creates a fresh database, on the cluster of RECEIPTS_TEST_PG.
   */
  backend?: 'sqlite' | 'postgres';
}

export async function startServer(opts: StartOptions = {}): Promise<TestServer> {
  const dir = opts.dir ?? tempDir();
  const env = opts.reuseEnv ? { ...opts.reuseEnv, ...opts.env } : serverEnv(dir, opts.env);
  const backend = opts.backend ?? (onPostgres ? 'postgres' : 'sqlite');
  if (backend === 'postgres' && !env.RECEIPTS_DB?.startsWith('postgres')) {
    // The throwaway cluster goes with the test run; its databases need no dropping.
    const database = await freshPostgres();
    env.RECEIPTS_DB = database.url;
    env.RECEIPTS_DB_OWNER = database.ownerUrl;
  }
  const proc = spawn(process.execPath, [CLI, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((res) => proc.on('exit', (code) => res(code)));
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start:\n${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on http:\/\/localhost:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(`http://127.0.0.1:${m[1]}`);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });
  return {
    url,
    dir,
    dbPath: env.RECEIPTS_DB!,
    ingestKey: env.RECEIPTS_INGEST_KEYS?.split(',')[0] ?? '',
    widgetSecret: env.RECEIPTS_WIDGET_SECRET ?? '',
    env,
    proc,
    output: () => out,
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}

/** Mints a widget token as a host backend would (HS256 with the shared secret). */
export async function mintToken(
  server: { widgetSecret: string },
  opts: { userId: string; sessionId?: string; scope?: 'user' | 'support'; ttlSeconds?: number },
): Promise<string> {
  return new SignJWT({ scope: opts.scope ?? 'user', ...(opts.sessionId ? { sid: opts.sessionId } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(opts.userId)
    .setAudience('receipts')
    .setIssuedAt()
    .setExpirationTime(`${opts.ttlSeconds ?? 600}s`)
    .sign(new TextEncoder().encode(server.widgetSecret));
}

/** POSTs events with the server's ingest key. */
export function ingest(server: TestServer, body: unknown, key = server.ingestKey): Promise<Response> {
  return fetch(`${server.url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** GET/POST/DELETE on the user API with a widget token. */
export function asUser(
  server: TestServer,
  token: string,
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) },
  });
}

/** Runs the CLI against a server's store and configuration. */
export function cli(
  env: Record<string, string>,
  args: string[],
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A realistic sign-in event for `userId`. */
export function signIn(userId: string, sessionId: string, overrides: Record<string, unknown> = {}) {
  return {
    event_type: 'login_success',
    outcome: 'success',
    user_id: userId,
    session_id: sessionId,
    ip_address: '203.0.113.42',
    user_agent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    ...overrides,
  };
}
