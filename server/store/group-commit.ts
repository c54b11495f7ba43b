// Group commit: writes that arrive while a transaction is being written share the next one, so one fsync
// (SQLite) or one COMMIT round trip (PostgreSQL) acknowledges many requests. Each job runs in its own
// savepoint, so one failing job loses only itself. Groups run one at a time per process; on SQLite the next
// one is written while the last one's sync is still running (Transaction.durable), and a group's jobs are
// answered, in order, only once it is on disk.
import type { Db } from './sql.js';
import type { Transaction } from './transaction.js';

interface Job {
  work: (tx: Db) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitHooks {
  /** Called at the start of each group, inside it: in-memory state catches up with commits made elsewhere. */
  beforeGroup: (tx: Db) => Promise<void>;
  /** The transaction as jobs see it (the audit writer flushes what it buffered before reads of the log). */
  bind?: (tx: Db) => Db;
  /** Called after each job's work, inside its savepoint: what the job buffered is written now. */
  afterJob?: (tx: Db) => Promise<void>;
  /** Called when a job or the whole transaction rolled back: in-memory state must follow the store. */
  onRollback: () => void;
  /**
   * Called right after each group's COMMIT (what the group touched is taken then: the next group starts
   * at once); what it returns is called once the group is on disk, with how long its writes took and how
   * long it took from COMMIT to disk. Announcements must not run ahead of the disk.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook that has nothing to announce returns nothing.
  afterCommit?: () => ((group: CommittedGroup) => void) | void;
}

export interface CommittedGroup {
  jobs: number;
  workSeconds: number;
  commitSeconds: number;
}

export class GroupCommit {
  private queue: Job[] = [];
  private running = false;
  private idle: (() => void)[] = [];
  private closed = false;
  /** The last committed group's sync: each group's answers wait for it and their own. */
  private synced: Promise<void> = Promise.resolve();
  batches = 0;

  constructor(
    private readonly begin: () => Promise<Transaction>,
    private readonly hooks: GroupCommitHooks,
  ) {}

  /** Runs `work` inside a write transaction; resolves once that transaction is committed (durable). */
  run<T>(work: (tx: Db) => Promise<T> | T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        work: async (tx) => work(tx),
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      if (!this.running) {
        this.running = true;
        // Let the requests arriving in this turn of the event loop join the group.
        setImmediate(() => void this.loop());
      }
    });
  }

  /** Resolves when every queued job has been committed or failed. */
  drain(): Promise<void> {
    if (!this.running && this.queue.length === 0) return this.synced.then(noop, noop);
    return new Promise((resolve) => this.idle.push(resolve));
  }

  close(): void {
    this.closed = true;
  }

  private async loop(): Promise<void> {
    while (this.queue.length > 0) {
      const jobs = this.queue;
      this.queue = [];
      await this.flush(jobs);
    }
    this.running = false;
    await this.synced.then(noop, noop);
    // Jobs queued meanwhile have started a loop of their own, which wakes the waiters when it ends.
    if (this.running) return;
    const waiters = this.idle;
    this.idle = [];
    for (const w of waiters) w();
  }

  private async flush(jobs: Job[]): Promise<void> {
    const outcomes: { ok: boolean; value: unknown }[] = [];
    const started = performance.now();
    let worked = started;
    let tx: Transaction | null = null;
    try {
      tx = await this.begin();
      await this.hooks.beforeGroup(tx.db);
      const db = this.hooks.bind?.(tx.db) ?? tx.db;
      // One savepoint per job; between two jobs it is released and opened again in one step, and COMMIT
      // releases the last one.
      let open = false;
      for (const [i, job] of jobs.entries()) {
        if (!open) await tx.savepoint('job');
        open = true;
        try {
          const value = await job.work(db);
          await this.hooks.afterJob?.(tx.db);
          if (i < jobs.length - 1) await tx.renew('job');
          outcomes.push({ ok: true, value });
        } catch (error) {
          await tx.rollbackTo('job');
          open = false;
          this.hooks.onRollback();
          outcomes.push({ ok: false, value: error });
        }
      }
      worked = performance.now();
      await tx.commit();
      this.batches++;
    } catch (error) {
      // The transaction itself failed: nothing of this group is durable.
      await tx?.rollback().catch(() => {});
      this.hooks.onRollback();
      for (const job of jobs) job.reject(error);
      return;
    }
    const onDisk = this.hooks.afterCommit?.();
    // Not awaited: the next group is written while this one syncs.
    const durable = Promise.all([this.synced, tx.durable()]).then(noop);
    this.synced = durable;
    durable.then(
      () => {
        onDisk?.({
          jobs: jobs.length,
          workSeconds: (worked - started) / 1000,
          commitSeconds: (performance.now() - worked) / 1000,
        });
        for (const [i, job] of jobs.entries()) {
          const outcome = outcomes[i]!;
          if (outcome.ok) job.resolve(outcome.value);
          else job.reject(outcome.value);
        }
      },
      // Committed but maybe not on disk: no job of it (nor of any later group) is acknowledged.
      (error) => {
        for (const job of jobs) job.reject(error);
      },
    );
  }
}

const noop = () => {};
