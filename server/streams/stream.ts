// One destination's delivery loop, in the background: reads records after the position already sent,
// hands them to the transport, and moves the durable cursor as the destination takes them. A destination
// that is down is retried with backoff and only grows its lag; ingest never waits for it.
import type { Logger } from '../log.js';
import type { GroupCommit } from '../store/group-commit.js';
import type { Db } from '../store/sql.js';
import { type CursorRow, saveCursor } from './cursor.js';
import type { Batch, Position, RecordReader } from './records.js';
import type { Transport } from './transport.js';

const STOP_WAIT_MS = 5_000;

export interface StreamOptions {
  batchSize: number;
  /** How often an idle stream looks for new events. */
  pollMs: number;
  maxBackoffMs: number;
}

export interface StreamState {
  destination: string;
  /** The last seq the destination took. */
  lastSeq: number;
  up: boolean | null;
  lastError: string | null;
  lastErrorAt: number | null;
}

export class Stream {
  private committed: Position;
  private sent: Position;
  private up: boolean | null = null;
  private lastError: string | null;
  private lastErrorAt: number | null = null;
  private failures = 0;
  private stopped = false;
  private abandoned = false;
  private skippedTo = 0;
  private wake: (() => void) | null = null;
  private saving: Promise<void> = Promise.resolve();
  private loop: Promise<void> | null = null;

  /** `cursor` is the destination's saved cursor (`loadCursor`); `db` reads the log's committed state. */
  constructor(
    readonly destination: string,
    cursor: CursorRow,
    private readonly transport: Transport,
    private readonly reader: RecordReader,
    private readonly db: Db,
    private readonly commit: GroupCommit,
    private readonly logger: Logger,
    private readonly options: StreamOptions,
  ) {
    this.committed = cursor.position;
    this.sent = cursor.position;
    this.lastError = cursor.lastError;
  }

  start(): void {
    this.loop ??= this.run();
  }

  state(): StreamState {
    return {
      destination: this.destination,
      lastSeq: this.committed.seq,
      up: this.up,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
    };
  }

  /** Wakes a loop that is idle or backing off, instead of at its next poll (used when stopping). */
  poke(): void {
    this.wake?.();
  }

  /** Stops after the batch in flight, closes the connection cleanly and saves the cursor. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.poke();
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      (this.loop ?? Promise.resolve()).then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), STOP_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (finished) await this.transport.close().catch(() => this.transport.reset());
    else {
      // A destination that hangs does not hold up shutdown: what it did not take is sent after restart.
      this.abandoned = true;
      this.transport.reset();
      await this.loop;
    }
    this.collect();
    await this.saving;
  }

  private async run(): Promise<void> {
    // Once stopping, the loop still sends what the log holds (the shutdown event and checkpoint among it)
    // and ends when it is caught up or the destination fails.
    while (true) {
      let delay = 0;
      try {
        const broken = this.transport.broken();
        if (broken) throw broken;
        const batch = await this.reader.after(this.db, this.sent, this.options.batchSize);
        this.noticeSkipped(batch);
        const moved = batch.end.seq !== this.sent.seq || batch.end.checkpoint !== this.sent.checkpoint;
        if (moved) {
          await this.transport.send(batch);
          this.sent = batch.end;
          this.markUp();
        } else if (this.stopped) break;
        else delay = this.options.pollMs;
      } catch (error) {
        if (this.stopped) break;
        this.transport.reset();
        this.sent = this.committed;
        this.markDown(error);
        delay = Math.min(this.options.maxBackoffMs, 250 * 2 ** Math.min(this.failures++, 10));
        delay = Math.round(delay * (0.8 + Math.random() * 0.4));
      }
      this.collect();
      if (delay > 0 && !this.stopped) await this.sleep(delay);
      if (this.stopped && this.abandoned) break;
    }
  }

  /** Moves the cursor to what the transport says was taken, and saves it along with the next commit. */
  private collect(): void {
    const taken = this.transport.taken();
    if (!taken) return;
    this.committed = taken;
    const error = this.lastError;
    this.saving = this.saving.then(() =>
      this.commit
        .run((tx) => saveCursor(tx, this.destination, taken, error))
        .catch((e: unknown) => {
          this.logger.error({
            event_type: 'stream_cursor_failed',
            message: e instanceof Error ? e.message : String(e),
            destination: this.destination,
          });
        }),
    );
  }

  /** Retention may prune events a destination far behind has not taken: say so, once per jump. */
  private noticeSkipped(batch: Batch): void {
    const first = batch.records.find((r) => r.kind === 'event');
    if (first?.kind !== 'event' || first.event.seq <= this.sent.seq + 1 || first.event.seq <= this.skippedTo)
      return;
    this.skippedTo = first.event.seq;
    this.logger.error({
      event_type: 'stream_gap',
      message: `log stream to ${this.destination}: seq ${this.sent.seq + 1}–${first.event.seq - 1} were pruned by retention before it took them`,
      destination: this.destination,
    });
  }

  private markUp(): void {
    this.failures = 0;
    if (this.up === false) {
      this.logger.info({
        event_type: 'stream_up',
        message: `log stream to ${this.destination} is back; sending from seq ${this.committed.seq + 1}`,
        destination: this.destination,
      });
    }
    this.up = true;
  }

  private markDown(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.lastError = message;
    this.lastErrorAt = Date.now();
    if (this.up !== false) {
      this.logger.warning({
        event_type: 'stream_down',
        message: `log stream to ${this.destination} is down (${message}); retrying, it resumes from seq ${this.committed.seq + 1}`,
        destination: this.destination,
      });
      // Saved now, so the stream_cursors row says why even while nothing is taken.
      const position = this.committed;
      this.saving = this.saving.then(() =>
        this.commit.run((tx) => saveCursor(tx, this.destination, position, message)).catch(() => {}),
      );
    }
    this.up = false;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}
