// Revocation, written once: the session ends, `session_revoked` records who did it, the host hears of it
// by webhook and the user's open pages by the live stream. Users, support, reports, revoke links, a
// password change and erasure all sign sessions out through here.
import type { SessionRow } from '../derive/sessions.js';
import type { Derived, OwnEvent } from '../ingest/pipeline.js';
import type { Services } from '../services.js';
import { endSession } from '../store/sessions.js';
import type { Db } from '../store/sql.js';

export interface RevokeRequest {
  /** The account's user id; null once erased (the events then carry only the pseudonym). */
  userId: string | null;
  sessions: SessionRow[];
  /** Who: `user`, `user:report`, `support:<agent>`, `link`, `password_change`, `erasure`. */
  by: string;
  reason?: string;
}

/** Revokes the given sessions in one transaction; returns how many were still active. */
export async function revokeSessions(s: Services, req: RevokeRequest): Promise<number> {
  if (req.sessions.length === 0) return 0;
  return s.pipeline.transact(async (tx) => {
    const revoked = await revokeInTransaction(s, tx, req);
    for (const e of revoked.record ?? []) await s.pipeline.record(tx, e);
    for (const t of revoked.sessions ?? []) s.pipeline.touchSession(t.subject, t.id);
    return revoked.count;
  });
}

/**
 * The revocation itself, inside the caller's transaction: ends the sessions, queues the webhooks, and
 * returns the events to record and the sessions to announce (a deriver hands them back to the pipeline).
 */
export async function revokeInTransaction(
  s: Services,
  tx: Db,
  req: RevokeRequest,
): Promise<Derived & { count: number }> {
  const now = Date.now();
  const record: OwnEvent[] = [];
  const sessions: { subject: string; id: string }[] = [];
  for (const session of req.sessions) {
    if (!(await endSession(tx, session.id, 'revoked', now, req.by))) continue;
    record.push({
      event_type: 'session_revoked',
      ...(req.userId ? { user_id: req.userId } : {}),
      outcome: 'success',
      session_ref: session.ref,
      metadata: {
        session: session.id,
        revoked_by: req.by,
        ...(req.reason ? { reason: req.reason } : {}),
      },
    });
    await s.outbox.enqueue(
      tx,
      'session.revoked',
      {
        ...(req.userId ? { user_id: req.userId } : {}),
        session: session.id,
        session_tag: session.host_tag,
        revoked_by: req.by,
        revoked_at: new Date(now).toISOString(),
      },
      session.subject,
    );
    sessions.push({ subject: session.subject, id: session.id });
  }
  if (record.length > 0) s.metrics.inc('receipts_sessions_revoked_total', {}, record.length);
  return { record, sessions, count: record.length };
}
