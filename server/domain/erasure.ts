// Erasure: recorded, cancellable during the grace period, then carried out in one transaction. The person
// goes (personal data, the user id ↔ pseudonym link, sessions' and devices' details); every event stays,
// so the chain still verifies and the evidence remains, pseudonymous.
import type { ErasureView } from '../../shared/api.js';
import { randomId } from '../ids.js';
import { ownEvent } from '../ingest/pipeline.js';
import type { Services } from '../services.js';
import { checkpointWal } from '../store/db.js';
import { holdOf } from './legal-hold.js';

interface RequestRow {
  id: string;
  subject: string;
  status: 'pending' | 'cancelled' | 'completed';
  requested_at: number;
  scheduled_for: number;
  completed_at: number | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** An erasure the store refuses (a legal hold), with the reason to show whoever asked. */
export class ErasureRefused extends Error {}

function latestRequest(s: Services, subject: string): RequestRow | undefined {
  return s.store.sqlite
    .prepare<[string], RequestRow>(
      'SELECT * FROM erasure_requests WHERE subject = ? ORDER BY requested_at DESC LIMIT 1',
    )
    .get(subject);
}

export function erasureStatus(s: Services, subject: string | null): ErasureView {
  const row = subject ? latestRequest(s, subject) : undefined;
  if (!row) return { status: 'none', requested_at: null, scheduled_for: null, completed_at: null };
  return {
    status: row.status,
    requested_at: iso(row.requested_at),
    scheduled_for: row.status === 'pending' ? iso(row.scheduled_for) : null,
    completed_at: iso(row.completed_at),
  };
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
  const subject = s.log.subjects.lookup(userId);
  if (!subject) {
    return { status: 'completed', requested_at: null, scheduled_for: null, completed_at: null };
  }
  const hold = holdOf(s.store.sqlite, subject);
  if (hold)
    throw new ErasureRefused(`This account is under a legal hold (${hold.reason}); it cannot be erased now.`);
  await s.pipeline.transact(() => {
    if (latestRequest(s, subject)?.status === 'pending') return;
    s.pipeline.apply(
      ownEvent(s.pipeline, {
        event_type: 'erasure_requested',
        user_id: userId,
        outcome: 'success',
        metadata: { requested_by: by, grace_days: graceDays },
      }),
    );
    const now = Date.now();
    s.store.sqlite
      .prepare(
        "INSERT INTO erasure_requests (id, subject, status, requested_at, scheduled_for, requested_by) VALUES (?, ?, 'pending', ?, ?, ?)",
      )
      .run(randomId('era'), subject, now, now + graceDays * 86_400_000, by);
  });
  if (graceDays === 0) await runDueErasures(s);
  return erasureStatus(s, s.log.subjects.lookup(userId) ?? subject);
}

/** Cancels a pending request; false when there is none. */
export async function cancelErasure(s: Services, userId: string, by: string): Promise<boolean> {
  return s.pipeline.transact(() => {
    const subject = s.log.subjects.lookup(userId);
    if (!subject) return false;
    const changed = s.store.sqlite
      .prepare("UPDATE erasure_requests SET status = 'cancelled' WHERE subject = ? AND status = 'pending'")
      .run(subject).changes;
    if (changed === 0) return false;
    s.pipeline.apply(
      ownEvent(s.pipeline, {
        event_type: 'erasure_cancelled',
        user_id: userId,
        outcome: 'success',
        metadata: { cancelled_by: by },
      }),
    );
    return true;
  });
}

/** Carries out one erasure, all or nothing. Returns false when there was nothing left to erase. */
function erase(s: Services, subject: string, requestId: string | null): boolean {
  const db = s.store.sqlite;
  const userId = s.log.subjects.userIdOf(subject);
  if (!userId) return false;
  if (holdOf(db, subject)) return false;
  const now = Date.now();

  // Sessions end and lose their details; the row stays (keyed by HMAC) so the host still hears "revoked".
  const active = db
    .prepare<[string], { id: string; host_tag: string | null }>(
      "SELECT id, host_tag FROM sessions WHERE subject = ? AND status = 'active'",
    )
    .all(subject);
  for (const session of active) {
    s.sessions.revoke(session.id, 'erasure', now);
    s.outbox.enqueue(
      'session.revoked',
      {
        session: session.id,
        session_tag: session.host_tag,
        revoked_by: 'erasure',
        revoked_at: new Date(now).toISOString(),
      },
      subject,
    );
  }
  db.prepare(
    'UPDATE sessions SET ip_net = NULL, location = NULL, browser = NULL, os = NULL, device_type = NULL, device_id = NULL WHERE subject = ?',
  ).run(subject);
  const personal = db.prepare('DELETE FROM personal_data WHERE subject = ?').run(subject).changes;
  db.prepare('DELETE FROM devices WHERE subject = ?').run(subject);
  db.prepare('DELETE FROM revoke_links WHERE subject = ?').run(subject);
  db.prepare("UPDATE alerts SET summary = '[erased]' WHERE subject = ?").run(subject);
  s.windows.forgetKey(subject);
  db.prepare('DELETE FROM rule_hits WHERE net = ? OR key LIKE ?').run(subject, `${subject}:%`);
  // Delivered webhooks about the person go; queued ones lose the user id and keep what the host still needs.
  s.outbox.eraseSubject(subject);
  s.log.subjects.forget(userId);
  if (requestId) {
    db.prepare("UPDATE erasure_requests SET status = 'completed', completed_at = ? WHERE id = ?").run(
      now,
      requestId,
    );
  } else {
    db.prepare(
      "INSERT INTO erasure_requests (id, subject, status, requested_at, scheduled_for, requested_by, completed_at) VALUES (?, ?, 'completed', ?, ?, 'operator', ?)",
    ).run(randomId('era'), subject, now, now, now);
  }
  s.pipeline.apply({
    event: {
      id: randomId('evt', 16),
      ts: now,
      eventType: 'erasure_completed',
      level: 'INFO',
      outcome: 'success',
      userId: null,
      pseudonym: subject,
      sessionRef: null,
      requestId: null,
      resourceType: 'subject',
      resourceId: null,
      action: 'erase',
      metadata: { personal_rows_deleted: personal, sessions_revoked: active.length },
      personal: null,
    },
    device: null,
    ipNet: null,
    location: null,
    redacted: [],
    hostTag: null,
  });
  // The host needs to know whom this was about; the message is deleted once delivered.
  s.outbox.enqueue(
    'erasure.completed',
    { user_id: userId, completed_at: new Date(now).toISOString() },
    subject,
  );
  return true;
}

/** Erases a user now (the operator's `receipts erase`). */
export async function eraseNow(s: Services, userId: string): Promise<'erased' | 'nothing'> {
  const subject = s.log.subjects.lookup(userId);
  if (!subject) return 'nothing';
  const hold = holdOf(s.store.sqlite, subject);
  if (hold)
    throw new ErasureRefused(`This account is under a legal hold (${hold.reason}); it cannot be erased now.`);
  const pending = s.store.sqlite
    .prepare<[string], { id: string }>(
      "SELECT id FROM erasure_requests WHERE subject = ? AND status = 'pending'",
    )
    .get(subject);
  const done = await s.pipeline.transact(() => erase(s, subject, pending?.id ?? null));
  // Fold the WAL into the main file and truncate it, so the erased bytes leave both.
  checkpointWal(s.store);
  return done ? 'erased' : 'nothing';
}

/** Carries out every request whose grace period is over. Each runs in its own transaction. */
export async function runDueErasures(s: Services, now = Date.now()): Promise<number> {
  const due = s.store.sqlite
    .prepare<[number], { id: string; subject: string }>(
      "SELECT id, subject FROM erasure_requests WHERE status = 'pending' AND scheduled_for <= ? ORDER BY scheduled_for",
    )
    .all(now);
  let n = 0;
  for (const r of due) {
    if (holdOf(s.store.sqlite, r.subject)) continue;
    if (await s.pipeline.transact(() => erase(s, r.subject, r.id))) n++;
  }
  if (n > 0) checkpointWal(s.store);
  return n;
}
