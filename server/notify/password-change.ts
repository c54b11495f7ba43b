// RECEIPTS_REVOKE_ON_PASSWORD_CHANGE=on: a changed password signs out the user's other sessions, in the
// same transaction as the event, through the one revocation path (events and webhooks as usual).

import type { SessionRow } from '../derive/sessions.js';
import { revokeInTransaction } from '../domain/revoke.js';
import type { Deriver } from '../ingest/pipeline.js';
import type { Services } from '../services.js';

export function revokeOnPasswordChange(s: Services): Deriver {
  const others = s.store.sqlite.prepare<[string, string], SessionRow>(
    "SELECT * FROM sessions WHERE subject = ? AND status = 'active' AND ref IS NOT ?",
  );
  return function revokeOtherSessions(applied): void {
    const e = applied.prepared.event;
    const subject = applied.appended.subject;
    if (e.eventType !== 'password_change' || e.outcome === 'failure' || !subject || !e.userId) return;
    const sessions = others.all(subject, e.sessionRef ?? '');
    if (sessions.length === 0) return;
    const n = revokeInTransaction(s, { userId: e.userId, sessions, by: 'password_change' });
    s.metrics.inc('receipts_sessions_revoked_total', {}, n);
  };
}
