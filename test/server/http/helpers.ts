// Helpers shared by the HTTP and route tests: the store read-only, hand-built JWTs, the app's route list.
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { ActivityItem, Page } from '../../../shared/api.js';
import { freshPostgres } from '../../support/postgres.js';
import { asUser, onPostgres, ROOT, serverEnv, type TestServer, tempDir } from '../../support/server.js';

/** The server's store, opened read-only (the server keeps writing; WAL lets us read beside it). */
export function openDb(server: TestServer): Database.Database {
  return new Database(server.dbPath, { readonly: true, fileMustExist: true });
}

export interface EventRow {
  seq: number;
  id: string;
  event_type: string;
  request_id: string | null;
  metadata: string | null;
  ip: string | null;
  user_id: string | null;
}

const EVENTS_OF_TYPE = `SELECT e.seq, e.id, e.event_type, e.request_id, e.metadata, p.ip, p.user_id
  FROM events e LEFT JOIN personal_data p ON p.seq = e.seq WHERE e.event_type = $1 ORDER BY e.seq`;

/** Events of one type with their personal data, oldest first, read from either backend. */
export async function eventsOfType(server: TestServer, type: string): Promise<EventRow[]> {
  if (server.dbPath.startsWith('postgres')) {
    const client = new pg.Client({ connectionString: server.env.RECEIPTS_DB_OWNER ?? server.dbPath });
    await client.connect();
    try {
      return (await client.query<EventRow>(EVENTS_OF_TYPE, [type])).rows.map((r) => ({
        ...r,
        seq: Number(r.seq),
      }));
    } finally {
      await client.end();
    }
  }
  const db = openDb(server);
  try {
    return db.prepare<[string], EventRow>(EVENTS_OF_TYPE.replace('$1', '?')).all(type);
  } finally {
    db.close();
  }
}

export function metadataOf(row: EventRow): Record<string, unknown> {
  return row.metadata ? (JSON.parse(row.metadata) as Record<string, unknown>) : {};
}

/** Everything the store holds on disk (main file, WAL, shared memory), as one string to search. */
export function storeBytes(server: TestServer): string {
  let all = '';
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      all += readFileSync(`${server.dbPath}${suffix}`).toString('latin1');
    } catch {
      // a file that does not exist holds nothing
    }
  }
  return all;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT built by hand: any header, any claims, signed HS256 with `secret` or left unsigned. */
export function handJwt(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  secret: string | null,
): string {
  const head = `${b64(header)}.${b64(claims)}`;
  const sig = secret === null ? '' : createHmac('sha256', secret).update(head).digest('base64url');
  return `${head}.${sig}`;
}

/** The tokens a widget route must refuse, each with the reason the server records. */
export function badTokens(server: TestServer, userId: string) {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: userId, aud: 'receipts', scope: 'user', iat: now, exp: now + 300 };
  const hs = { alg: 'HS256', typ: 'JWT' };
  return [
    {
      name: 'expired',
      token: handJwt(hs, { ...claims, iat: now - 900, exp: now - 120 }, server.widgetSecret),
      reason: 'expired',
    },
    {
      name: 'wrong audience',
      token: handJwt(hs, { ...claims, aud: 'someone-else' }, server.widgetSecret),
      reason: 'wrong audience',
    },
    {
      name: 'alg none',
      token: handJwt({ alg: 'none', typ: 'JWT' }, claims, null),
      reason: 'algorithm not allowed',
    },
    {
      name: 'wrong secret',
      token: handJwt(hs, claims, randomBytes(32).toString('base64url')),
      reason: 'bad signature',
    },
    {
      name: 'lifetime too long',
      token: handJwt(hs, { ...claims, exp: now + 3600 }, server.widgetSecret),
      reason: 'lifetime longer than 15 minutes',
    },
    { name: 'ingest key as widget token', token: server.ingestKey, reason: 'not a widget token' },
  ];
}

export async function json<T>(res: Response): Promise<T> {
  const text = await res.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`not JSON (${res.status}): ${text.slice(0, 200)}`);
  }
}

/** Every activity item of the token's user, following the cursor to the end. */
export async function allActivity(server: TestServer, token: string, query = ''): Promise<ActivityItem[]> {
  const items: ActivityItem[] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams(query);
    q.set('limit', '200');
    if (cursor) q.set('cursor', cursor);
    const res = await asUser(server, token, `/v1/me/activity?${q}`);
    if (res.status !== 200) throw new Error(`activity: ${res.status} ${await res.text()}`);
    const page = await json<Page<ActivityItem>>(res);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

/** The public session id (`ses_…`) Receipts gave the session an event of the user's belongs to. */
export async function sessionOf(server: TestServer, token: string, eventId: string): Promise<string> {
  const item = (await allActivity(server, token)).find((i) => i.id === eventId);
  if (!item?.session) throw new Error(`event ${eventId} has no session`);
  return item.session;
}

export interface RegisteredRoute {
  method: string;
  path: string;
}

type AppModule = typeof import('../../../server/app.js');
type ServicesModule = typeof import('../../../server/services.js');

export interface InProcessApp {
  app: ReturnType<AppModule['createApp']>;
  services: ReturnType<ServicesModule['createServices']>;
  env: Record<string, string>;
  /** What the app logged. */
  logs: string[];
  close(): Promise<void>;
}

/** The built app (`dist/`, the code the server runs), in-process over a throwaway store. */
export async function buildApp(extraEnv: Record<string, string> = {}): Promise<InProcessApp> {
  const dist = (p: string) => pathToFileURL(join(ROOT, 'dist/server', p)).href;
  const { createApp } = (await import(dist('app.js'))) as AppModule;
  const { loadConfig } = (await import(dist('config.js'))) as typeof import('../../../server/config.js');
  const { createLogger } = (await import(dist('log.js'))) as typeof import('../../../server/log.js');
  const { createServices } = (await import(dist('services.js'))) as ServicesModule;
  const { openStore, applyMigrations } = (await import(
    dist('store/db.js')
  )) as typeof import('../../../server/store/db.js');
  const env = serverEnv(tempDir('receipts-app-'), extraEnv);
  if (onPostgres) {
    const database = await freshPostgres();
    env.RECEIPTS_DB = database.url;
    env.RECEIPTS_DB_OWNER = database.ownerUrl;
  }
  const config = loadConfig(env);
  const store = await openStore(config.dbPath);
  await applyMigrations(store, config.dbOwnerUrl);
  const logs: string[] = [];
  const services = createServices(
    config,
    createLogger('info', (line) => logs.push(line)),
    store,
  );
  const app = createApp(services);
  return {
    app,
    services,
    env,
    logs,
    close: async () => {
      await services.preparer.close();
      await services.store.close();
    },
  };
}

/** The routes the built app registers (not middleware), read from the same `createApp` the server runs. */
export async function registeredRoutes(): Promise<RegisteredRoute[]> {
  const built = await buildApp();
  try {
    const seen = new Set<string>();
    const routes: RegisteredRoute[] = [];
    for (const r of built.app.routes) {
      if (r.method === 'ALL') continue; // middleware
      const path = r.path.length > 1 ? r.path.replace(/\/$/, '') : r.path;
      const key = `${r.method} ${path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      routes.push({ method: r.method, path });
    }
    return routes;
  } finally {
    await built.close();
  }
}
