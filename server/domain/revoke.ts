// Revocation: the session ends, `session_revoked` records who did it, and the host hears of it by webhook.
import type { SessionRow } from '../derive/sessions.js';
import { ownEvent } from '../ingest/pipeline.js';
import type { Services } from '../services.js';

export interface RevokeRequest {
  userId: string;
  sessions: SessionRow[];
  /** Who: `user`, `user:report`, `support:<agent>`. */
  by: string;
  reason?: string;
}

/** Revokes the given sessions in one transaction; returns how many were still active. */
export async function revokeSessions(s: Services, req: RevokeRequest): Promise<number> {
  if (req.sessions.length === 0) return 0;
  const count = await s.pipeline.transact(() => revokeInTransaction(s, req));
  s.metrics.inc('receipts_sessions_revoked_total', {}, count);
  return count;
}

/** The revocation itself, inside the caller's transaction (so it can share it with what caused it). */
export function revokeInTransaction(s: Services, req: RevokeRequest): number {
  let n = 0;
  const now = Date.now();
  for (const session of req.sessions) {
    if (!s.sessions.revoke(session.id, req.by, now)) continue;
    n++;
    s.pipeline.apply(
      ownEvent(
        s.pipeline,
        {
          event_type: 'session_revoked',
          user_id: req.userId,
          outcome: 'success',
          metadata: {
            session: session.id,
            revoked_by: req.by,
            ...(req.reason ? { reason: req.reason } : {}),
          },
        },
        session.ref,
      ),
    );
    s.outbox.enqueue(
      'session.revoked',
      {
        user_id: req.userId,
        session: session.id,
        session_tag: session.host_tag,
        revoked_by: req.by,
        revoked_at: new Date(now).toISOString(),
      },
      session.subject,
    );
    s.pipeline.touchSession(session.subject, session.id);
  }
  return n;
}
