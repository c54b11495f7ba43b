// Investigation: events by IP, CIDR range or account and time window, oldest first, with full IPs.
// This is the audited path to personal data: every query is itself recorded (`log_accessed`).
import ipaddr from 'ipaddr.js';
import type { EventRow } from '../audit/chain.js';
import { restorePersonal } from '../ingest/personal.js';
import { ipKey } from '../ingest/prepare.js';
import type { Services } from '../services.js';
import { decodeCursor, pageOf } from '../views/cursor.js';

export interface InvestigationQuery {
  ip?: string;
  cidr?: string;
  user_id?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit: number;
}

export interface InvestigatedEvent {
  seq: number;
  id: string;
  timestamp: string;
  received_at: string;
  event_type: string;
  level: string;
  outcome: string | null;
  user_id: string | null;
  subject: string | null;
  ip: string | null;
  user_agent: string | null;
  session: string | null;
  request_id: string | null;
  resource_type: string | null;
  resource_id: string | null;
  action: string | null;
  metadata: unknown;
  hash: string;
}

type Row = Omit<EventRow, 'session_ref' | 'pii_commit' | 'prev_hash'> & {
  user_id: string | null;
  ip: string | null;
  user_agent: string | null;
  pvalues: string | null;
  session_id: string | null;
};

/** Why a query cannot run: shown to the investigator as a 400. */
export class BadQuery extends Error {}

/** The first and last 16-byte keys of a CIDR range (IPv4 as IPv4-mapped IPv6, like `ip_key`). */
export function cidrRange(cidr: string): [Buffer, Buffer] {
  let range: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    range = ipaddr.parseCIDR(cidr);
  } catch {
    throw new BadQuery('cidr: not a CIDR range such as 203.0.113.0/24');
  }
  const [addr, bits] = range;
  const bytes = Buffer.from(
    addr.kind() === 'ipv4' ? (addr as ipaddr.IPv4).toIPv4MappedAddress().toByteArray() : addr.toByteArray(),
  );
  const prefix = addr.kind() === 'ipv4' ? bits + 96 : bits;
  const low = Buffer.from(bytes);
  const high = Buffer.from(bytes);
  for (let bit = prefix; bit < 128; bit++) {
    const i = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    low[i]! &= ~mask;
    high[i]! |= mask;
  }
  return [low, high];
}

const SELECT = `SELECT e.seq, e.id, e.ts, e.received_at, e.event_type, e.level, e.outcome, e.subject, e.request_id,
  e.resource_type, e.resource_id, e.action, e.metadata, e.hash, p.user_id, p.ip, p.user_agent, p."values" AS pvalues,
  s.id AS session_id
  FROM events e LEFT JOIN personal_data p ON p.seq = e.seq LEFT JOIN sessions s ON s.ref = e.session_ref`;

export function investigate(
  s: Services,
  q: InvestigationQuery,
): { items: InvestigatedEvent[]; next_cursor: string | null } {
  const where: string[] = [];
  const params: Record<string, unknown> = { limit: q.limit + 1 };
  if (q.ip) {
    if (!ipaddr.isValid(q.ip)) throw new BadQuery('ip: not an IP address');
    where.push('p.ip_key = @key');
    params.key = ipKey(q.ip);
  } else if (q.cidr) {
    const [low, high] = cidrRange(q.cidr);
    where.push('p.ip_key BETWEEN @low AND @high');
    params.low = low;
    params.high = high;
  } else if (q.user_id) {
    const subject = s.log.subjects.lookup(q.user_id);
    if (!subject) return { items: [], next_cursor: null };
    where.push('e.subject = @subject');
    params.subject = subject;
  }
  if (q.from) {
    where.push('e.ts >= @from');
    params.from = Date.parse(q.from);
  }
  if (q.to) {
    where.push('e.ts <= @to');
    params.to = Date.parse(q.to);
  }
  if (q.cursor) {
    const pos = decodeCursor(q.cursor);
    if (!pos) throw new BadQuery('cursor: not a cursor from this API');
    where.push('(e.ts > @cts OR (e.ts = @cts AND e.seq > @cseq))');
    params.cts = pos.ts;
    params.cseq = pos.seq;
  }
  const rows = s.store.sqlite
    .prepare<[Record<string, unknown>], Row>(
      `${SELECT} WHERE ${where.join(' AND ')} ORDER BY e.ts, e.seq LIMIT @limit`,
    )
    .all(params);
  return pageOf(rows, q.limit, toInvestigated);
}

function toInvestigated(r: Row): InvestigatedEvent {
  const values = r.pvalues ? (JSON.parse(r.pvalues) as Record<string, unknown>) : null;
  return {
    seq: r.seq,
    id: r.id,
    timestamp: new Date(r.ts).toISOString(),
    received_at: new Date(r.received_at).toISOString(),
    event_type: r.event_type,
    level: r.level,
    outcome: r.outcome,
    user_id: r.user_id,
    subject: r.subject,
    ip: r.ip,
    user_agent: r.user_agent,
    session: r.session_id,
    request_id: r.request_id,
    resource_type: r.resource_type,
    resource_id: r.resource_id,
    action: r.action,
    metadata: r.metadata ? restorePersonal(JSON.parse(r.metadata), values, (v) => v) : null,
    hash: r.hash,
  };
}
