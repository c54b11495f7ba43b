// What several servers on one PostgreSQL database share besides the tables: notices after each commit
// (LISTEN/NOTIFY), so a live stream on any server hears of changes made on another, and one leader lock,
// so background work runs once for the deployment and moves to another server when its holder dies.
// On SQLite there is one server: notices stay in-process and it always leads.
import pg from 'pg';
import type { Store } from './db.js';

const CHANNEL = 'receipts_changes';
/** Held by the server that runs the background work (a session-level advisory lock). */
const LEADER_LOCK = 0x52435055;

export interface Coordination {
  /** Sends a notice to every other server; a no-op on SQLite. */
  publish(notice: unknown): void;
  /** Receives the notices other servers publish. */
  onNotice(listener: (notice: unknown) => void): void;
  /** Calls `start` while this server holds the leader lock, and the function it returned when it loses it. */
  lead(start: () => () => void): void;
  close(): Promise<void>;
}

export function coordinate(store: Store, options: { retryMs?: number } = {}): Coordination {
  if (!store.pool) return local();
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

class PgCoordination implements Coordination {
  private readonly origin = `${process.pid}:${Math.random().toString(36).slice(2)}`;
  private readonly listeners: ((notice: unknown) => void)[] = [];
  private listener: pg.Client | null = null;
  private leaderClient: pg.Client | null = null;
  private stopLeading: (() => void) | null = null;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly retryMs: number,
  ) {
    void this.listen();
  }

  publish(notice: unknown): void {
    const payload = JSON.stringify({ from: this.origin, notice });
    // NOTIFY payloads are limited to 8000 bytes; notices are a subject and a few ids.
    this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]).catch(() => {});
  }

  onNotice(listener: (notice: unknown) => void): void {
    this.listeners.push(listener);
  }

  lead(start: () => () => void): void {
    const attempt = async () => {
      if (this.closed) return;
      try {
        if (!this.leaderClient) {
          const client = this.connect();
          await client.connect();
          client.on('error', () => this.lostLead(client));
          this.leaderClient = client;
        }
        const r = await this.leaderClient.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
          LEADER_LOCK,
        ]);
        if (r.rows[0]?.ok && !this.closed) {
          this.stopLeading = start();
          return;
        }
      } catch {
        if (this.leaderClient) this.lostLead(this.leaderClient);
      }
      this.schedule(attempt);
    };
    this.retryLead = attempt;
    void attempt();
  }

  private retryLead: (() => Promise<void>) | null = null;

  private schedule(attempt: () => Promise<void>): void {
    if (this.closed) return;
    this.timer = setTimeout(() => void attempt(), this.retryMs);
    this.timer.unref();
  }

  /** The lock went with the connection: stop the work and try to lead again. */
  private lostLead(client: pg.Client): void {
    if (this.leaderClient !== client) return;
    this.leaderClient = null;
    client.end().catch(() => {});
    this.stopLeading?.();
    this.stopLeading = null;
    if (this.retryLead) this.schedule(this.retryLead);
  }

  private connect(): pg.Client {
    const { connectionString, host, port, user, password, database } = this.pool.options;
    return new pg.Client({ connectionString, host, port, user, password, database });
  }

  private async listen(): Promise<void> {
    if (this.closed) return;
    const client = this.connect();
    try {
      await client.connect();
      client.on('notification', (m) => {
        if (m.channel !== CHANNEL || !m.payload) return;
        const { from, notice } = JSON.parse(m.payload) as { from: string; notice: unknown };
        if (from === this.origin) return;
        for (const l of this.listeners) l(notice);
      });
      client.on('error', () => {
        if (this.listener !== client) return;
        this.listener = null;
        client.end().catch(() => {});
        setTimeout(() => void this.listen(), this.retryMs).unref();
      });
      await client.query(`LISTEN ${CHANNEL}`);
      this.listener = client;
    } catch {
      client.end().catch(() => {});
      setTimeout(() => void this.listen(), this.retryMs).unref();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.stopLeading?.();
    this.stopLeading = null;
    await Promise.all([this.listener?.end().catch(() => {}), this.leaderClient?.end().catch(() => {})]);
    this.listener = null;
    this.leaderClient = null;
  }
}
