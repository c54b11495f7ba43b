// Delivers outbox messages, signed per Standard Webhooks; retries with exponential backoff and jitter.
// The same webhook-id goes out on every attempt, so receivers can deduplicate.
import { Webhook } from 'standardwebhooks';
import type { Services } from '../services.js';

const MAX_BACKOFF_MS = 60 * 60 * 1000;

export function backoffMs(attempts: number): number {
  const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(attempts, 20));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

export class WebhookDelivery {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private readonly signer: Webhook;

  constructor(
    private readonly s: Pick<Services, 'outbox' | 'store' | 'pipeline' | 'logger' | 'metrics'>,
    private readonly target: { url: string; secret: string },
    private readonly options: { intervalMs?: number } = {},
  ) {
    this.signer = new Webhook(target.secret);
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs ?? 500);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Sends what is due; one pass at a time. */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const msg of await this.s.outbox.dueMessages(this.s.store.db, Date.now(), 20)) {
        await this.send(msg.id, msg.payload, msg.attempts);
      }
    } catch (error) {
      // The store could not record an attempt (a full disk): the message stays due and goes out again later.
      this.s.logger.error({
        event_type: 'webhook_delivery_failed',
        message: error instanceof Error ? error.message : String(error),
      });
    } finally {
      this.running = false;
    }
  }

  private async send(id: string, payload: string, attempts: number): Promise<void> {
    const timestamp = new Date();
    const signature = this.signer.sign(id, timestamp, payload);
    const started = performance.now();
    const took = () => (performance.now() - started) / 1000;
    try {
      const res = await fetch(this.target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body: payload,
        signal: AbortSignal.timeout(10_000),
      });
      await res.body?.cancel();
      if (!res.ok) {
        this.s.metrics.webhookAttempted('failed', took());
        return this.retryLater(id, attempts, `HTTP ${res.status}`);
      }
    } catch (error) {
      this.s.metrics.webhookAttempted('failed', took());
      return this.retryLater(id, attempts, error instanceof Error ? error.message : String(error));
    }
    const now = Date.now();
    await this.s.pipeline.transact((tx) => this.s.outbox.delivered(tx, id, now));
    this.s.metrics.webhookAttempted('delivered', took(), queuedSeconds(payload, now));
  }

  private async retryLater(id: string, attempts: number, reason: string): Promise<void> {
    const delay = backoffMs(attempts);
    const next = Date.now() + delay;
    await this.s.pipeline.transact((tx) => this.s.outbox.failed(tx, id, next, reason));
    this.s.logger.warning({
      event_type: 'webhook_delivery_failed',
      message: reason,
      webhook_id: id,
      retry_in_ms: delay,
    });
  }
}

/** How long a message waited since it was queued: its payload's `timestamp` is the time of queueing. */
function queuedSeconds(payload: string, now: number): number | undefined {
  try {
    const queuedAt = Date.parse((JSON.parse(payload) as { timestamp?: string }).timestamp ?? '');
    return Number.isNaN(queuedAt) ? undefined : (now - queuedAt) / 1000;
  } catch {
    return undefined;
  }
}
