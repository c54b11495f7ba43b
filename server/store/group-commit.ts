// Group commit: writes that arrive while the event loop is busy share one transaction, so one fsync
// acknowledges many requests. Each job runs in its own savepoint, so one failing job loses only itself.
import type { Sqlite } from './db.js';

interface Job {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitHooks {
  /** Called before each group: in-memory state catches up with commits made elsewhere. */
  beforeGroup: () => void;
  /** Called when a job or the whole transaction rolled back: in-memory state must follow the store. */
  onRollback: () => void;
  /** Called after each committed group, with how long its writes and its COMMIT (the fsync) took. */
  afterCommit?: (group: CommittedGroup) => void;
}

export interface CommittedGroup {
  jobs: number;
  workSeconds: number;
  commitSeconds: number;
}

export class GroupCommit {
  private queue: Job[] = [];
  private scheduled = false;
  private idle: (() => void)[] = [];
  private closed = false;
  batches = 0;

  constructor(
    private readonly sqlite: Sqlite,
    private readonly hooks: GroupCommitHooks,
  ) {}

  /** Runs `work` inside a write transaction; resolves once that transaction is committed (durable). */
  run<T>(work: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Resolves when every queued job has been committed or failed. */
  drain(): Promise<void> {
    if (!this.scheduled && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  close(): void {
    this.closed = true;
  }

  private flush(): void {
    this.scheduled = false;
    const jobs = this.queue;
    this.queue = [];
    if (jobs.length === 0) {
      this.notifyIdle();
      return;
    }
    const outcomes: { ok: boolean; value: unknown }[] = [];
    const started = performance.now();
    let worked = started;
    try {
      this.sqlite.transaction(() => {
        this.hooks.beforeGroup();
        for (const job of jobs) {
          try {
            outcomes.push({ ok: true, value: this.sqlite.transaction(job.work)() });
          } catch (error) {
            this.hooks.onRollback();
            outcomes.push({ ok: false, value: error });
          }
        }
        worked = performance.now();
      })();
      this.batches++;
    } catch (error) {
      // The commit itself failed: nothing of this group is durable.
      this.hooks.onRollback();
      for (const job of jobs) job.reject(error);
      this.afterFlush();
      return;
    }
    // The wrapper commits right after the last job returns, so what follows `worked` is the COMMIT.
    this.hooks.afterCommit?.({
      jobs: jobs.length,
      workSeconds: (worked - started) / 1000,
      commitSeconds: (performance.now() - worked) / 1000,
    });
    jobs.forEach((job, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.value);
    });
    this.afterFlush();
  }

  private afterFlush(): void {
    if (this.queue.length > 0) {
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    } else this.notifyIdle();
  }

  private notifyIdle(): void {
    const waiters = this.idle;
    this.idle = [];
    for (const w of waiters) w();
  }
}
