// The checkpointer's thread (checkpointer.ts): its own connection copies committed WAL frames into the
// database file, with the fsyncs that takes, while the writer goes on committing on the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface CheckpointResult {
  /** Frames in the WAL, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
  busy: boolean;
}

const db = new Database((workerData as { path: string }).path, { fileMustExist: true });
db.pragma('busy_timeout = 5000');

parentPort?.on('message', () => {
  try {
    // PASSIVE: never waits for, or blocks, the writer or a reader; what it could not copy waits for the next.
    const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    const result: CheckpointResult = {
      log: r?.log ?? 0,
      checkpointed: r?.checkpointed ?? 0,
      busy: !!r?.busy,
    };
    parentPort?.postMessage(result);
  } catch (error) {
    parentPort?.postMessage({ error: (error as Error).message });
  }
});
