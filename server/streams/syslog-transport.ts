// Syslog over TCP or TLS. TCP has no application acknowledgement, so "taken" means: written, drained to
// the kernel, and the connection then stayed up for `confirmMs` (long enough for the receiver to have read
// it), or the receiver answered our clean close with its own, which it does only after reading everything.
// Whatever was written but not confirmed when a connection breaks is sent again from the cursor after
// reconnecting: at least once, and the receiver may see a record twice (stream-check drops duplicates).
import type { Socket } from 'node:net';
import type { Batch, Position } from './records.js';
import { openSyslog, type SyslogDestination, writeDrained } from './syslog-connection.js';
import { frame, syslogMessage } from './syslog-format.js';
import type { Transport } from './transport.js';

const WRITE_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 5_000;

export class SyslogTransport implements Transport {
  private socket: Socket | null = null;
  private pending: { end: Position; at: number }[] = [];
  private confirmed: Position | null = null;
  private lost: Error | null = null;
  private closing = false;
  private writing = false;

  constructor(
    private readonly destination: SyslogDestination,
    private readonly ca: string | null,
    private readonly confirmMs: number,
  ) {}

  async send(batch: Batch): Promise<void> {
    if (this.lost) throw this.lost;
    if (batch.records.length === 0) {
      // Only the position moved (checkpoints without a note): taken once what came before is.
      if (this.pending.length === 0) this.confirmed = batch.end;
      else this.pending.push({ end: batch.end, at: this.pending[this.pending.length - 1]!.at });
      return;
    }
    const socket = this.socket ?? (await this.connect());
    const data = Buffer.concat(batch.records.map((r) => frame(syslogMessage(r))));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the receiver stopped reading')), WRITE_TIMEOUT_MS);
    });
    this.writing = true;
    try {
      await Promise.race([writeDrained(socket, data), timeout]);
    } finally {
      this.writing = false;
      clearTimeout(timer);
    }
    if (this.lost) throw this.lost;
    this.pending.push({ end: batch.end, at: Date.now() });
  }

  broken(): Error | null {
    return this.lost;
  }

  taken(): Position | null {
    if (this.socket && !this.lost) {
      const before = Date.now() - this.confirmMs;
      let i = 0;
      while (i < this.pending.length && this.pending[i]!.at <= before) i++;
      if (i > 0) {
        this.confirmed = this.pending[i - 1]!.end;
        this.pending = this.pending.slice(i);
      }
    }
    const out = this.confirmed;
    this.confirmed = null;
    return out;
  }

  reset(): void {
    this.socket?.destroy();
    this.socket = null;
    this.pending = [];
    this.lost = null;
  }

  async close(): Promise<void> {
    const socket = this.socket;
    if (!socket || this.lost) return this.reset();
    // The receiver closes its side only after reading all we sent: then everything pending is taken.
    this.closing = true;
    const answered = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), CLOSE_TIMEOUT_MS);
      socket.once('end', () => {
        clearTimeout(timer);
        resolve(true);
      });
      socket.once('close', () => {
        clearTimeout(timer);
        resolve(false);
      });
      socket.end();
    });
    if (answered && this.pending.length > 0) this.confirmed = this.pending[this.pending.length - 1]!.end;
    this.pending = [];
    socket.destroy();
    this.socket = null;
    this.closing = false;
  }

  private async connect(): Promise<Socket> {
    const socket = await openSyslog(this.destination, this.ca);
    const broke = (error: Error) => {
      if (this.socket !== socket || this.closing) return;
      if (this.pending.length === 0 && !this.writing) {
        // Closed while nothing was in doubt (say, an idle timeout): the next batch simply reconnects.
        this.socket = null;
        socket.destroy();
        return;
      }
      this.lost = error;
      this.pending = [];
    };
    socket.on('error', broke);
    socket.on('end', () => broke(new Error('the receiver closed the connection')));
    socket.on('close', () => broke(new Error('the connection closed')));
    // Syslog receivers send nothing; anything that arrives is read and ignored.
    socket.on('data', () => {});
    this.socket = socket;
    this.lost = null;
    return socket;
  }
}
