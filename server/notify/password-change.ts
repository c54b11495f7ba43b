// RECEIPTS_REVOKE_ON_PASSWORD_CHANGE=on: a changed password signs out the user's other sessions, in the
// same transaction as the event, through the one revocation path (events and webhooks as usual).
import { revokeInTransaction } from '../domain/revoke.js';
import type { Deriver } from '../ingest/pipeline.js';
import type { Services } from '../services.js';
import { activeSessionsExcept } from '../store/sessions.js';

export function revokeOnPasswordChange(s: Services): Deriver {
  return async function revokeOtherSessions(applied, tx) {
    const e = applied.prepared.event;
    const subject = applied.appended.subject;
    if (e.eventType !== 'password_change' || e.outcome === 'failure' || !subject || !e.userId) return;
    const sessions = await activeSessionsExcept(tx, subject, e.sessionRef ?? null);
    if (sessions.length === 0) return;
    // The `session_revoked` events and the sessions to announce go back to the pipeline.
    const { record, sessions: changed } = await revokeInTransaction(s, tx, {
      userId: e.userId,
      sessions,
      by: 'password_change',
    });
    return { record, sessions: changed };
  };
}
