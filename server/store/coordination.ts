// What several servers on one PostgreSQL database share besides the tables: notices after each commit
// (LISTEN/NOTIFY), so a live stream on any server hears of changes made on another, and one leader lock,
// so background work runs once for the deployment and moves to another server when its holder dies.
// On SQLite there is one server: notices stay in-process and it always leads.
import type { Store } from './db.js';

export interface Coordination {
  /** Sends a notice to every other server; a no-op on SQLite. */
  publish(notice: unknown): void;
  /** Receives the notices other servers publish. */
  onNotice(listener: (notice: unknown) => void): void;
  /** Calls `start` while this server holds the leader lock, and the function it returned when it loses it. */
  lead(start: () => () => void): void;
  close(): Promise<void>;
}

export async function coordinate(store: Store, options: { retryMs?: number } = {}): Promise<Coordination> {
  if (!store.pool) return local();
  // Loaded on PostgreSQL only, like the rest of store/pg/.
  const { PgCoordination } = await import('./pg/coordination.js');
  return new PgCoordination(store.pool, options.retryMs ?? 2000);
}

function local(): Coordination {
  let stop: (() => void) | null = null;
  return {
    publish: () => {},
    onNotice: () => {},
    lead: (start) => {
      stop = start();
    },
    close: async () => {
      stop?.();
      stop = null;
    },
  };
}
