// The durable webhook outbox: messages are written in the same transaction as the change they announce.
import { createHmac } from 'node:crypto';
import { randomId } from '../ids.js';
import type { Sqlite } from '../store/db.js';

export type WebhookType = 'session.revoked' | 'alert.raised' | 'erasure.completed' | 'checkpoint.signed';

export interface OutboxRow {
  id: string;
  type: string;
  payload: string;
  attempts: number;
}

export class Outbox {
  private readonly insert;
  private readonly due;
  private readonly done;
  private readonly retry;

  constructor(
    sqlite: Sqlite,
    private readonly enabled: boolean,
  ) {
    this.insert = sqlite.prepare(
      'INSERT INTO outbox (id, type, subject, payload, created_at, attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, 0, ?)',
    );
    this.due = sqlite.prepare<[number, number], OutboxRow>(
      'SELECT id, type, payload, attempts FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?',
    );
    this.done = sqlite.prepare(
      'UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?',
    );
    this.retry = sqlite.prepare(
      'UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?',
    );
  }

  /** Queues a message (inside the caller's transaction). A no-op when no webhook is configured. */
  enqueue(type: WebhookType, data: Record<string, unknown>, subject: string | null): string | null {
    if (!this.enabled) return null;
    const id = randomId('msg', 16);
    const now = Date.now();
    const payload = JSON.stringify({ type, timestamp: new Date(now).toISOString(), data });
    this.insert.run(id, type, subject, payload, now, now);
    return id;
  }

  dueMessages(now: number, limit: number): OutboxRow[] {
    return this.due.all(now, limit);
  }

  delivered(id: string, at: number): void {
    this.done.run(at, id);
  }

  failed(id: string, nextAttemptAt: number, error: string): void {
    this.retry.run(nextAttemptAt, error.slice(0, 500), id);
  }
}

/**
 * A tag the host can compute for its own session id with its webhook secret, so a `session.revoked`
 * webhook names the session without Receipts ever storing or sending the raw id.
 */
export function sessionTag(webhookSecret: string, hostSessionId: string): string {
  return createHmac('sha256', webhookSecret).update(hostSessionId).digest('base64url');
}
