// A user's activity as rows: their events with the personal data beside each one and the session it
// belongs to. Newest first for the pages and the live stream, oldest first for the right of access.
import { type Db, sql } from './sql.js';

export interface ActivityRow {
  seq: number;
  id: string;
  ts: number;
  event_type: string;
  level: string;
  outcome: string | null;
  session_ref: string | null;
  metadata: string | null;
  ip_net: string | null;
  location: string | null;
  browser: string | null;
  os: string | null;
  device_type: string | null;
  /** The device of the event's session: what a sign-out recorded by Receipts names. */
  s_browser: string | null;
  s_os: string | null;
  s_device_type: string | null;
  pvalues: string | null;
  session_id: string | null;
}

/**
 * A page's item as the database reads it: one array per row, in this column order (the statement is an
 * `arrays` one, so no object per row). `sessionDevice` is `[browser, os, type]` as JSON text, only for a
 * revocation with no device of its own; `pvalues` only when the metadata holds a personal placeholder.
 */
export type ItemRow = [
  seq: number,
  ts: number,
  id: string,
  eventType: string,
  level: string,
  outcome: string | null,
  browser: string | null,
  os: string | null,
  deviceType: string | null,
  sessionDevice: string | null,
  ipNet: string | null,
  location: string | null,
  current: 0 | 1,
  session: string | null,
  metadata: string | null,
  pvalues: string | null,
];

export type ExportRow = ActivityRow & { user_agent: string | null };

/** What a page may be narrowed to; every filter is optional. */
export interface ActivityFilter {
  /** The last item of the page before (its `ts` and `seq`): only older items follow it. */
  before?: { ts: number; seq: number };
  eventTypes?: readonly string[];
  outcome?: string;
  from?: number;
  to?: number;
}

const COLUMNS = `e.seq, e.id, e.ts, e.event_type, e.level, e.outcome, e.session_ref, e.metadata,
  p.ip_net, p.location, p.browser, p.os, p.device_type, p."values" AS pvalues, s.id AS session_id,
  s.browser AS s_browser, s.os AS s_os, s.device_type AS s_device_type`;
const FROM = `FROM events e LEFT JOIN personal_data p ON p.seq = e.seq LEFT JOIN sessions s ON s.ref = e.session_ref`;

// The page: plain columns, as arrays, and views/activity.ts writes each item's JSON from them (writing it
// in SQL, json_quote and || per field, took 12% more CPU a page). Only what needs another row is done
// here: a revocation's device is its session's.
const WHERE = `e.subject = @subject AND (e.ts, e.seq) < (@cts, @cseq) AND e.ts >= @from AND e.ts <= @to`;
const OWN_DEVICE = `(p.browser <> '' OR p.os <> '' OR p.device_type <> '')`;
// One statement for every combination of filters: an absent bound is the widest one, an absent list or
// outcome is switched off by its parameter, so the subject's (subject, ts, seq) index still orders the scan.
const PAGE = sql(
  {
    sqlite: `SELECT e.seq, e.ts, e.id, e.event_type, e.level, e.outcome, p.browser, p.os, p.device_type,
      CASE WHEN e.event_type <> 'session_revoked' OR ${OWN_DEVICE} THEN NULL ELSE
        (SELECT json_array(r.browser, r.os, r.device_type) FROM sessions r
          WHERE r.ref = e.session_ref AND (r.browser <> '' OR r.os <> '')) END,
      p.ip_net, p.location, coalesce(e.session_ref = @current, 0), s.id, e.metadata,
      CASE WHEN instr(e.metadata, '[personal]') > 0 THEN p."values" END
    ${FROM}
    WHERE ${WHERE}
      AND (@outcome IS NULL OR e.outcome = @outcome)
      AND (@all_types = 1 OR e.event_type IN (SELECT value FROM json_each(@types)))
    ORDER BY e.ts DESC, e.seq DESC LIMIT @limit`,
    pg: `SELECT e.seq, e.ts, e.id, e.event_type, e.level, e.outcome, p.browser, p.os, p.device_type,
      CASE WHEN e.event_type <> 'session_revoked' OR ${OWN_DEVICE} THEN NULL ELSE
        (SELECT json_build_array(r.browser, r.os, r.device_type)::text FROM sessions r
          WHERE r.ref = e.session_ref AND (r.browser <> '' OR r.os <> '')) END,
      p.ip_net, p.location, CASE WHEN e.session_ref = @current::text THEN 1 ELSE 0 END, s.id, e.metadata,
      CASE WHEN strpos(e.metadata, '[personal]') > 0 THEN p."values" END
    ${FROM}
    WHERE ${WHERE}
      AND (@outcome::text IS NULL OR e.outcome = @outcome)
      AND (@all_types = 1 OR e.event_type = ANY (SELECT jsonb_array_elements_text(@types::text::jsonb)))
    ORDER BY e.ts DESC, e.seq DESC LIMIT @limit`,
  },
  { arrays: true },
);
const ONE = sql(`SELECT ${COLUMNS} ${FROM} WHERE e.id = ? AND e.subject = ?`);
const EXPORT_PAGE = sql(
  `SELECT ${COLUMNS}, p.user_agent ${FROM}
   WHERE e.subject = ? AND (e.ts, e.seq) > (?, ?) ORDER BY e.ts, e.seq LIMIT ?`,
);
const SINCE = sql(`SELECT ${COLUMNS} ${FROM} WHERE e.subject = ? AND e.seq > ? ORDER BY e.seq LIMIT ?`);

// Timestamps are milliseconds, so these bounds lie outside any stored one.
const EARLIEST = -Number.MAX_SAFE_INTEGER;
const LATEST = Number.MAX_SAFE_INTEGER;

function pageParams(subject: string, f: ActivityFilter, limit: number) {
  const types = f.eventTypes ?? [];
  return {
    subject,
    cts: f.before?.ts ?? LATEST,
    cseq: f.before?.seq ?? LATEST,
    from: f.from ?? EARLIEST,
    to: f.to ?? LATEST,
    outcome: f.outcome ?? null,
    all_types: types.length === 0 ? 1 : 0,
    types: JSON.stringify(types),
    limit,
  };
}

/** Up to `limit` of the subject's events as items, newest first, narrowed by `f`. */
export function activityPage(
  db: Db,
  subject: string,
  f: ActivityFilter,
  limit: number,
  currentRef: string | null,
): Promise<ItemRow[]> {
  return db.all<ItemRow>(PAGE, { ...pageParams(subject, f, limit), current: currentRef });
}

/** One event of the subject's; another subject's event reads as a missing one. */
export function activityById(db: Db, subject: string, id: string): Promise<ActivityRow | undefined> {
  return db.get<ActivityRow>(ONE, [id, subject]);
}

/** Every event of the subject's, oldest first, with their own user agents, read a page at a time. */
export async function* activityForExport(
  db: Db,
  subject: string,
  pageSize = 1000,
): AsyncGenerator<ExportRow> {
  let after = { ts: EARLIEST, seq: 0 };
  for (;;) {
    const rows = await db.all<ExportRow>(EXPORT_PAGE, [subject, after.ts, after.seq, pageSize]);
    yield* rows;
    const last = rows[rows.length - 1];
    if (!last || rows.length < pageSize) return;
    after = { ts: last.ts, seq: last.seq };
  }
}

/** The subject's events after `afterSeq`, oldest first, at most `limit`. */
export function activitySince(
  db: Db,
  subject: string,
  afterSeq: number,
  limit: number,
): Promise<ActivityRow[]> {
  return db.all<ActivityRow>(SINCE, [subject, afterSeq, limit]);
}
