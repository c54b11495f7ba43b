// Session rows: mutable state beside the log, keyed by the HMAC of the host's session id (`ref`).
import type { SessionStatus } from '../../shared/api.js';
import { type Db, type Statement, sql } from './sql.js';
import { type CachedRow, rowWrites, type WriteBehind, writeChanged } from './write-behind.js';

export interface SessionRow {
  id: string;
  ref: string;
  subject: string;
  status: SessionStatus;
  created_at: number;
  last_seen_at: number;
  ip_net: string | null;
  location: string | null;
  browser: string | null;
  os: string | null;
  device_type: string | null;
  device_id: string | null;
  ended_at: number | null;
  revoked_by: string | null;
  host_tag: string | null;
}

export interface NewSession {
  id: string;
  ref: string;
  subject: string;
  ts: number;
  ip_net: string | null;
  location: string | null;
  browser: string | null;
  os: string | null;
  device_type: string | null;
  device_id: string | null;
  host_tag: string | null;
}

export interface SessionSeen {
  id: string;
  ts: number;
  ip_net: string | null;
  location: string | null;
  browser: string | null;
  os: string | null;
  device_type: string | null;
  device_id: string | null;
}

const BY_REF = sql('SELECT * FROM sessions WHERE ref = ?');
const BY_ID = sql('SELECT * FROM sessions WHERE id = ?');
const OF_SUBJECT = sql('SELECT * FROM sessions WHERE id = ? AND subject = ?');
const ACTIVE = sql(
  "SELECT * FROM sessions WHERE subject = ? AND status = 'active' ORDER BY last_seen_at DESC",
);
const ACTIVE_EXCEPT = sql(
  "SELECT * FROM sessions WHERE subject = ? AND status = 'active' AND ref IS DISTINCT FROM ? ORDER BY last_seen_at DESC",
);
// A ref already taken (by another user's session) opens nothing: the insert returns no row.
const OPEN = sql(
  `INSERT INTO sessions (id, ref, subject, status, created_at, last_seen_at, ip_net, location, browser, os,
     device_type, device_id, host_tag) VALUES (@id, @ref, @subject, 'active', @ts, @ts, @ip_net, @location,
     @browser, @os, @device_type, @device_id, @host_tag) ON CONFLICT (ref) DO NOTHING RETURNING *`,
);
// The newest sighting wins for where the session is; the first one for what it runs on.
// Touched by ref in one statement; a session of another user (the event's subject differs) is left alone.
const SEEN_BY_REF = sql({
  sqlite: `UPDATE sessions SET
     location = CASE WHEN @ts >= last_seen_at AND @ip_net IS NOT NULL THEN @location ELSE location END,
     ip_net = CASE WHEN @ts >= last_seen_at AND @ip_net IS NOT NULL THEN @ip_net ELSE ip_net END,
     browser = COALESCE(browser, @browser), os = COALESCE(os, @os), device_type = COALESCE(device_type, @device_type),
     device_id = COALESCE(device_id, @device_id),
     last_seen_at = MAX(last_seen_at, @ts)
   WHERE ref = @ref AND (@subject IS NULL OR subject = @subject) RETURNING *`,
  pg: `UPDATE sessions SET
     location = CASE WHEN @ts::bigint >= last_seen_at AND @ip_net::text IS NOT NULL THEN @location ELSE location END,
     ip_net = CASE WHEN @ts::bigint >= last_seen_at AND @ip_net::text IS NOT NULL THEN @ip_net ELSE ip_net END,
     browser = COALESCE(browser, @browser), os = COALESCE(os, @os), device_type = COALESCE(device_type, @device_type),
     device_id = COALESCE(device_id, @device_id),
     last_seen_at = GREATEST(last_seen_at, @ts::bigint)
   WHERE ref = @ref AND (@subject::text IS NULL OR subject = @subject) RETURNING *`,
});
const END = sql(
  "UPDATE sessions SET status = @status, ended_at = @ts, revoked_by = @by WHERE id = @id AND status = 'active'",
);
const FORGET_DETAILS = sql(
  'UPDATE sessions SET ip_net = NULL, location = NULL, browser = NULL, os = NULL, device_type = NULL, device_id = NULL WHERE subject = ?',
);

export const sessionByRef = (db: Db, ref: string) => db.get<SessionRow>(BY_REF, [ref]);
export const sessionById = (db: Db, id: string) => db.get<SessionRow>(BY_ID, [id]);
/** The subject's session with this id; another user's session is indistinguishable from a missing one. */
export const sessionOf = (db: Db, subject: string, id: string) =>
  db.get<SessionRow>(OF_SUBJECT, [id, subject]);
export const activeSessions = (db: Db, subject: string) => db.all<SessionRow>(ACTIVE, [subject]);
/** The subject's active sessions other than the one with `ref` (null: all of them). */
export const activeSessionsExcept = (db: Db, subject: string, ref: string | null) =>
  db.all<SessionRow>(ACTIVE_EXCEPT, [subject, ref]);

/** Ends an active session; returns false when it was not active. */
export async function endSession(
  db: Db,
  id: string,
  status: SessionStatus,
  at: number,
  by: string | null,
): Promise<boolean> {
  return (await db.run(END, { id, status, ts: at, by })) > 0;
}
/** Erasure: the rows stay (the host must still hear "revoked"), their details go. */
export const forgetSessionDetails = (db: Db, subject: string) => db.run(FORGET_DETAILS, [subject]);

