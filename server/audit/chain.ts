// The hash chain: hash = SHA-256(prev_hash ‖ RFC 8785 canonical JSON of the row without its hash).
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

export const GENESIS = '0'.repeat(64);

/** An events row as stored (column names as in the table). */
export interface EventRow {
  seq: number;
  id: string;
  ts: number;
  received_at: number;
  event_type: string;
  level: string;
  outcome: string | null;
  subject: string | null;
  session_ref: string | null;
  request_id: string | null;
  resource_type: string | null;
  resource_id: string | null;
  action: string | null;
  metadata: string | null;
  pii_commit: string | null;
  prev_hash: string;
  hash: string;
}

export function rowHash(row: Omit<EventRow, 'hash'>): string {
  const body = {
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
  };
  return createHash('sha256')
    .update(row.prev_hash)
    .update(canonicalize(body) as string)
    .digest('hex');
}

/** Salted commitment to an event's personal data: SHA-256(salt ‖ canonical JSON). */
export function personalCommit(salt: Buffer, personal: unknown): string {
  return createHash('sha256')
    .update(salt)
    .update(canonicalize(personal) as string)
    .digest('hex');
}
