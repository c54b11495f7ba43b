// Coordination of several servers on one PostgreSQL database (see ../coordination.ts): notices through
// LISTEN/NOTIFY on a connection of their own, and the leader lock held on another.
import pg from 'pg';
import type { Coordination } from '../coordination.js';

const CHANNEL = 'receipts_changes';
/** Held by the server that runs the background work (a session-level advisory lock). */
const LEADER_LOCK = 0x52435055;

export class PgCoordination implements Coordination {
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
