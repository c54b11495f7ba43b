// What goes down a stream, read from the store in order: each audit event (the chained row, exactly as
// hashed) with its personal data beside it, and each signed checkpoint right after the event that
// completes its tree size.

import { maskIp } from '../../shared/mask.js';
import type { ChainedEvent } from '../../shared/tlog/index.js';
import type { Db } from '../store/sql.js';
import {
  lastSeq,
  type StreamEventRow as Row,
  streamCheckpointsAfter,
  streamEventsAfter,
} from '../store/streams.js';

/** Where a stream stands: the last event and the last checkpoint (checkpoints.id) it took. */
export interface Position {
  seq: number;
  checkpoint: number;
}

/** Personal data sent beside the event (never inside it: the event is what the chain hashes). */
export interface Beside {
  ip: string | null;
  browser: string | null;
  os: string | null;
  device_type: string | null;
  /** Only with RECEIPTS_STREAM_PII=full. */
  user_id?: string | null;
  user_agent?: string | null;
}

export type StreamRecord =
  | { kind: 'event'; event: ChainedEvent; beside: Beside }
  | { kind: 'checkpoint'; id: number; size: number; note: string };

export interface Batch {
  records: StreamRecord[];
  /** The position once every record of the batch is taken. */
  end: Position;
}

const SHARED_BATCH_MS = 2_000;

export class RecordReader {
  private readonly recent = new Map<string, { batch: Batch; at: number }>();
  /** Reads in flight, so streams asking for the same batch at once share one read. */
  private readonly reading = new Map<string, Promise<Batch>>();

  constructor(private readonly pii: 'masked' | 'full') {}

  /** The newest seq in the log (0 when empty). */
  headSeq(db: Db): Promise<number> {
    return lastSeq(db);
  }

  /**
   * Up to `limit` events after `from`, with the checkpoints that fall among them. A checkpoint goes right
   * after the event whose seq is its tree size (or first, when that event was already taken).
   * Checkpoints without a signed note are passed over.
   */
  after(db: Db, from: Position, limit: number): Promise<Batch> {
    // Streams to several destinations read the same full batches: the second one in a moment gets it
    // from here. A full batch never changes (new events and checkpoints land after it); entries are
    // short-lived so an erasure is not outrun by much.
    const key = `${from.seq}:${from.checkpoint}:${limit}`;
    const now = Date.now();
    const cached = this.recent.get(key);
    if (cached && now - cached.at < SHARED_BATCH_MS) return Promise.resolve(cached.batch);
    let reading = this.reading.get(key);
    if (!reading) {
      reading = this.read(db, from, limit).then(
        (batch) => {
          this.reading.delete(key);
          if (batch.records.length > 0 && batch.end.seq - from.seq === limit) {
            const at = Date.now();
            for (const [k, v] of this.recent) if (at - v.at >= SHARED_BATCH_MS) this.recent.delete(k);
            if (this.recent.size < 8) this.recent.set(key, { batch, at });
          }
          return batch;
        },
        (error: unknown) => {
          this.reading.delete(key);
          throw error;
        },
      );
      this.reading.set(key, reading);
    }
    return reading;
  }

  private async read(db: Db, from: Position, limit: number): Promise<Batch> {
    const rows = await streamEventsAfter(db, from.seq, limit);
    const through = rows.length > 0 ? rows[rows.length - 1]!.seq : from.seq;
    const cps = (await streamCheckpointsAfter(db, from.checkpoint, limit)).filter((c) => c.seq <= through);
    const records: StreamRecord[] = [];
    let checkpoint = from.checkpoint;
    let c = 0;
    const placeCheckpoints = (upTo: number) => {
      while (c < cps.length && cps[c]!.seq <= upTo) {
        const cp = cps[c++]!;
        checkpoint = cp.id;
        if (cp.note) records.push({ kind: 'checkpoint', id: cp.id, size: cp.seq, note: cp.note });
      }
    };
    placeCheckpoints(from.seq);
    for (const row of rows) {
      records.push({ kind: 'event', event: chained(row), beside: this.beside(row) });
      placeCheckpoints(row.seq);
    }
    return { records, end: { seq: through, checkpoint } };
  }

  private beside(row: Row): Beside {
    if (this.pii === 'full')
      return {
        ip: row.p_ip,
        browser: row.p_browser,
        os: row.p_os,
        device_type: row.p_device_type,
        user_id: row.p_user_id,
        user_agent: row.p_user_agent,
      };
    return {
      ip: row.p_ip ? maskIp(row.p_ip) : null,
      browser: row.p_browser,
      os: row.p_os,
      device_type: row.p_device_type,
    };
  }
}

function chained(row: Row): ChainedEvent {
  return {
    seq: row.seq,
    id: row.id,
    ts: row.ts,
    received_at: row.received_at,
    event_type: row.event_type,
    level: row.level,
    outcome: row.outcome,
    subject: row.subject,
    session_ref: row.session_ref,
    request_id: row.request_id,
    resource_type: row.resource_type,
    resource_id: row.resource_id,
    action: row.action,
    metadata: row.metadata,
    pii_commit: row.pii_commit,
    prev_hash: row.prev_hash,
    hash: row.hash,
  };
}
