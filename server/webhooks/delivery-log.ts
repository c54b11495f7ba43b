// The webhook delivery log: what the outbox holds, as operators see it, and replay on request.
// Reads and re-queues only; sending stays with deliver.ts.
import type { DELIVERY_STATUSES, WebhookDelivery } from '../../shared/schemas/webhooks.js';
import { type DeliveryRow, deliveries, delivery, outboxDepth, requeue } from '../store/outbox.js';
import type { Db } from '../store/sql.js';

/** `pending`: not yet tried; `failed`: its last attempt failed and a retry is scheduled; `delivered`. */
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export type DeliveryRecord = WebhookDelivery;

function statusOf(row: Pick<DeliveryRow, 'delivered_at' | 'last_error'>): DeliveryStatus {
  if (row.delivered_at !== null) return 'delivered';
  return row.last_error === null ? 'pending' : 'failed';
}

function toRecord(row: DeliveryRow): DeliveryRecord {
  const status = statusOf(row);
  return {
    id: row.id,
    type: row.type,
    status,
    created_at: new Date(row.created_at).toISOString(),
    attempts: row.attempts,
    next_attempt_at: status === 'delivered' ? null : new Date(row.next_attempt_at).toISOString(),
    delivered_at: row.delivered_at === null ? null : new Date(row.delivered_at).toISOString(),
    last_error: row.last_error,
    payload: JSON.parse(row.payload) as unknown,
  };
}

// Opaque cursors: the (created_at, id) of the last message shown, base64url-encoded.
const encodeCursor = (row: DeliveryRow) => Buffer.from(`${row.created_at}.${row.id}`).toString('base64url');

function decodeCursor(cursor: string): { ts: number; id: string } | null {
  const match = /^(\d{1,16})\.(msg_[A-Za-z0-9_-]{1,64})$/.exec(Buffer.from(cursor, 'base64url').toString());
  return match ? { ts: Number(match[1]), id: match[2]! } : null;
}

export class BadCursor extends Error {}

export class DeliveryLog {
  /** Newest first, of one status or all. Throws `BadCursor` for a cursor this log did not make. */
  async list(
    db: Db,
    status: DeliveryStatus | undefined,
    limit: number,
    cursor?: string,
  ): Promise<{ items: DeliveryRecord[]; next_cursor: string | null }> {
    let after: { ts: number; id: string } | undefined;
    if (cursor) {
      const at = decodeCursor(cursor);
      if (!at) throw new BadCursor('cursor: not a cursor from this list');
      after = at;
    }
    // One row more than asked says whether there is a next page.
    const rows = await deliveries(db, status ?? 'any', limit + 1, after);
    const more = rows.length > limit;
    const shown = more ? rows.slice(0, limit) : rows;
    const last = shown[shown.length - 1];
    return { items: shown.map(toRecord), next_cursor: more && last ? encodeCursor(last) : null };
  }

  async get(db: Db, id: string): Promise<DeliveryRecord | null> {
    const row = await delivery(db, id);
    return row ? toRecord(row) : null;
  }

  /**
   * Makes a message due now (a delivered one is sent again), inside the caller's transaction; null when
   * there is no such message.
   */
  async retry(tx: Db, id: string, now = Date.now()): Promise<DeliveryRecord | null> {
    if (!(await requeue(tx, id, now))) return null;
    return this.get(tx, id);
  }

  /** Undelivered messages, and how many of them failed their last attempt. */
  counts(db: Db): Promise<{ undelivered: number; failing: number }> {
    return outboxDepth(db);
  }
}
