// The webhook outbox's rows: written in the transaction of the change they announce, kept until the host
// acknowledged them, and read newest first for the delivery log.
import { type Db, sql } from './sql.js';

export interface OutboxRow {
  id: string;
  type: string;
  payload: string;
  attempts: number;
}

export interface NewMessage {
  id: string;
  type: string;
  subject: string | null;
  payload: string;
  created_at: number;
}

/** A message as the delivery log shows it. */
export interface DeliveryRow {
  id: string;
  type: string;
  payload: string;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
  delivered_at: number | null;
  last_error: string | null;
}

/** `pending`: not yet tried; `failed`: its last attempt failed and a retry is scheduled; `delivered`. */
export type DeliveryFilter = 'any' | 'pending' | 'failed' | 'delivered';

const INSERT = sql(
  `INSERT INTO outbox (id, type, subject, payload, created_at, attempts, next_attempt_at)
   VALUES (@id, @type, @subject, @payload, @created_at, 0, @created_at)`,
);
const DUE = sql(
  'SELECT id, type, payload, attempts FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?',
);
const DONE = sql(
  'UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?',
);
// `erasure.completed` must carry the erased user id to the host; once the host has it, it goes.
const FORGET_ERASURE = sql(
  "DELETE FROM outbox WHERE id = ? AND type = 'erasure.completed' AND delivered_at IS NOT NULL",
);
const RETRY = sql(
  'UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?',
);
const DELETE_DELIVERED_OF = sql('DELETE FROM outbox WHERE subject = ? AND delivered_at IS NOT NULL');
const QUEUED_OF = sql('SELECT id, payload FROM outbox WHERE subject = ? AND delivered_at IS NULL');
const SET_PAYLOAD = sql('UPDATE outbox SET payload = ? WHERE id = ?');
const PRUNE = sql('DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?');
const COUNT_DELIVERED = sql(
  'SELECT COUNT(*) AS n FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?',
);

export const insertMessage = (tx: Db, m: NewMessage) => tx.run(INSERT, { ...m });
export const dueMessages = (db: Db, now: number, limit: number) => db.all<OutboxRow>(DUE, [now, limit]);

/** Marks a message delivered (an `erasure.completed` one goes at once). */
export async function markDelivered(tx: Db, id: string, at: number): Promise<void> {
  await tx.run(DONE, [at, id]);
  await tx.run(FORGET_ERASURE, [id]);
}

export const markFailed = (tx: Db, id: string, nextAttemptAt: number, error: string) =>
  tx.run(RETRY, [nextAttemptAt, error, id]);

export const deleteDeliveredOf = (tx: Db, subject: string) => tx.run(DELETE_DELIVERED_OF, [subject]);
export const queuedOf = (db: Db, subject: string) =>
  db.all<{ id: string; payload: string }>(QUEUED_OF, [subject]);
export const setPayload = (tx: Db, id: string, payload: string) => tx.run(SET_PAYLOAD, [payload, id]);

export const pruneDelivered = (tx: Db, before: number) => tx.run(PRUNE, [before]);
export async function countDelivered(db: Db, before: number): Promise<number> {
  return (await db.get<{ n: number }>(COUNT_DELIVERED, [before]))?.n ?? 0;
}

// The delivery log: newest first, ties broken by id so a (created_at, id) cursor pages without repeats or
// gaps on either database.
const WHERE: Record<DeliveryFilter, string> = {
  any: '1 = 1',
  pending: 'delivered_at IS NULL AND last_error IS NULL',
  failed: 'delivered_at IS NULL AND last_error IS NOT NULL',
  delivered: 'delivered_at IS NOT NULL',
};
const COLUMNS = 'id, type, payload, created_at, attempts, next_attempt_at, delivered_at, last_error';
const page = (filter: DeliveryFilter) => ({
  first: sql(
    `SELECT ${COLUMNS} FROM outbox WHERE ${WHERE[filter]} ORDER BY created_at DESC, id DESC LIMIT @limit`,
  ),
  after: sql(
    `SELECT ${COLUMNS} FROM outbox WHERE ${WHERE[filter]} AND (created_at < @ts OR (created_at = @ts AND id < @id))
     ORDER BY created_at DESC, id DESC LIMIT @limit`,
  ),
});
const PAGES: Record<DeliveryFilter, ReturnType<typeof page>> = {
  any: page('any'),
  pending: page('pending'),
  failed: page('failed'),
  delivered: page('delivered'),
};
const ONE = sql(`SELECT ${COLUMNS} FROM outbox WHERE id = ?`);
// A replay keeps the id (receivers deduplicate on webhook-id) and is due at once.
const REQUEUE = sql('UPDATE outbox SET delivered_at = NULL, next_attempt_at = ? WHERE id = ?');
const DEPTH = sql(
  'SELECT COUNT(*) AS undelivered, COUNT(last_error) AS failing FROM outbox WHERE delivered_at IS NULL',
);

/** Up to `limit` messages, newest first, after the position (created_at, id) of the last one shown. */
export function deliveries(
  db: Db,
  filter: DeliveryFilter,
  limit: number,
  after?: { ts: number; id: string },
): Promise<DeliveryRow[]> {
  const q = PAGES[filter];
  return after ? db.all<DeliveryRow>(q.after, { ...after, limit }) : db.all<DeliveryRow>(q.first, { limit });
}

export const delivery = (db: Db, id: string) => db.get<DeliveryRow>(ONE, [id]);

/** Makes a message due now; returns whether there was one. */
export async function requeue(tx: Db, id: string, now: number): Promise<boolean> {
  return (await tx.run(REQUEUE, [now, id])) > 0;
}

export async function outboxDepth(db: Db): Promise<{ undelivered: number; failing: number }> {
  return (await db.get<{ undelivered: number; failing: number }>(DEPTH)) ?? { undelivered: 0, failing: 0 };
}
