// The hash chain: hash = SHA-256(prev_hash ‖ RFC 8785 canonical JSON of the row without its hash).
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { type ChainedEvent, chainPreimage } from '../../shared/tlog/event-hash.js';
import { random } from '../ids.js';
import type { NewEvent } from './writer.js';

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

/** The parts of a row that do not depend on its place in the chain: canonical metadata, the commitment. */
export interface Sealed {
  metadata: string | null;
  /** Null when the event has no personal data (no row beside it). */
  salt: Buffer | null;
  piiCommit: string | null;
  /** JSON of the personal values, or null for none. */
  values: string | null;
}

/**
 * Canonical metadata and the salted commitment to the event's personal data. Pure apart from the random
 * salt, so it can run on a prepare worker, off the thread that chains; the writer runs it for events that
 * come without it (Receipts' own).
 */
export function seal(e: Pick<NewEvent, 'userId' | 'metadata' | 'personal'>): Sealed {
  const metadata =
    e.metadata === null || e.metadata === undefined ? null : (canonicalize(e.metadata) as string);
  const values = e.personal && Object.keys(e.personal.values).length > 0 ? e.personal.values : null;
  const personal = {
    user_id: e.userId,
    ip: e.personal?.ip ?? null,
    user_agent: e.personal?.userAgent ?? null,
    values,
  };
  if (personal.user_id === null && personal.ip === null && personal.user_agent === null && values === null)
    return { metadata, salt: null, piiCommit: null, values: null };
  const salt = random(16);
  return {
    metadata,
    salt,
    piiCommit: personalFieldsCommit(salt, personal),
    values: values ? JSON.stringify(values) : null,
  };
}
