// Page readers: on SQLite, activity pages are read and written out as JSON on worker threads, each with its
// own connection to the file, so the main thread only verifies, routes and sends. Reading the rows is most
// of what a page costs (about 60% of a request's CPU), and SQLite reads from any number of connections at
// once. A page whose thread dies is read again on the main thread's reader.
import type { ActivityFilter } from '../store/activity.js';
import type { SqliteDb } from '../store/sqlite.js';
import { WorkerPool } from '../worker-pool.js';
import { pageJson } from './activity.js';

/** One page to read: what `pageJson` takes besides the connection. */
export interface PageTask {
  subject: string;
  filter: ActivityFilter;
  limit: number;
  currentRef: string | null;
}

/** Given to each reader thread when it starts. */
export interface PageReaderSetup {
  path: string;
}

export interface PageReadersOptions {
  /** Threads; 0 reads every page on the main thread. */
  size: number;
  /** The SQLite file. */
  path: string;
  /** The main thread's reader: pages are read there when no thread can, and every answer waits on its WAL sync. */
  reader: SqliteDb;
  onCrash?: (error: Error) => void;
  /** How long a reader thread with no page to read stays (default 30 s). */
  idleMs?: number;
  /** The worker module; the server's own by default (the tests give one that dies on a 13-item page). */
  script?: URL;
}

export class PageReaders {
  private readonly pool: WorkerPool<PageTask, string>;

  constructor(private readonly opts: PageReadersOptions) {
    const setup: PageReaderSetup = { path: opts.path };
    this.pool = new WorkerPool({
      name: 'page reader',
      size: opts.size,
      script: opts.script ?? new URL('./page-reader.js', import.meta.url),
      workerData: setup,
      // A page's rows and strings are garbage once it is sent.
      youngGenerationMb: 4,
      inline: (t) => pageJson(opts.reader, t.subject, t.filter, t.limit, t.currentRef),
      onCrash: opts.onCrash,
      // Pages come in bursts; between them a server gives the threads' memory back.
      idleMs: opts.idleMs ?? 30_000,
    });
  }

  /** Threads running now (they start with the first page). */
  get threads(): number {
    return this.pool.threads;
  }

  /**
   * The page as JSON text. A thread's connection may see a commit whose WAL is not synced yet; the answer
   * waits for that sync, as every read on the main thread's reader does.
   */
  async page(task: PageTask): Promise<string> {
    return this.opts.reader.whenDurable(await this.pool.run(task));
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
