// What the server and its prepare workers send each other. Types only: both sides import them.
import type { GeoSource } from '../../geo/index.js';
import type { PreparedBody } from '../body.js';

/** Given to each worker when it starts. */
export interface WorkerSetup {
  pepper: Uint8Array;
  webhookSecret: string | null;
  /** Each worker opens the database itself: its search tree stays on disk (server/geo/mmdb-file.ts). */
  geo: { source: GeoSource };
}

/** One request body, its bytes moved (not copied) to the worker. */
export interface PrepareTask {
  id: number;
  bytes: Uint8Array;
}

/** The body prepared or refused, or why preparing it threw. */
export type PrepareAnswer = { id: number; body: PreparedBody } | { id: number; failed: string };
