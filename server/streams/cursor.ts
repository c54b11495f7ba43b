// Each destination's durable cursor in stream_cursors: the last seq and checkpoint it took, and its last error.
import type { Sqlite } from '../store/db.js';
import type { Position } from './records.js';

export interface CursorRow {
  position: Position;
  lastError: string | null;
}

export class Cursors {
  private readonly read;
  private readonly insert;
  private readonly update;

  constructor(sqlite: Sqlite) {
    this.read = sqlite.prepare<
      [string],
      { last_seq: number; last_checkpoint: number; last_error: string | null }
    >('SELECT last_seq, last_checkpoint, last_error FROM stream_cursors WHERE destination = ?');
    this.insert = sqlite.prepare(
      'INSERT OR IGNORE INTO stream_cursors (destination, last_seq, last_checkpoint, updated_at) VALUES (?, 0, 0, ?)',
    );
    this.update = sqlite.prepare(
      `UPDATE stream_cursors SET last_seq = MAX(last_seq, ?), last_checkpoint = MAX(last_checkpoint, ?),
        updated_at = ?, last_error = ? WHERE destination = ?`,
    );
  }

  /** The destination's cursor; a new destination starts at the beginning of the log. */
  load(destination: string): CursorRow {
    this.insert.run(destination, Date.now());
    const row = this.read.get(destination)!;
    return { position: { seq: row.last_seq, checkpoint: row.last_checkpoint }, lastError: row.last_error };
  }

  save(destination: string, position: Position, lastError: string | null): void {
    this.update.run(position.seq, position.checkpoint, Date.now(), lastError, destination);
  }
}
