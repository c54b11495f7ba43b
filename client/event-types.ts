// What `record()` takes: the ingest event of the contract, with `id` and `timestamp` filled in if missing.
// A plain interface, not the server's zod type, so the published package's types need no zod;
// test/client/event-types.test.ts keeps the two in step.
import type { EventType, Level, Outcome } from '../shared/catalog.js';

/** An event for `record()`. `timestamp` may be a `Date`; `id` and `timestamp` are added when absent. */
export interface ReceiptsEvent {
  /** Makes retries idempotent: letters, digits and `. _ : -`, up to 128 characters. */
  id?: string;
  timestamp?: string | Date;
  event_type: EventType;
  level?: Level;
  user_id?: string;
  /** The host's session id; Receipts keeps only an HMAC of it. */
  session_id?: string;
  ip_address?: string;
  user_agent?: string;
  request_id?: string;
  outcome?: Outcome;
  resource_type?: string;
  resource_id?: string;
  action?: string;
  metadata?: Record<string, unknown>;
}
