// Alerts about one account, as the user sees them.
import type { AlertSeverity, AlertStatus, AlertView } from '../../shared/api.js';
import { type AlertRow, acknowledge, alertOf, alertsOf } from '../store/alerts.js';
import type { Db } from '../store/sql.js';

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

export async function listAlerts(db: Db, subject: string): Promise<AlertView[]> {
  return (await alertsOf(db, subject)).map(toAlertView);
}

/**
 * "Yes, this was me": marks an open alert acknowledged, inside the caller's transaction. Null when it is
 * not this subject's.
 */
export async function acknowledgeAlert(tx: Db, subject: string, id: string): Promise<AlertView | null> {
  await acknowledge(tx, subject, id, Date.now());
  return findAlert(tx, subject, id);
}

export async function findAlert(db: Db, subject: string, id: string): Promise<AlertView | null> {
  const row = await alertOf(db, subject, id);
  return row ? toAlertView(row) : null;
}
