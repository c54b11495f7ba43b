// Alerts about one account, as the user sees them.
import type { AlertSeverity, AlertStatus, AlertView } from '../../shared/api.js';
import type { Sqlite } from '../store/db.js';

interface AlertRow {
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

/** Alerts with the state of the session each is about: a signed-out session settles its alert. */
const SELECT = `SELECT a.*, s.status AS session_status FROM alerts a LEFT JOIN sessions s ON s.id = a.session_id`;

function paramsOf(json: string | null): AlertView['params'] {
  if (!json) return {};
  try {
    return JSON.parse(json) as AlertView['params'];
  } catch {
    return {};
  }
}

export function toAlertView(r: AlertRow): AlertView {
  // Revoked (by the user, a report, support, the host or a link): nothing is left to decide.
  const settled = r.session_status === 'revoked' && r.status !== 'acknowledged';
  return {
    id: r.id,
    rule: r.rule,
    severity: r.severity as AlertSeverity,
    status: (settled ? 'resolved' : r.status) as AlertStatus,
    params: paramsOf(r.params),
    session: r.session_id,
    created_at: new Date(r.created_at).toISOString(),
    summary: r.summary,
    event_ids: JSON.parse(r.event_ids) as string[],
  };
}

export function listAlerts(sqlite: Sqlite, subject: string): AlertView[] {
  return sqlite
    .prepare<[string], AlertRow>(`${SELECT} WHERE a.subject = ? ORDER BY a.created_at DESC LIMIT 100`)
    .all(subject)
    .map(toAlertView);
}

/** "Yes, this was me": marks an open alert acknowledged. Null when it is not this subject's. */
export function acknowledgeAlert(sqlite: Sqlite, subject: string, id: string): AlertView | null {
  sqlite
    .prepare(
      "UPDATE alerts SET status = 'acknowledged', updated_at = ? WHERE id = ? AND subject = ? AND status = 'open'",
    )
    .run(Date.now(), id, subject);
  return findAlert(sqlite, subject, id);
}

export function findAlert(sqlite: Sqlite, subject: string, id: string): AlertView | null {
  const row = sqlite
    .prepare<[string, string], AlertRow>(`${SELECT} WHERE a.id = ? AND a.subject = ?`)
    .get(id, subject);
  return row ? toAlertView(row) : null;
}
