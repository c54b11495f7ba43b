// What `record()` takes: the ingest event of the contract, with `id` and `timestamp` filled in if missing.
import type { EventType } from '../shared/catalog.js';
import type { IngestEvent } from '../shared/schemas/event.js';

/** An event for `record()`. `timestamp` may be a `Date`; `id` and `timestamp` are added when absent. */
export type ReceiptsEvent = Omit<IngestEvent, 'event_type' | 'timestamp' | 'metadata'> & {
  event_type: EventType;
  timestamp?: string | Date;
  metadata?: Record<string, unknown>;
};
