// A transport carries batches to one destination and says which of them the destination has taken.
import type { Batch, Position } from './records.js';

export interface Transport {
  /** Sends a batch, in order after the previous ones; rejects when the destination cannot take it now. */
  send(batch: Batch): Promise<void>;
  /** Why the connection broke while idle (what was sent but not taken must be sent again), or null. */
  broken(): Error | null;
  /** The furthest position the destination has taken since the last call, or null. */
  taken(): Position | null;
  /** Drops the connection after a failure; what was not taken is sent again from the cursor. */
  reset(): void;
  /** Closes cleanly; what the close proves taken is reported by `taken()` afterwards. */
  close(): Promise<void>;
}
