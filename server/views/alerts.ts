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
}

export function toAlertView(r: AlertRow): AlertView {
  return {
    id: r.id,
    rule: r.rule,
    severity: r.severity as AlertSeverity,
    status: r.status as AlertStatus,
    created_at: new Date(r.created_at).toISOString(),
    summary: r.summary,
    event_ids: JSON.parse(r.event_ids) as string[],
  };
}

export function listAlerts(sqlite: Sqlite, subject: string): AlertView[] {
  return sqlite
    .prepare<[string], AlertRow>('SELECT * FROM alerts WHERE subject = ? ORDER BY created_at DESC LIMIT 100')
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
    .prepare<[string, string], AlertRow>('SELECT * FROM alerts WHERE id = ? AND subject = ?')
    .get(id, subject);
  return row ? toAlertView(row) : null;
}
