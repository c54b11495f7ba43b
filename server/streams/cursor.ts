// Each destination's durable cursor in stream_cursors: the last seq and checkpoint it took, and its last error.
import type { Db } from '../store/sql.js';
import { loadStreamCursor, saveStreamCursor } from '../store/streams.js';
import type { Position } from './records.js';

export interface CursorRow {
  position: Position;
  lastError: string | null;
}

/** The destination's cursor; a new destination starts at the beginning of the log. Inside a transaction. */
export async function loadCursor(tx: Db, destination: string): Promise<CursorRow> {
  const row = await loadStreamCursor(tx, destination, Date.now());
  return { position: { seq: row.last_seq, checkpoint: row.last_checkpoint }, lastError: row.last_error };
}

/** Moves the cursor forward (never back) and records the last error. Inside a transaction. */
export async function saveCursor(
  tx: Db,
  destination: string,
  position: Position,
  lastError: string | null,
): Promise<void> {
  await saveStreamCursor(tx, {
    destination,
    seq: position.seq,
    checkpoint: position.checkpoint,
    at: Date.now(),
    error: lastError,
  });
}
