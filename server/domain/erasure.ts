// Erasure requests: recorded, cancellable during the grace period, then carried out by the erasure runner.
import type { ErasureView } from '../../shared/api.js';
import { randomId } from '../ids.js';
import { ownEvent } from '../ingest/pipeline.js';
import type { Services } from '../services.js';

interface RequestRow {
  id: string;
  status: 'pending' | 'cancelled' | 'completed';
  requested_at: number;
  scheduled_for: number;
  completed_at: number | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function erasureStatus(s: Services, subject: string | null): ErasureView {
  const row = subject
    ? s.store.sqlite
        .prepare<[string], RequestRow>(
          'SELECT * FROM erasure_requests WHERE subject = ? ORDER BY requested_at DESC LIMIT 1',
        )
        .get(subject)
    : undefined;
  if (!row) return { status: 'none', requested_at: null, scheduled_for: null, completed_at: null };
  return {
    status: row.status,
    requested_at: iso(row.requested_at),
    scheduled_for: row.status === 'pending' ? iso(row.scheduled_for) : null,
    completed_at: iso(row.completed_at),
  };
}

/** Records a request (idempotent: a pending request is returned as it is). */
export async function requestErasure(s: Services, userId: string, by: string): Promise<ErasureView> {
  const subject = await s.pipeline.transact(() => {
    const existing = s.log.subjects.lookup(userId);
    const pending = existing
      ? s.store.sqlite
          .prepare("SELECT id FROM erasure_requests WHERE subject = ? AND status = 'pending'")
          .get(existing)
      : undefined;
    if (pending) return existing;
    const applied = s.pipeline.apply(
      ownEvent(s.pipeline, {
        event_type: 'erasure_requested',
        user_id: userId,
        outcome: 'success',
        metadata: { requested_by: by, grace_days: s.config.erasureGraceDays },
      }),
    );
    const now = Date.now();
    s.store.sqlite
      .prepare(
        "INSERT INTO erasure_requests (id, subject, status, requested_at, scheduled_for, requested_by) VALUES (?, ?, 'pending', ?, ?, ?)",
      )
      .run(randomId('era'), applied.appended.subject, now, now + s.config.erasureGraceDays * 86_400_000, by);
    return applied.appended.subject;
  });
  return erasureStatus(s, subject);
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
