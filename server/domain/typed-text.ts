// Text a person typed (a "this wasn't me" note, the user id an agent looked up) may hold anything about
// someone — a phone number, a name. It is personal data: kept beside the chain in the event's personal
// values, so the chained metadata holds only a placeholder and erasure removes the words.
import { PERSONAL } from '../ingest/personal.js';
import type { PreparedEvent } from '../ingest/prepare.js';

/** Moves `metadata[key]` (already redacted) into the event's personal values. */
export function keepTypedApart(prepared: PreparedEvent, key: string): PreparedEvent {
  const e = prepared.event;
  const metadata = e.metadata as Record<string, unknown> | null;
  if (!metadata || !Object.hasOwn(metadata, key)) return prepared;
  const value = metadata[key];
  if (value === PERSONAL || typeof value !== 'string') return prepared;
  metadata[key] = PERSONAL;
  e.personal ??= { ip: null, ipKey: null, ipNet: null, userAgent: null, device: null, values: {} };
  e.personal.values[key] = value;
  return prepared;
}
