// The webhook delivery log: what the outbox holds, as operators see it, and replay on request.
// Reads and re-queues only; sending stays with deliver.ts.
import type { DELIVERY_STATUSES, WebhookDelivery } from '../../shared/schemas/webhooks.js';
import type { Sqlite } from '../store/db.js';
import { decodeCursor, type Position, pageOf } from '../views/cursor.js';

/** `pending`: not yet tried; `failed`: its last attempt failed and a retry is scheduled; `delivered`. */
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export type DeliveryRecord = WebhookDelivery;

interface Row extends Position {
  id: string;
  type: string;
  payload: string;
  attempts: number;
  next_attempt_at: number;
  delivered_at: number | null;
  last_error: string | null;
}

const WHERE: Record<DeliveryStatus | 'any', string> = {
  any: '1 = 1',
  pending: 'delivered_at IS NULL AND last_error IS NULL',
  failed: 'delivered_at IS NULL AND last_error IS NOT NULL',
  delivered: 'delivered_at IS NOT NULL',
};

const COLUMNS =
  'rowid AS seq, created_at AS ts, id, type, payload, attempts, next_attempt_at, delivered_at, last_error';

function statusOf(row: Pick<Row, 'delivered_at' | 'last_error'>): DeliveryStatus {
  if (row.delivered_at !== null) return 'delivered';
  return row.last_error === null ? 'pending' : 'failed';
}

function toRecord(row: Row): DeliveryRecord {
  const status = statusOf(row);
  return {
    id: row.id,
    type: row.type,
    status,
    created_at: new Date(row.ts).toISOString(),
    attempts: row.attempts,
    next_attempt_at: status === 'delivered' ? null : new Date(row.next_attempt_at).toISOString(),
    delivered_at: row.delivered_at === null ? null : new Date(row.delivered_at).toISOString(),
    last_error: row.last_error,
    payload: JSON.parse(row.payload) as unknown,
  };
}

export class BadCursor extends Error {}

export class DeliveryLog {
  private readonly pages;
  private readonly one;
  private readonly requeue;
  private readonly depth;

  constructor(sqlite: Sqlite) {
    const page = (status: DeliveryStatus | 'any') => ({
      first: sqlite.prepare<[number], Row>(
        `SELECT ${COLUMNS} FROM outbox WHERE ${WHERE[status]} ORDER BY created_at DESC, rowid DESC LIMIT ?`,
      ),
      after: sqlite.prepare<[number, number, number], Row>(
        `SELECT ${COLUMNS} FROM outbox WHERE ${WHERE[status]} AND (created_at, rowid) < (?, ?)
         ORDER BY created_at DESC, rowid DESC LIMIT ?`,
      ),
    });
    this.pages = {
      any: page('any'),
      pending: page('pending'),
      failed: page('failed'),
      delivered: page('delivered'),
    } as const;
    this.one = sqlite.prepare<[string], Row>(`SELECT ${COLUMNS} FROM outbox WHERE id = ?`);
    // A replay keeps the id (receivers deduplicate on webhook-id) and is due at once.
    this.requeue = sqlite.prepare('UPDATE outbox SET delivered_at = NULL, next_attempt_at = ? WHERE id = ?');
    this.depth = sqlite.prepare<[], { undelivered: number; failing: number }>(
      'SELECT count(*) AS undelivered, count(last_error) AS failing FROM outbox WHERE delivered_at IS NULL',
    );
  }

  /** Newest first, of one status or all. Throws `BadCursor` for a cursor this log did not make. */
  list(
    status: DeliveryStatus | undefined,
    limit: number,
    cursor?: string,
  ): { items: DeliveryRecord[]; next_cursor: string | null } {
    const q = this.pages[status ?? 'any'];
    let rows: Row[];
    if (cursor) {
      const at = decodeCursor(cursor);
      if (!at) throw new BadCursor('cursor: not a cursor from this list');
      rows = q.after.all(at.ts, at.seq, limit + 1);
    } else rows = q.first.all(limit + 1);
    return pageOf(rows, limit, toRecord);
  }

  get(id: string): DeliveryRecord | null {
    const row = this.one.get(id);
    return row ? toRecord(row) : null;
  }

  /** Makes a message due now (a delivered one is sent again); null when there is no such message. */
  retry(id: string, now = Date.now()): DeliveryRecord | null {
    if (this.requeue.run(now, id).changes === 0) return null;
    return this.get(id);
  }

  /** Undelivered messages, and how many of them failed their last attempt. */
  counts(): { undelivered: number; failing: number } {
    return this.depth.get() ?? { undelivered: 0, failing: 0 };
  }
}
