// The rows the raw baselines write (bench/raw.js for SQLite, bench/raw-pg.js for PostgreSQL): an `events` row
// for a generated event and its SHA-256 chain hash over RFC 8785 canonical JSON, as the audit writer makes them.
import { createHash, randomBytes } from 'node:crypto';
import canonicalize from 'canonicalize';

export const GENESIS = '0'.repeat(64);

export function uuidv7(now) {
  const b = randomBytes(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function rowHash(row) {
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
  return createHash('sha256').update(row.prev_hash).update(canonicalize(body)).digest('hex');
}

/** The next chained row after `head` ({ seq, hash }) for event `e`; `hash` filled in. */
export function chainedRow(e, head, { subject = e.user_id ?? null, pii_commit = null } = {}) {
  const now = Date.now();
  const row = {
    seq: head.seq + 1,
    id: uuidv7(now),
    ts: Date.parse(e.timestamp),
    received_at: now,
    event_type: e.event_type,
    level: e.outcome === 'failure' ? 'WARNING' : 'INFO',
    outcome: e.outcome ?? null,
    subject,
    session_ref: e.session_id ?? null,
    request_id: e.request_id ?? null,
    resource_type: e.resource_type ?? null,
    resource_id: e.resource_id ?? null,
    action: e.action ?? null,
    metadata: e.metadata ? canonicalize(e.metadata) : null,
    pii_commit,
    prev_hash: head.hash,
  };
  row.hash = rowHash(row);
  return row;
}

/** The columns of `events`, in table order. */
export const EVENT_COLUMNS = [
  'seq',
  'id',
  'ts',
  'received_at',
  'event_type',
  'level',
  'outcome',
  'subject',
  'session_ref',
  'request_id',
  'resource_type',
  'resource_id',
  'action',
  'metadata',
  'pii_commit',
  'prev_hash',
  'hash',
];
