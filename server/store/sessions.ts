// Session rows: mutable state beside the log, keyed by the HMAC of the host's session id (`ref`).
import type { SessionStatus } from '../../shared/api.js';
import { type Db, sql } from './sql.js';

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
     @browser, @os, @device_type, @device_id, @host_tag) ON CONFLICT (ref) DO NOTHING RETURNING id`,
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
   WHERE ref = @ref AND (@subject IS NULL OR subject = @subject) RETURNING id, status`,
  pg: `UPDATE sessions SET
     location = CASE WHEN @ts::bigint >= last_seen_at AND @ip_net::text IS NOT NULL THEN @location ELSE location END,
     ip_net = CASE WHEN @ts::bigint >= last_seen_at AND @ip_net::text IS NOT NULL THEN @ip_net ELSE ip_net END,
     browser = COALESCE(browser, @browser), os = COALESCE(os, @os), device_type = COALESCE(device_type, @device_type),
     device_id = COALESCE(device_id, @device_id),
     last_seen_at = GREATEST(last_seen_at, @ts::bigint)
   WHERE ref = @ref AND (@subject::text IS NULL OR subject = @subject) RETURNING id, status`,
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

/** Opens a session; false when its ref is already another session's. */
export async function insertSession(db: Db, s: NewSession): Promise<boolean> {
  return (await db.get(OPEN, { ...s })) !== undefined;
}
/** Touches the session with this ref unless it is another subject's; its id and status, or undefined. */
export const touchSessionByRef = (
  db: Db,
  s: Omit<SessionSeen, 'id'> & { ref: string; subject: string | null },
): Promise<{ id: string; status: SessionStatus } | undefined> => db.get(SEEN_BY_REF, { ...s });
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
