// What a prepare worker is given when it starts. Types only: both sides import them.
import type { GeoSource } from '../../geo/index.js';

/** Given to each worker when it starts. */
export interface WorkerSetup {
  pepper: Uint8Array;
  webhookSecret: string | null;
  /** Each worker opens the database itself: its search tree stays on disk (server/geo/mmdb-file.ts). */
  geo: { source: GeoSource };
}
