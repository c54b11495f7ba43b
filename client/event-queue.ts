// The batching queue behind `record()`: events wait until a batch is full or the interval passes.
import { deliverBatch, type PendingEvent } from './deliver-batch.js';
import { ReceiptsError } from './errors.js';
import { uuidv7 } from './event-id.js';
import type { ReceiptsEvent } from './event-types.js';
import type { ResolvedOptions } from './options.js';

export class EventQueue {
  private queue: PendingEvent[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private outstanding = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(private readonly options: ResolvedOptions) {}

  /** Queues one event; resolves with its id once the server accepted it (202). */
  record(event: ReceiptsEvent): Promise<string> {
    let resolve!: (id: string) => void;
    let reject!: (error: ReceiptsError) => void;
    const promise = new Promise<string>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // The failure also reaches `onError`; a caller that does not await must not crash the process.
    promise.catch(() => {});
    const refuse = (code: 'closed' | 'queue_full' | 'invalid_event', message: string) => {
      const error = new ReceiptsError({ code, message });
      reject(error);
      this.options.onError(error, []);
      return promise;
    };
    if (this.closed) return refuse('closed', 'receipts: record() after close()');
    if (this.outstanding >= this.options.maxQueueSize) {
      return refuse('queue_full', `receipts: ${this.outstanding} events already waiting to be sent`);
    }
    if (typeof event !== 'object' || event === null || typeof event.event_type !== 'string') {
      return refuse('invalid_event', 'receipts: an event must be an object with an event_type');
    }
    const id = event.id ?? uuidv7();
    const ts = event.timestamp ?? new Date();
    let json: string;
    try {
      json = JSON.stringify({ ...event, id, timestamp: ts instanceof Date ? ts.toISOString() : ts });
    } catch (err) {
      return refuse(
        'invalid_event',
        `receipts: the event is not JSON-serializable: ${(err as Error).message}`,
      );
    }
    this.outstanding++;
    const done = () => {
      this.outstanding--;
    };
    promise.then(done, done);
    this.queue.push({ id, json, resolve, reject });
    if (this.queue.length >= this.options.batchSize) this.sendQueued();
    else this.timer ??= setTimeout(() => this.sendQueued(), this.options.flushIntervalMs);
    return promise;
  }

  /** Sends everything queued and waits until every batch sent so far is settled. */
  async flush(): Promise<void> {
    this.sendQueued();
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  /** Stops accepting events, sends what is queued and waits for it. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private sendQueued(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.batchSize);
      const sending = deliverBatch(batch, this.options).finally(() => this.inFlight.delete(sending));
      this.inFlight.add(sending);
    }
  }
}
