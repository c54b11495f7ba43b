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
  // RFC 8785 for a flat object of strings, numbers and nulls is JSON.stringify with the keys in sorted
  // order: built here directly, as this runs for every event written and verified.
  const body = {
    action: row.action,
    event_type: row.event_type,
    id: row.id,
    level: row.level,
    metadata: row.metadata,
    outcome: row.outcome,
    pii_commit: row.pii_commit,
    prev_hash: row.prev_hash,
    received_at: row.received_at,
    request_id: row.request_id,
    resource_id: row.resource_id,
    resource_type: row.resource_type,
    seq: row.seq,
    session_ref: row.session_ref,
    subject: row.subject,
    ts: row.ts,
  };
  return createHash('sha256').update(row.prev_hash).update(JSON.stringify(body)).digest('hex');
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
