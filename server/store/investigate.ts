// Admin look-ups: events by address, address range or account, oldest first, with the full personal data
// beside each one; and what an evidence export copies of one event's personal data.
import type { EventRow } from './events.js';
import { type Db, sql } from './sql.js';

export type InvestigationRow = Omit<EventRow, 'session_ref' | 'pii_commit' | 'prev_hash'> & {
  user_id: string | null;
  ip: string | null;
  user_agent: string | null;
  pvalues: string | null;
  session_id: string | null;
};

/** Exactly one of the three look-ups; an absent time bound is the widest, an absent cursor the start. */
export type InvestigationMatch =
  | { by: 'ip'; key: Buffer }
  | { by: 'range'; low: Buffer; high: Buffer }
  | { by: 'subject'; subject: string };

export interface InvestigationWindow {
  from?: number;
  to?: number;
  /** The last item of the page before: only later items follow it. */
  after?: { ts: number; seq: number };
}

const SELECT = `SELECT e.seq, e.id, e.ts, e.received_at, e.event_type, e.level, e.outcome, e.subject, e.request_id,
  e.resource_type, e.resource_id, e.action, e.metadata, e.hash, p.user_id, p.ip, p.user_agent, p."values" AS pvalues,
  s.id AS session_id
  FROM events e LEFT JOIN personal_data p ON p.seq = e.seq LEFT JOIN sessions s ON s.ref = e.session_ref`;
const WINDOW =
  'e.ts >= @from AND e.ts <= @to AND (e.ts, e.seq) > (@cts, @cseq) ORDER BY e.ts, e.seq LIMIT @limit';

const BY = {
  ip: sql(`${SELECT} WHERE p.ip_key = @key AND ${WINDOW}`),
  range: sql(`${SELECT} WHERE p.ip_key BETWEEN @low AND @high AND ${WINDOW}`),
  subject: sql(`${SELECT} WHERE e.subject = @subject AND ${WINDOW}`),
} as const;

const EARLIEST = -Number.MAX_SAFE_INTEGER;
const LATEST = Number.MAX_SAFE_INTEGER;

/** Up to `limit` matching events, oldest first. */
export function investigationPage(
  db: Db,
  match: InvestigationMatch,
  w: InvestigationWindow,
  limit: number,
): Promise<InvestigationRow[]> {
  const { by, ...values } = match;
  return db.all<InvestigationRow>(BY[by], {
    ...values,
    from: w.from ?? EARLIEST,
    to: w.to ?? LATEST,
    cts: w.after?.ts ?? EARLIEST,
    cseq: w.after?.seq ?? 0,
    limit,
  });
}

export interface EvidencePersonal {
  salt: Buffer;
  user_id: string | null;
  ip: string | null;
  user_agent: string | null;
  values: string | null;
}

const PERSONAL = sql('SELECT salt, user_id, ip, user_agent, "values" FROM personal_data WHERE seq = ?');

/** The personal data an export needs to recompute one event's commitment. */
export function personalForEvidence(db: Db, seq: number): Promise<EvidencePersonal | undefined> {
  return db.get<EvidencePersonal>(PERSONAL, [seq]);
}
