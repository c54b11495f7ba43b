// WAL checkpoints off the thread that commits. SQLite's own checkpoint runs inside the COMMIT that crosses
// 1,000 WAL pages: the writer stops for the copy into the database file and its two fsyncs, and that cost
// grows with the file. Here the writer never checkpoints (wal_autocheckpoint=0); a worker thread with its
// own connection does, one at a time, at most every INTERVAL_MS while commits keep coming.
//
// A checkpoint that runs beside the writer copies all but the frames written meanwhile, and SQLite starts
// the WAL over only once every frame is copied. So when the WAL has grown past RESTART_FRAMES, the next
// transaction waits (`quiet`) for one checkpoint with no writer beside it: it copies the last few hundred
// frames, and the transaction after it writes the WAL from its start again. The file stays near that size.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CheckpointResult } from './checkpoint-worker.js';
import type { Sqlite } from './sqlite.js';

const INTERVAL_MS = 200;
const RESTART_FRAMES = 4096;
const SCRIPT = new URL('./checkpoint-worker.js', import.meta.url);

export class Checkpointer {
  private worker: Worker | null = null;
  private running = false;
  /** Commits since the checkpoint in flight started: one more is needed after it. */
  private pending = false;
  private lastStarted = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** The WAL's length when the last checkpoint began; 0 once a quiet one has copied all of it. */
  private frames = 0;
  /** Transactions waiting for a checkpoint with no writer beside it. */
  private waiting: (() => void)[] = [];
  private quietRun = false;

  private constructor(
    private readonly path: string,
    private readonly writer: Sqlite,
  ) {
    writer.pragma('wal_autocheckpoint = 0');
  }

  /**
   * A checkpointer for the writer of `path`, or null where its thread's module is not beside this one
   * (running from source): the writer then keeps SQLite's own checkpoints.
   */
  static for(path: string, writer: Sqlite): Checkpointer | null {
    return existsSync(fileURLToPath(SCRIPT)) ? new Checkpointer(path, writer) : null;
  }

  /** Called after each commit. */
  committed(): void {
    if (this.closed) return;
    if (this.running) {
      this.pending = true;
      return;
    }
    const wait = this.lastStarted + INTERVAL_MS - Date.now();
    if (wait <= 0) this.start();
    else this.timer ??= setTimeout(() => this.start(), wait).unref();
  }

  /** Resolves when the writer may begin: at once, or after a quiet checkpoint once the WAL has grown long. */
  quiet(): Promise<void> {
    if (this.closed || this.frames < RESTART_FRAMES) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (!this.running) this.start();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.release();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    // A checkpoint in flight is let finish first. Terminated inside SQLite's checkpoint, the thread did not
    // keep the event loop alive until it ended: a process with nothing else left to do ended right here,
    // before the store's last checkpoint and close (seen in about one run in four of the tlog bench).
    if (this.running) await new Promise<void>((resolve) => this.onAnswer.push(resolve));
    await worker.terminate();
  }

  /** Told once the checkpoint in flight has answered, or its thread has gone. */
  private onAnswer: (() => void)[] = [];

  private answered(): void {
    this.running = false;
    const waiting = this.onAnswer;
    this.onAnswer = [];
    for (const w of waiting) w();
  }

  private start(): void {
    this.timer = null;
    if (this.closed) return;
    const worker = this.thread();
    if (!worker) return;
    this.running = true;
    this.pending = false;
    this.quietRun = this.waiting.length > 0;
    this.lastStarted = Date.now();
    worker.ref();
    worker.postMessage('checkpoint');
  }

  private thread(): Worker | null {
    if (this.worker) return this.worker;
    // It allocates next to nothing: the smallest nursery.
    const worker = new Worker(SCRIPT, {
      workerData: { path: this.path },
      resourceLimits: { maxYoungGenerationSizeMb: 1 },
    });
    worker.on('message', (result: CheckpointResult | { error: string }) => {
      this.answered();
      worker.unref();
      if (!('error' in result)) {
        // `log` is the WAL's length when the checkpoint began; a writer may have added frames since, unless
        // it was waiting. All copied with it waiting: the next transaction writes the WAL from its start.
        this.frames = this.quietRun && result.checkpointed >= result.log ? 0 : result.log;
      }
      if (this.waiting.length > 0) {
        // One that ran beside a writer left frames behind: run one more, with the writer waiting.
        if (this.quietRun) this.release();
        else return this.start();
      }
      if (this.pending) this.committed();
    });
    // A checkpointer that cannot run gives the writer back SQLite's own checkpoints: the WAL must not grow
    // without end.
    worker.on('error', () => {
      this.answered();
      this.giveBack();
    });
    worker.on('exit', () => {
      this.answered();
      if (!this.closed) this.giveBack();
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  /** Lets the waiting transactions begin (after a quiet checkpoint, however far it got, or at close). */
  private release(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) w();
  }

  private giveBack(): void {
    this.closed = true;
    this.release();
    this.worker = null;
    if (this.writer.open) this.writer.pragma('wal_autocheckpoint = 1000');
  }
}
