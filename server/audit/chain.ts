// The hash chain: hash = SHA-256(prev_hash ‖ RFC 8785 canonical JSON of the row without its hash).
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { type ChainedEvent, chainPreimage } from '../../shared/tlog/event-hash.js';

export const GENESIS = '0'.repeat(64);

/** An events row as stored (column names as in the table); the same shape the browser hashes. */
export type EventRow = ChainedEvent;

/** The chain hash, sync on node:crypto for the writer and `verify`; same bytes as shared `eventHash`. */
export function rowHash(row: Omit<EventRow, 'hash'>): string {
  return createHash('sha256').update(chainPreimage(row)).digest('hex');
}

/** Salted commitment to an event's personal data: SHA-256(salt ‖ canonical JSON). */
export function personalCommit(salt: Buffer, personal: unknown): string {
  return createHash('sha256')
    .update(salt)
    .update(canonicalize(personal) as string)
    .digest('hex');
}

export interface PersonalFields {
  user_id: string | null;
  ip: string | null;
  user_agent: string | null;
  values: Record<string, unknown> | null;
}

/** `personalCommit` of the writer's shape; without nested values the canonical form is built directly. */
export function personalFieldsCommit(salt: Buffer, p: PersonalFields): string {
  if (p.values !== null) return personalCommit(salt, p);
  // Keys in RFC 8785 order (ip, user_agent, user_id, values); flat strings and nulls only.
  const text = JSON.stringify({ ip: p.ip, user_agent: p.user_agent, user_id: p.user_id, values: null });
  return createHash('sha256').update(salt).update(text).digest('hex');
}