// The write-behind side: a batch's sessions read at once, touched in memory, each changed row written once.
const BY_REFS = sql({
  sqlite: 'SELECT * FROM sessions WHERE ref IN (SELECT value FROM json_each(?))',
  pg: 'SELECT * FROM sessions WHERE ref = ANY (?::text[])',
});
const WRITES = rowWrites<SessionRow>(
  'sessions',
  {
    id: 'text',
    ref: 'text',
    subject: 'text',
    status: 'text',
    created_at: 'bigint',
    last_seen_at: 'bigint',
    ip_net: 'text',
    location: 'text',
    browser: 'text',
    os: 'text',
    device_type: 'text',
    device_id: 'text',
    ended_at: 'bigint',
    revoked_by: 'text',
    host_tag: 'text',
  },
  [
    'status',
    'last_seen_at',
    'ip_net',
    'location',
    'browser',
    'os',
    'device_type',
    'device_id',
    'ended_at',
    'revoked_by',
  ],
);
const OWN: ReadonlySet<Statement> = new Set([BY_REFS, OPEN, SEEN_BY_REF, ...WRITES.statements]);

type Sighting = Omit<SessionSeen, 'id'> & { ref: string; subject: string | null };
type Cached = CachedRow<SessionRow>;

/** A cache bigger than this after a flush is dropped: one batch needs its own sessions only. */
const MAX_CACHED = 20_000;

/**
 * Sessions as the derivers see them inside a write transaction. Rows read for a batch (or touched once
 * in the store) stay in memory while events apply one by one, so a session's second event in a batch
 * finds it as the first left it; changed rows are written at the end of the job. The cache lives for one
 * transaction at most: another server, or a CLI verb, may change sessions between two.
 */
export class SessionBuffer implements WriteBehind {
  readonly tables = ['sessions'] as const;
  /** By ref; null when the store has no session with that ref. Refs not in it are unknown. */
  private cached = new Map<string, Cached | null>();

  owns(st: Statement): boolean {
    return OWN.has(st);
  }

  /** One read for a batch: the sessions with these refs (those not cached yet). */
  async prefetch(db: Db, refs: Iterable<string>): Promise<void> {
    const wanted = [...new Set(refs)].filter((r) => !this.cached.has(r));
    if (wanted.length === 0) return;
    const param = db.dialect === 'postgres' ? wanted : JSON.stringify(wanted);
    for (const r of wanted) this.cached.set(r, null);
    for (const row of await db.all<SessionRow>(BY_REFS, [param]))
      this.cached.set(row.ref, { row, state: 'clean' });
  }

  /** Touches the session with this ref unless it is another subject's; its id and status, or undefined. */
  async touch(db: Db, s: Sighting): Promise<{ id: string; status: SessionStatus } | undefined> {
    const c = this.cached.get(s.ref);
    if (c === undefined) {
      // Not read for this batch: touched in the store in one statement, as before there was a cache.
      const row = await db.get<SessionRow>(SEEN_BY_REF, { ...s });
      if (row) this.cached.set(row.ref, { row, state: 'clean' });
      return row && { id: row.id, status: row.status };
    }
    if (c === null || (s.subject !== null && c.row.subject !== s.subject)) return undefined;
    if (seen(c.row, s) && c.state === 'clean') c.state = 'dirty';
    return { id: c.row.id, status: c.row.status };
  }

  /** Opens a session; false when its ref is already another session's. */
  async open(db: Db, s: NewSession): Promise<boolean> {
    const c = this.cached.get(s.ref);
    if (c === undefined) {
      const row = await db.get<SessionRow>(OPEN, { ...s });
      if (row) this.cached.set(row.ref, { row, state: 'clean' });
      return row !== undefined;
    }
    if (c !== null) return false;
    const { ts, ...rest } = s;
    this.cached.set(s.ref, {
      row: { ...rest, status: 'active', created_at: ts, last_seen_at: ts, ended_at: null, revoked_by: null },
      state: 'new',
    });
    return true;
  }

  /** Ends a session the job touched; false when it was not active. */
  async end(
    db: Db,
    session: { id: string; ref: string },
    status: SessionStatus,
    at: number,
    by: string | null,
  ) {
    const c = this.cached.get(session.ref);
    if (!c) return endSession(db, session.id, status, at, by);
    if (c.row.status !== 'active') return false;
    c.row.status = status;
    c.row.ended_at = at;
    c.row.revoked_by = by;
    if (c.state === 'clean') c.state = 'dirty';
    return true;
  }

  async flush(db: Db): Promise<void> {
    await writeChanged(db, this.cached.values(), WRITES);
    if (this.cached.size > MAX_CACHED) this.cached.clear();
  }

  forget(): void {
    // Only called right after a flush: nothing unwritten is lost.
    this.cached.clear();
  }

  drop(): void {
    this.cached.clear();
  }
}

/** The sighting applied to a cached row as SEEN_BY_REF applies it to a stored one; whether it changed. */
function seen(row: SessionRow, s: Sighting): boolean {
  const moves = s.ts >= row.last_seen_at && s.ip_net !== null;
  const next: Partial<SessionRow> = {
    location: moves ? s.location : row.location,
    ip_net: moves ? s.ip_net : row.ip_net,
    browser: row.browser ?? s.browser,
    os: row.os ?? s.os,
    device_type: row.device_type ?? s.device_type,
    device_id: row.device_id ?? s.device_id,
    last_seen_at: Math.max(row.last_seen_at, s.ts),
  };
  const changed = (Object.keys(next) as (keyof SessionRow)[]).some((k) => row[k] !== next[k]);
  Object.assign(row, next);
  return changed;
}

/** Column arrays for an unnest statement. */
