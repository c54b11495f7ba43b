// Alert rows: one per rule and burst (`dedupe_key`), folded into while open, with the session each is about.
import type { AlertSeverity } from '../../shared/api.js';
import { type Db, sql } from './sql.js';

export interface OpenAlert {
  id: string;
  severity: AlertSeverity;
  event_ids: string;
}

export interface NewAlert {
  id: string;
  subject: string | null;
  rule: string;
  severity: AlertSeverity;
  created_at: number;
  updated_at: number;
  summary: string;
  /** JSON array of event ids. */
  event_ids: string;
  dedupe_key: string;
  /** JSON object. */
  params: string;
  session_id: string | null;
}

/** An alert as the account's views read it, with the state of the session it is about. */
export interface AlertRow {
  id: string;
  rule: string;
  severity: string;
  status: string;
  created_at: number;
  summary: string;
  event_ids: string;
  params: string | null;
  session_id: string | null;
  session_status: string | null;
}

const FIND_OPEN = sql(
  "SELECT id, severity, event_ids FROM alerts WHERE dedupe_key = ? AND status = 'open' AND created_at >= ? ORDER BY created_at DESC LIMIT 1",
);
const INSERT = sql(
  `INSERT INTO alerts (id, subject, rule, severity, status, created_at, updated_at, summary, event_ids, dedupe_key,
     params, session_id) VALUES (@id, @subject, @rule, @severity, 'open', @created_at, @updated_at, @summary,
     @event_ids, @dedupe_key, @params, @session_id)`,
);
const EXTEND = sql(
  'UPDATE alerts SET event_ids = ?, severity = ?, summary = ?, params = COALESCE(?, params), updated_at = ? WHERE id = ?',
);
// A signed-out session settles its alert: the views read the session's state beside each alert.
const LIST = sql(
  `SELECT a.*, s.status AS session_status FROM alerts a LEFT JOIN sessions s ON s.id = a.session_id
   WHERE a.subject = ? ORDER BY a.created_at DESC LIMIT 100`,
);
const ONE = sql(
  `SELECT a.*, s.status AS session_status FROM alerts a LEFT JOIN sessions s ON s.id = a.session_id
   WHERE a.id = ? AND a.subject = ?`,
);
const ACKNOWLEDGE = sql(
  "UPDATE alerts SET status = 'acknowledged', updated_at = ? WHERE id = ? AND subject = ? AND status = 'open'",
);

/** The newest open alert with this key created at or after `since`, to fold a new hit into. */
export const findOpenAlert = (db: Db, dedupeKey: string, since: number) =>
  db.get<OpenAlert>(FIND_OPEN, [dedupeKey, since]);

export const insertAlert = (tx: Db, a: NewAlert) => tx.run(INSERT, { ...a });

/** Folds a hit into an open alert; `params` null keeps the ones it has. */
export const extendAlert = (
  tx: Db,
  a: {
    id: string;
    event_ids: string;
    severity: AlertSeverity;
    summary: string;
    params: string | null;
    at: number;
  },
) => tx.run(EXTEND, [a.event_ids, a.severity, a.summary, a.params, a.at, a.id]);

/** The account's newest 100 alerts. */
export const alertsOf = (db: Db, subject: string) => db.all<AlertRow>(LIST, [subject]);

/** One of the account's alerts; another account's is indistinguishable from a missing one. */
export const alertOf = (db: Db, subject: string, id: string) => db.get<AlertRow>(ONE, [id, subject]);

/** Marks an open alert of the account acknowledged; returns whether one was. */
export async function acknowledge(tx: Db, subject: string, id: string, at: number): Promise<boolean> {
  return (await tx.run(ACKNOWLEDGE, [at, id, subject])) > 0;
}
