// Prepare workers: ingest bodies are parsed, validated and prepared on the other cores, so the thread that
// commits only appends. Single events go too: the round trip costs the main thread less than preparing one
// (measured: about 1.1 ms of main-thread CPU per single POST through a worker, 1.6 ms inline). Workers write
// nothing: a body whose worker dies is prepared again inline, and a new worker takes its place.
import { Worker } from 'node:worker_threads';
import { type PreparedBody, prepareBody } from '../body.js';
import type { PreparedEvent, PrepareKeys } from '../prepare.js';
import type { PrepareAnswer, PrepareTask, WorkerSetup } from './messages.js';

/** A worker that dies this many times in a row before answering anything is not started again. */
const MAX_FAILED_STARTS = 3;

export interface PreparePoolOptions {
  /** Worker threads; 0 prepares every body inline. */
  size: number;
  /** The server's secrets and locator; each worker opens the locator's database itself. */
  keys: PrepareKeys;
  /** Told when a worker dies (it is replaced; its bodies are prepared inline). */
  onCrash?: (error: Error) => void;
  /** The worker module; the server's own by default (the tests give one that dies on a large body). */
  script?: URL;
}

interface Task {
  bytes: Uint8Array;
  resolve: (body: PreparedBody) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  tasks: Map<number, Task>;
  answered: boolean;
}

export class PreparePool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private failedStarts = 0;
  private closed = false;

  constructor(private readonly opts: PreparePoolOptions) {}

  /** Threads running now (they start with the first body that needs one). */
  get threads(): number {
    return this.slots.length;
  }

  /** A request body, prepared (or refused as it would be inline). Rejects only if preparing threw. */
  prepare(bytes: Uint8Array): Promise<PreparedBody> {
    const slot = this.pick();
    if (!slot) return this.inline(bytes);
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      if (slot.tasks.size === 0) slot.worker.ref();
      slot.tasks.set(id, { bytes, resolve, reject });
      // Copied, not transferred: the bytes stay here in case the worker dies before it answers. A view into a
      // larger buffer (Node pools small ones) is cut out first, or the whole buffer would be copied.
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      slot.worker.postMessage({ id, bytes: own ? bytes : new Uint8Array(bytes) } satisfies PrepareTask);
    });
  }

  /** Stops the workers; bodies still on them are prepared inline, so no caller is left waiting. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private inline(bytes: Uint8Array): Promise<PreparedBody> {
    try {
      return Promise.resolve(prepareBody(bytes, this.opts.keys));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The least busy worker, starting the missing ones; null when bodies are to be prepared inline. */
  private pick(): Slot | null {
    if (this.closed) return null;
    while (this.slots.length < this.opts.size && this.failedStarts < MAX_FAILED_STARTS) this.start();
    let best: Slot | null = null;
    for (const s of this.slots) if (!best || s.tasks.size < best.tasks.size) best = s;
    return best;
  }

  private start(): void {
    const { pepper, webhookSecret, geo } = this.opts.keys;
    const setup: WorkerSetup = {
      pepper,
      webhookSecret,
      geo: { source: geo ? geo.source : { kind: 'off' } },
    };
    const worker = new Worker(this.opts.script ?? new URL('./worker.js', import.meta.url), {
      workerData: setup,
      // A body's garbage dies young: a 4 MB nursery (V8's default is 16 MB per semi-space) keeps each worker
      // about 40 MB smaller at the same rate (100k events in 1000-event batches, measured).
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    // An idle pool does not keep the process alive; one with bodies in flight does.
    worker.unref();
    const slot: Slot = { worker, tasks: new Map(), answered: false };
    this.slots.push(slot);
    let failure: Error | null = null;
    worker.on('message', (answer: PrepareAnswer) => this.answer(slot, answer));
    worker.on('error', (error) => {
      failure = error;
    });
    // An answer that cannot be read would never come: end the worker, and its bodies are prepared inline.
    worker.on('messageerror', (error) => {
      failure = error;
      void worker.terminate();
    });
    worker.once('exit', (code) => this.lost(slot, failure ?? new Error(`prepare worker exited (${code})`)));
  }

  private answer(slot: Slot, answer: PrepareAnswer): void {
    const task = slot.tasks.get(answer.id);
    if (!task) return;
    slot.tasks.delete(answer.id);
    if (slot.tasks.size === 0) slot.worker.unref();
    slot.answered = true;
    this.failedStarts = 0;
    if ('failed' in answer) task.reject(new Error(answer.failed));
    else
      task.resolve(answer.body.ok ? { ok: true, prepared: answer.body.prepared.map(revive) } : answer.body);
  }

  /** A worker ended: what it held is prepared inline, and the next body that needs a worker starts one. */
  private lost(slot: Slot, error: Error): void {
    this.slots.splice(this.slots.indexOf(slot), 1);
    if (!this.closed) {
      if (!slot.answered) this.failedStarts++;
      this.opts.onCrash?.(error);
    }
    for (const task of slot.tasks.values()) this.inline(task.bytes).then(task.resolve, task.reject);
    slot.tasks.clear();
  }
}

/** Structured clone turns Buffers into plain Uint8Arrays; the store wants Buffers back. */
function revive(p: PreparedEvent): PreparedEvent {
  const { personal, sealed } = p.event;
  if (personal?.ipKey) personal.ipKey = asBuffer(personal.ipKey);
  if (sealed?.salt) sealed.salt = asBuffer(sealed.salt);
  return p;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
