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

// One statement for every combination of filters: an absent bound is the widest one, an absent list or
// outcome is switched off by its parameter, so the subject's (subject, ts, seq) index still orders the scan.
const PAGE = sql({
  sqlite: `SELECT ${COLUMNS} ${FROM}
    WHERE e.subject = @subject AND (e.ts, e.seq) < (@cts, @cseq) AND e.ts >= @from AND e.ts <= @to
      AND (@outcome IS NULL OR e.outcome = @outcome)
      AND (@all_types = 1 OR e.event_type IN (SELECT value FROM json_each(@types)))
    ORDER BY e.ts DESC, e.seq DESC LIMIT @limit`,
  pg: `SELECT ${COLUMNS} ${FROM}
    WHERE e.subject = @subject AND (e.ts, e.seq) < (@cts, @cseq) AND e.ts >= @from AND e.ts <= @to
      AND (@outcome::text IS NULL OR e.outcome = @outcome)
      AND (@all_types = 1 OR e.event_type = ANY (SELECT jsonb_array_elements_text(@types::text::jsonb)))
    ORDER BY e.ts DESC, e.seq DESC LIMIT @limit`,
});
const ONE = sql(`SELECT ${COLUMNS} ${FROM} WHERE e.id = ? AND e.subject = ?`);
const EXPORT_PAGE = sql(
  `SELECT ${COLUMNS}, p.user_agent ${FROM}
   WHERE e.subject = ? AND (e.ts, e.seq) > (?, ?) ORDER BY e.ts, e.seq LIMIT ?`,
);
const SINCE = sql(`SELECT ${COLUMNS} ${FROM} WHERE e.subject = ? AND e.seq > ? ORDER BY e.seq LIMIT ?`);

// Timestamps are milliseconds, so these bounds lie outside any stored one.
const EARLIEST = -Number.MAX_SAFE_INTEGER;
const LATEST = Number.MAX_SAFE_INTEGER;

/** Up to `limit` of the subject's events, newest first, narrowed by `f`. */
export function activityPage(
  db: Db,
  subject: string,
  f: ActivityFilter,
  limit: number,
): Promise<ActivityRow[]> {
  const types = f.eventTypes ?? [];
  return db.all<ActivityRow>(PAGE, {
    subject,
    cts: f.before?.ts ?? LATEST,
    cseq: f.before?.seq ?? LATEST,
    from: f.from ?? EARLIEST,
    to: f.to ?? LATEST,
    outcome: f.outcome ?? null,
    all_types: types.length === 0 ? 1 : 0,
    types: JSON.stringify(types),
    limit,
  });
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
