// The durable webhook outbox: messages are written in the same transaction as the change they announce.
import { createHmac } from 'node:crypto';
import { randomId } from '../ids.js';
import type { Sqlite } from '../store/db.js';

export type WebhookType =
  | 'session.revoked'
  | 'alert.raised'
  | 'erasure.completed'
  | 'checkpoint.signed'
  | 'signin.new_device';

// What an undelivered message about an erased person keeps: names of Receipts' own records and the host's
// session tags, never who the person was or where they signed in from.
const KEPT_AFTER_ERASURE = new Set([
  'alert',
  'rule',
  'severity',
  'event_ids',
  'session',
  'session_tag',
  'revoked_by',
  'revoked_at',
  'occurred_at',
]);

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
  private readonly forget;

  constructor(
    private readonly sqlite: Sqlite,
    readonly enabled: boolean,
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
    // `erasure.completed` must carry the erased user id to the host; once the host has it, it goes.
    this.forget = sqlite.prepare(
      "DELETE FROM outbox WHERE id = ? AND type = 'erasure.completed' AND delivered_at IS NOT NULL",
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
    this.forget.run(id);
  }

  /**
   * Erasure (inside its transaction): delivered messages about the person go, undelivered ones keep only
   * what the host still needs (session tags, alert ids) and say `user_id: "[erased]"`.
   */
  eraseSubject(subject: string): void {
    this.sqlite.prepare('DELETE FROM outbox WHERE subject = ? AND delivered_at IS NOT NULL').run(subject);
    const queued = this.sqlite
      .prepare<[string], { id: string; payload: string }>(
        'SELECT id, payload FROM outbox WHERE subject = ? AND delivered_at IS NULL',
      )
      .all(subject);
    const scrub = this.sqlite.prepare('UPDATE outbox SET payload = ? WHERE id = ?');
    for (const m of queued) {
      const msg = JSON.parse(m.payload) as { type: string; timestamp: string; data: Record<string, unknown> };
      const data: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(msg.data)) if (KEPT_AFTER_ERASURE.has(k)) data[k] = v;
      if ('user_id' in msg.data) data.user_id = '[erased]';
      scrub.run(JSON.stringify({ type: msg.type, timestamp: msg.timestamp, data }), m.id);
    }
  }

  /** Retention: delivered messages older than `before` go (the host has them; they may name people). */
  pruneDelivered(before: number): number {
    return this.sqlite
      .prepare('DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?')
      .run(before).changes;
  }

  countDelivered(before: number): number {
    return (
      this.sqlite
        .prepare<[number], { n: number }>(
          'SELECT COUNT(*) AS n FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?',
        )
        .get(before)?.n ?? 0
    );
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
