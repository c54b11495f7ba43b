// The durable webhook outbox: messages are written in the same transaction as the change they announce.
import { createHmac } from 'node:crypto';
import { randomId } from '../ids.js';
import type { OutboxRow } from '../store/outbox.js';
import * as store from '../store/outbox.js';
import type { Db } from '../store/sql.js';

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

export type { OutboxRow } from '../store/outbox.js';

/** Queues and settles webhook messages; every write runs inside the caller's transaction. */
export class Outbox {
  constructor(readonly enabled: boolean) {}

  /** Queues a message. A no-op when no webhook is configured. */
  async enqueue(
    tx: Db,
    type: WebhookType,
    data: Record<string, unknown>,
    subject: string | null,
  ): Promise<string | null> {
    if (!this.enabled) return null;
    const id = randomId('msg', 16);
    const now = Date.now();
    const payload = JSON.stringify({ type, timestamp: new Date(now).toISOString(), data });
    await store.insertMessage(tx, { id, type, subject, payload, created_at: now });
    return id;
  }

  dueMessages(db: Db, now: number, limit: number): Promise<OutboxRow[]> {
    return store.dueMessages(db, now, limit);
  }

  delivered(tx: Db, id: string, at: number): Promise<void> {
    return store.markDelivered(tx, id, at);
  }

  async failed(tx: Db, id: string, nextAttemptAt: number, error: string): Promise<void> {
    await store.markFailed(tx, id, nextAttemptAt, error.slice(0, 500));
  }

  /**
   * Erasure: delivered messages about the person go, undelivered ones keep only what the host still needs
   * (session tags, alert ids) and say `user_id: "[erased]"`.
   */
  async eraseSubject(tx: Db, subject: string): Promise<void> {
    await store.deleteDeliveredOf(tx, subject);
    for (const m of await store.queuedOf(tx, subject)) {
      const msg = JSON.parse(m.payload) as { type: string; timestamp: string; data: Record<string, unknown> };
      const data: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(msg.data)) if (KEPT_AFTER_ERASURE.has(k)) data[k] = v;
      if ('user_id' in msg.data) data.user_id = '[erased]';
      await store.setPayload(tx, m.id, JSON.stringify({ type: msg.type, timestamp: msg.timestamp, data }));
    }
  }

  /** Retention: delivered messages older than `before` go (the host has them; they may name people). */
  pruneDelivered(tx: Db, before: number): Promise<number> {
    return store.pruneDelivered(tx, before);
  }

  countDelivered(db: Db, before: number): Promise<number> {
    return store.countDelivered(db, before);
  }
}

/**
 * A tag the host can compute for its own session id with its webhook secret, so a `session.revoked`
 * webhook names the session without Receipts ever storing or sending the raw id.
 */
export function sessionTag(webhookSecret: string, hostSessionId: string): string {
  return createHmac('sha256', webhookSecret).update(hostSessionId).digest('base64url');
}
