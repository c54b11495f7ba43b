// Erasure requests, and what erasure deletes or blanks across the tables that hold a person's details
// (the rest is in the modules of those tables: sessions, devices, rule windows, the outbox, subjects).
import { type Db, sql } from './sql.js';

export type ErasureStatus = 'pending' | 'cancelled' | 'completed';

export interface ErasureRequestRow {
  id: string;
  subject: string;
  status: ErasureStatus;
  requested_at: number;
  scheduled_for: number;
  requested_by: string;
  completed_at: number | null;
}

const LATEST = sql('SELECT * FROM erasure_requests WHERE subject = ? ORDER BY requested_at DESC LIMIT 1');
const PENDING = sql("SELECT id FROM erasure_requests WHERE subject = ? AND status = 'pending'");
const INSERT_PENDING = sql(
  `INSERT INTO erasure_requests (id, subject, status, requested_at, scheduled_for, requested_by)
   VALUES (?, ?, 'pending', ?, ?, ?)`,
);
// An operator's erasure without a request before it is recorded as one, completed at once.
const INSERT_COMPLETED = sql(
  `INSERT INTO erasure_requests (id, subject, status, requested_at, scheduled_for, requested_by, completed_at)
   VALUES (@id, @subject, 'completed', @at, @at, 'operator', @at)`,
);
const CANCEL = sql(
  "UPDATE erasure_requests SET status = 'cancelled' WHERE subject = ? AND status = 'pending'",
);
const COMPLETE = sql("UPDATE erasure_requests SET status = 'completed', completed_at = ? WHERE id = ?");
const DUE = sql(
  "SELECT id, subject FROM erasure_requests WHERE status = 'pending' AND scheduled_for <= ? ORDER BY scheduled_for",
);

export const latestErasureRequest = (db: Db, subject: string) => db.get<ErasureRequestRow>(LATEST, [subject]);
export async function pendingErasureId(db: Db, subject: string): Promise<string | null> {
  return (await db.get<{ id: string }>(PENDING, [subject]))?.id ?? null;
}
export const insertErasureRequest = (
  db: Db,
  r: { id: string; subject: string; requestedAt: number; scheduledFor: number; by: string },
) => db.run(INSERT_PENDING, [r.id, r.subject, r.requestedAt, r.scheduledFor, r.by]);
export const insertCompletedErasure = (db: Db, id: string, subject: string, at: number) =>
  db.run(INSERT_COMPLETED, { id, subject, at });
/** Cancels the subject's pending request; returns how many were pending. */
export const cancelPendingErasure = (db: Db, subject: string) => db.run(CANCEL, [subject]);
export const completeErasureRequest = (db: Db, id: string, at: number) => db.run(COMPLETE, [at, id]);
export const dueErasures = (db: Db, now: number) => db.all<{ id: string; subject: string }>(DUE, [now]);

// What goes with the person.
// A row's subject is its event's: found through events_subject_ts, personal_data keeps no index of its own.
const DELETE_PERSONAL = sql(
  'DELETE FROM personal_data WHERE seq IN (SELECT seq FROM events WHERE subject = ?)',
);
const DELETE_REVOKE_LINKS = sql('DELETE FROM revoke_links WHERE subject = ?');
const BLANK_ALERTS = sql("UPDATE alerts SET summary = '[erased]' WHERE subject = ?");

/** Deletes the subject's personal-data rows; returns how many there were. */
export const deletePersonalOf = (db: Db, subject: string) => db.run(DELETE_PERSONAL, [subject]);
export const deleteRevokeLinksOf = (db: Db, subject: string) => db.run(DELETE_REVOKE_LINKS, [subject]);
/** Alerts stay with the events they are about; their wording goes. */
export const blankAlertsOf = (db: Db, subject: string) => db.run(BLANK_ALERTS, [subject]);
