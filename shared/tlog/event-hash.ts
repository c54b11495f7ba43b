// The audit chain's hash, in one place for the server (writer, verify) and the browser (proof checks):
// hash = SHA-256(prev_hash ‖ RFC 8785 canonical JSON of the row without its hash).
import { toHex } from './base64.js';
import { sha256, utf8 } from './bytes.js';

/** An events row as stored (column names as in the table). */
export interface ChainedEvent {
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

/** The bytes the chain hash covers, as text. */
export function chainPreimage(row: Omit<ChainedEvent, 'hash'>): string {
  // RFC 8785 for a flat object of strings, integers and nulls is JSON.stringify with the keys in sorted
  // order: built directly (no canonicalizer in the browser), fields picked so extra properties never count.
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
  return row.prev_hash + JSON.stringify(body);
}

export async function eventHash(row: Omit<ChainedEvent, 'hash'>): Promise<string> {
  return toHex(await sha256(utf8(chainPreimage(row))));
}
