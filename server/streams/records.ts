// What goes down a stream, read from the store in order: each audit event (the chained row, exactly as
// hashed) with its personal data beside it, and each signed checkpoint right after the event that
// completes its tree size.

import { maskIp } from '../../shared/mask.js';
import type { ChainedEvent } from '../../shared/tlog/index.js';
import type { Sqlite } from '../store/db.js';

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

interface Row extends ChainedEvent {
  p_user_id: string | null;
  p_ip: string | null;
  p_user_agent: string | null;
  p_browser: string | null;
  p_os: string | null;
  p_device_type: string | null;
}

interface CheckpointRow {
  id: number;
  seq: number;
  note: string | null;
}

const SHARED_BATCH_MS = 2_000;

export class RecordReader {
  private readonly events;
  private readonly checkpoints;
  private readonly head;
  private readonly recent = new Map<string, { batch: Batch; at: number }>();

  constructor(
    sqlite: Sqlite,
    private readonly pii: 'masked' | 'full',
  ) {
    this.events = sqlite.prepare<[number, number], Row>(
      `SELECT e.seq, e.id, e.ts, e.received_at, e.event_type, e.level, e.outcome, e.subject, e.session_ref,
        e.request_id, e.resource_type, e.resource_id, e.action, e.metadata, e.pii_commit, e.prev_hash, e.hash,
        p.user_id AS p_user_id, p.ip AS p_ip, p.user_agent AS p_user_agent, p.browser AS p_browser,
        p.os AS p_os, p.device_type AS p_device_type
       FROM events e LEFT JOIN personal_data p ON p.seq = e.seq
       WHERE e.seq > ? ORDER BY e.seq LIMIT ?`,
    );
    this.checkpoints = sqlite.prepare<[number, number], CheckpointRow>(
      'SELECT id, seq, note FROM checkpoints WHERE id > ? ORDER BY id LIMIT ?',
    );
    this.head = sqlite.prepare<[], number | null>('SELECT MAX(seq) FROM events').pluck();
  }

  /** The newest seq in the log (0 when empty). */
  headSeq(): number {
    return (this.head.get() as number | null) ?? 0;
  }

  /**
   * Up to `limit` events after `from`, with the checkpoints that fall among them. A checkpoint goes right
   * after the event whose seq is its tree size (or first, when that event was already taken).
   * Checkpoints without a signed note are passed over.
   */
  after(from: Position, limit: number): Batch {
    // Streams to several destinations read the same full batches: the second one in a moment gets it
    // from here. A full batch never changes (new events and checkpoints land after it); entries are
    // short-lived so an erasure is not outrun by much.
    const key = `${from.seq}:${from.checkpoint}:${limit}`;
    const now = Date.now();
    const cached = this.recent.get(key);
    if (cached && now - cached.at < SHARED_BATCH_MS) return cached.batch;
    const batch = this.read(from, limit);
    if (batch.records.length > 0 && batch.end.seq - from.seq === limit) {
      for (const [k, v] of this.recent) if (now - v.at >= SHARED_BATCH_MS) this.recent.delete(k);
      if (this.recent.size < 8) this.recent.set(key, { batch, at: now });
    }
    return batch;
  }

  private read(from: Position, limit: number): Batch {
    const rows = this.events.all(from.seq, limit);
    const lastSeq = rows.length > 0 ? rows[rows.length - 1]!.seq : from.seq;
    const cps = this.checkpoints.all(from.checkpoint, limit).filter((c) => c.seq <= lastSeq);
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
    return { records, end: { seq: lastSeq, checkpoint } };
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
