// Erasure: recorded, cancellable during the grace period, then carried out in one transaction. The person
// goes (personal data, the user id ↔ pseudonym link, sessions' and devices' details); every event stays,
// so the chain still verifies and the evidence remains, pseudonymous.
import type { ErasureView } from '../../shared/api.js';
import { randomId } from '../ids.js';
import type { Services } from '../services.js';
import { deleteDevicesOf } from '../store/devices.js';
import {
  blankAlertsOf,
  cancelPendingErasure,
  completeErasureRequest,
  deletePersonalOf,
  deleteRevokeLinksOf,
  dueErasures,
  insertCompletedErasure,
  insertErasureRequest,
  latestErasureRequest,
  pendingErasureId,
} from '../store/erasure.js';
import { activeSessions, forgetSessionDetails } from '../store/sessions.js';
import type { Db } from '../store/sql.js';
import { forgetRuleHits } from '../store/windows.js';
import { holdOf } from './legal-hold.js';
import { revokeInTransaction } from './revoke.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** An erasure the store refuses (a legal hold), with the reason to show whoever asked. */
export class ErasureRefused extends Error {}

export async function erasureStatus(s: Services, subject: string | null): Promise<ErasureView> {
  const row = subject ? await latestErasureRequest(s.store.db, subject) : undefined;
  if (!row) return { status: 'none', requested_at: null, scheduled_for: null, completed_at: null };
  return {
    status: row.status,
    requested_at: iso(row.requested_at),
    scheduled_for: row.status === 'pending' ? iso(row.scheduled_for) : null,
    completed_at: iso(row.completed_at),
  };
}

async function refuseIfHeld(db: Db, subject: string): Promise<void> {
  const hold = await holdOf(db, subject);
  if (hold)
    throw new ErasureRefused(`This account is under a legal hold (${hold.reason}); it cannot be erased now.`);
}

/**
 * Records a request. Idempotent: a pending request is returned as it is. A user Receipts holds nothing
 * about (never seen, or already erased) gets `completed` without anything new being written.
 */
export async function requestErasure(
  s: Services,
  userId: string,
  by: string,
  graceDays = s.config.erasureGraceDays,
): Promise<ErasureView> {
  const subject = await s.log.subjects.lookup(s.store.db, userId);
  if (!subject) {
    return { status: 'completed', requested_at: null, scheduled_for: null, completed_at: null };
  }
  await refuseIfHeld(s.store.db, subject);
  await s.pipeline.transact(async (tx) => {
    if ((await latestErasureRequest(tx, subject))?.status === 'pending') return;
    await s.pipeline.record(tx, {
      event_type: 'erasure_requested',
      user_id: userId,
      outcome: 'success',
      metadata: { requested_by: by, grace_days: graceDays },
    });
    const now = Date.now();
    await insertErasureRequest(tx, {
      id: randomId('era'),
      subject,
      requestedAt: now,
      scheduledFor: now + graceDays * 86_400_000,
      by,
    });
  });
  if (graceDays === 0) await runDueErasures(s);
  return erasureStatus(s, (await s.log.subjects.lookup(s.store.db, userId)) ?? subject);
}

/** Cancels a pending request; false when there is none. */
export async function cancelErasure(s: Services, userId: string, by: string): Promise<boolean> {
  return s.pipeline.transact(async (tx) => {
    const subject = await s.log.subjects.lookup(tx, userId);
    if (!subject) return false;
    if ((await cancelPendingErasure(tx, subject)) === 0) return false;
    await s.pipeline.record(tx, {
      event_type: 'erasure_cancelled',
      user_id: userId,
      outcome: 'success',
      metadata: { cancelled_by: by },
    });
    return true;
  });
}

/**
 * Carries out one erasure inside `tx`, all or nothing, completing request `requestId` (null: an operator's
 * erasure without one). Returns false when there was nothing left to erase.
 */
async function erase(s: Services, tx: Db, subject: string, requestId: string | null): Promise<boolean> {
  const userId = await s.log.subjects.userIdOf(tx, subject);
  if (!userId) return false;
  if (await holdOf(tx, subject)) return false;
  const now = Date.now();

  // Sessions are signed out as any revocation is, while the events can still name the user: what those
  // events and webhooks carry of the person goes with the rest below.
  const revoked = await revokeInTransaction(s, tx, {
    userId,
    sessions: await activeSessions(tx, subject),
    by: 'erasure',
  });
  for (const e of revoked.record ?? []) await s.pipeline.record(tx, e);
  for (const t of revoked.sessions ?? []) s.pipeline.touchSession(t.subject, t.id);

  // Session rows stay (keyed by HMAC) so the host still hears "revoked"; their details go.
  await forgetSessionDetails(tx, subject);
  const personal = await deletePersonalOf(tx, subject);
  await deleteDevicesOf(tx, subject);
  await deleteRevokeLinksOf(tx, subject);
  await blankAlertsOf(tx, subject);
  await forgetRuleHits(tx, subject);
  // Delivered webhooks about the person go; queued ones lose the user id and keep what the host still needs.
  await s.outbox.eraseSubject(tx, subject);
  await s.log.subjects.forget(tx, userId);
  if (requestId) await completeErasureRequest(tx, requestId, now);
  else await insertCompletedErasure(tx, randomId('era'), subject, now);

  // Recorded under the pseudonym alone: the user id is gone by now.
  const completed = s.pipeline.prepareOwn({
    event_type: 'erasure_completed',
    level: 'INFO',
    outcome: 'success',
    resource_type: 'subject',
    action: 'erase',
    metadata: { personal_rows_deleted: personal, sessions_revoked: revoked.count },
  });
  completed.event.pseudonym = subject;
  await s.pipeline.record(tx, completed);
  // The host needs to know whom this was about; the message is deleted once delivered.
  await s.outbox.enqueue(
    tx,
    'erasure.completed',
    { user_id: userId, completed_at: new Date(now).toISOString() },
    subject,
  );
  return true;
}

/** Erases a user now (the operator's `receipts erase`). */
export async function eraseNow(s: Services, userId: string): Promise<'erased' | 'nothing'> {
  const subject = await s.log.subjects.lookup(s.store.db, userId);
  if (!subject) return 'nothing';
  await refuseIfHeld(s.store.db, subject);
  const done = await s.pipeline.transact(async (tx) =>
    erase(s, tx, subject, await pendingErasureId(tx, subject)),
  );
  // Fold the WAL into the main file and truncate it, so the erased bytes leave both.
  await s.store.compact();
  return done ? 'erased' : 'nothing';
}

/** Carries out every request whose grace period is over. Each runs in its own transaction. */
export async function runDueErasures(s: Services, now = Date.now()): Promise<number> {
  const due = await dueErasures(s.store.db, now);
  let n = 0;
  for (const r of due) {
    if (await holdOf(s.store.db, r.subject)) continue;
    // Still pending when the transaction starts: a request cancelled meanwhile is left alone.
    const done = await s.pipeline.transact(async (tx) =>
      (await pendingErasureId(tx, r.subject)) === r.id ? erase(s, tx, r.subject, r.id) : false,
    );
    if (done) n++;
  }
  if (n > 0) await s.store.compact();
  return n;
}
