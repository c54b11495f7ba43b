// What the log streams read and keep: each destination's cursor (stream_cursors), and the events with
// their personal data and the signed checkpoints after a position, in order, a page at a time.
import type { ChainedEvent } from '../../shared/tlog/index.js';
import { type Db, sql } from './sql.js';

export interface StreamCursorRow {
  last_seq: number;
  last_checkpoint: number;
  last_error: string | null;
}

/** An event as it was chained, with the personal data sent beside it. */
export interface StreamEventRow extends ChainedEvent {
  p_user_id: string | null;
  p_ip: string | null;
  p_user_agent: string | null;
  p_browser: string | null;
  p_os: string | null;
  p_device_type: string | null;
}

export interface StreamCheckpointRow {
  id: number;
  seq: number;
  note: string | null;
}

const READ_CURSOR = sql(
  'SELECT last_seq, last_checkpoint, last_error FROM stream_cursors WHERE destination = ?',
);
const ENSURE_CURSOR = sql(
  `INSERT INTO stream_cursors (destination, last_seq, last_checkpoint, updated_at) VALUES (?, 0, 0, ?)
   ON CONFLICT (destination) DO NOTHING`,
);
// A cursor only moves forward, whatever order saves land in.
const SAVE_CURSOR = sql({
  sqlite: `UPDATE stream_cursors SET last_seq = MAX(last_seq, @seq), last_checkpoint = MAX(last_checkpoint, @checkpoint),
     updated_at = @at, last_error = @error WHERE destination = @destination`,
  pg: `UPDATE stream_cursors SET last_seq = GREATEST(last_seq, @seq::bigint),
     last_checkpoint = GREATEST(last_checkpoint, @checkpoint::bigint),
     updated_at = @at, last_error = @error WHERE destination = @destination`,
});
const EVENTS_AFTER = sql(
  `SELECT e.seq, e.id, e.ts, e.received_at, e.event_type, e.level, e.outcome, e.subject, e.session_ref,
     e.request_id, e.resource_type, e.resource_id, e.action, e.metadata, e.pii_commit, e.prev_hash, e.hash,
     p.user_id AS p_user_id, p.ip AS p_ip, p.user_agent AS p_user_agent, p.browser AS p_browser,
     p.os AS p_os, p.device_type AS p_device_type
   FROM events e LEFT JOIN personal_data p ON p.seq = e.seq
   WHERE e.seq > ? ORDER BY e.seq LIMIT ?`,
);
const CHECKPOINTS_AFTER = sql('SELECT id, seq, note FROM checkpoints WHERE id > ? ORDER BY id LIMIT ?');
const LAST_SEQ = sql('SELECT MAX(seq) AS seq FROM events');

/** The destination's cursor, created at the beginning of the log on first use. Inside a transaction. */
export async function loadStreamCursor(tx: Db, destination: string, now: number): Promise<StreamCursorRow> {
  await tx.run(ENSURE_CURSOR, [destination, now]);
  return (await tx.get<StreamCursorRow>(READ_CURSOR, [destination]))!;
}

export const saveStreamCursor = (
  tx: Db,
  c: { destination: string; seq: number; checkpoint: number; at: number; error: string | null },
) => tx.run(SAVE_CURSOR, { ...c });

/** Up to `limit` events after `seq`, oldest first. */
export const streamEventsAfter = (db: Db, seq: number, limit: number) =>
  db.all<StreamEventRow>(EVENTS_AFTER, [seq, limit]);

/** Up to `limit` checkpoints after the one with id `id`, oldest first. */
export const streamCheckpointsAfter = (db: Db, id: number, limit: number) =>
  db.all<StreamCheckpointRow>(CHECKPOINTS_AFTER, [id, limit]);

/** The newest seq in the log (0 when it holds no events). */
export async function lastSeq(db: Db): Promise<number> {
  return (await db.get<{ seq: number | null }>(LAST_SEQ))?.seq ?? 0;
}
