// Worker threads that take work off the main thread: ingest bodies to prepare, activity pages to read. A pool
// is only ever a faster way: a task no worker can take, or whose worker dies before answering, is done on the
// main thread instead, so nothing waits on a lost thread and nothing is done differently.
import { parentPort, Worker } from 'node:worker_threads';

/** A worker that dies this many times in a row before answering anything is not started again. */
const MAX_FAILED_STARTS = 3;

/** What the pool sends a worker. */
export interface TaskMessage<T> {
  id: number;
  task: T;
}

/** What a worker sends back: the answer, or why doing the task threw. */
export type AnswerMessage<A> = { id: number; answer: A } | { id: number; failed: string };

export interface WorkerPoolOptions<T, A> {
  /** Names the thread in the error a lost worker is reported with ("prepare worker exited (70)"). */
  name: string;
  /** Worker threads; 0 does every task on the main thread. */
  size: number;
  script: URL;
  workerData: unknown;
  /** V8's young generation for each worker, in MB: what a task allocates dies young. */
  youngGenerationMb: number;
  /** The task done on the main thread. */
  inline: (task: T) => Promise<A>;
  /** The task as it is posted (structured clone copies it; the original stays here for `inline`). */
  post?: (task: T) => T;
  /** The answer as the caller expects it, after structured clone (which turns Buffers into Uint8Arrays). */
  revive?: (answer: A) => A;
  /** Told when a worker dies; it is replaced, and its tasks are done inline. */
  onCrash?: (error: Error) => void;
  /**
   * A worker left with nothing to do for this long ends, and gives its memory back (a thread's heap and
   * loaded modules are about 20 MB); the next task starts one again. Without it, workers stay.
   */
  idleMs?: number;
}

interface Pending<T, A> {
  task: T;
  resolve: (answer: A) => void;
  reject: (error: Error) => void;
}

interface Slot<T, A> {
  worker: Worker;
  tasks: Map<number, Pending<T, A>>;
  answered: boolean;
  /** Ends the worker once it has been idle for `idleMs`. */
  idle: NodeJS.Timeout | null;
  /** Ended for being idle, not lost. */
  retired: boolean;
}

export class WorkerPool<T, A> {
  private readonly slots: Slot<T, A>[] = [];
  private nextId = 1;
  private failedStarts = 0;
  private closed = false;

  constructor(private readonly opts: WorkerPoolOptions<T, A>) {}

  /** Threads running now (they start with the first task that needs one). */
  get threads(): number {
    return this.slots.length;
  }

  /** The task's answer, from the least busy worker or inline. Rejects only if doing the task threw. */
  run(task: T): Promise<A> {
    const slot = this.pick();
    if (!slot) return this.inline(task);
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      if (slot.idle) clearTimeout(slot.idle);
      slot.idle = null;
      if (slot.tasks.size === 0) slot.worker.ref();
      slot.tasks.set(id, { task, resolve, reject });
      const message: TaskMessage<T> = { id, task: this.opts.post ? this.opts.post(task) : task };
      slot.worker.postMessage(message);
    });
  }

  /** Stops the workers; tasks still on them are done inline, so no caller is left waiting. */
  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.slots) if (s.idle) clearTimeout(s.idle);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private inline(task: T): Promise<A> {
    try {
      return this.opts.inline(task);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The least busy worker, starting the missing ones; null when tasks are to be done inline. */
  private pick(): Slot<T, A> | null {
    if (this.closed) return null;
    while (this.slots.length < this.opts.size && this.failedStarts < MAX_FAILED_STARTS) this.start();
    let best: Slot<T, A> | null = null;
    for (const s of this.slots) if (!best || s.tasks.size < best.tasks.size) best = s;
    return best;
  }

  private start(): void {
    const worker = new Worker(this.opts.script, {
      workerData: this.opts.workerData,
      resourceLimits: { maxYoungGenerationSizeMb: this.opts.youngGenerationMb },
    });
    // An idle pool does not keep the process alive; one with tasks in flight does.
    worker.unref();
    const slot: Slot<T, A> = { worker, tasks: new Map(), answered: false, idle: null, retired: false };
    this.slots.push(slot);
    let failure: Error | null = null;
    worker.on('message', (answer: AnswerMessage<A>) => this.answer(slot, answer));
    worker.on('error', (error) => {
      failure = error;
    });
    // An answer that cannot be read would never come: end the worker, and its tasks are done inline.
    worker.on('messageerror', (error) => {
      failure = error;
      void worker.terminate();
    });
    worker.once('exit', (code) =>
      this.lost(slot, failure ?? new Error(`${this.opts.name} exited (${code})`)),
    );
  }

  private answer(slot: Slot<T, A>, answer: AnswerMessage<A>): void {
    const pending = slot.tasks.get(answer.id);
    if (!pending) return;
    slot.tasks.delete(answer.id);
    if (slot.tasks.size === 0) {
      slot.worker.unref();
      if (this.opts.idleMs !== undefined && !this.closed) {
        slot.idle = setTimeout(() => this.retire(slot), this.opts.idleMs);
        slot.idle.unref();
      }
    }
    slot.answered = true;
    this.failedStarts = 0;
    if ('failed' in answer) pending.reject(new Error(answer.failed));
    else pending.resolve(this.opts.revive ? this.opts.revive(answer.answer) : answer.answer);
  }

  /**
   * Ends an idle worker (`run` clears the timer before it hands a worker a task); it is out of the pool at
   * once, so no task can reach it while it stops.
   */
  private retire(slot: Slot<T, A>): void {
    slot.retired = true;
    this.slots.splice(this.slots.indexOf(slot), 1);
    void slot.worker.terminate();
  }

  /** A worker ended: what it held is done inline, and the next task that needs a worker starts one. */
  private lost(slot: Slot<T, A>, error: Error): void {
    if (slot.idle) clearTimeout(slot.idle);
    if (slot.retired) return;
    this.slots.splice(this.slots.indexOf(slot), 1);
    if (!this.closed) {
      if (!slot.answered) this.failedStarts++;
      this.opts.onCrash?.(error);
    }
    for (const p of slot.tasks.values()) this.inline(p.task).then(p.resolve, p.reject);
    slot.tasks.clear();
  }
}

/** In a worker: answers each task the pool sends with `handle`, under the task's id. */
export function answerTasks<T, A>(handle: (task: T) => A | Promise<A>): void {
  const port = parentPort;
  if (!port) throw new Error('answerTasks runs in a worker thread');
  port.on('message', async ({ id, task }: TaskMessage<T>) => {
    let message: AnswerMessage<A>;
    try {
      message = { id, answer: await handle(task) };
    } catch (error) {
      message = { id, failed: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    port.postMessage(message);
  });
}
