// Investigation: events by IP, CIDR range or account and time window, oldest first, with full IPs.
// This is the audited path to personal data: every query is itself recorded (`log_accessed`).
import ipaddr from 'ipaddr.js';
import { restorePersonal } from '../ingest/personal.js';
import { ipKey } from '../ingest/prepare.js';
import type { Services } from '../services.js';
import { pseudonymOf } from '../store/events.js';
import { type InvestigationMatch, type InvestigationRow, investigationPage } from '../store/investigate.js';
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

export async function investigate(
  s: Services,
  q: InvestigationQuery,
): Promise<{ items: InvestigatedEvent[]; next_cursor: string | null }> {
  let match: InvestigationMatch;
  if (q.ip) {
    if (!ipaddr.isValid(q.ip)) throw new BadQuery('ip: not an IP address');
    match = { by: 'ip', key: ipKey(q.ip) };
  } else if (q.cidr) {
    const [low, high] = cidrRange(q.cidr);
    match = { by: 'range', low, high };
  } else if (q.user_id) {
    const subject = await pseudonymOf(s.store.db, q.user_id);
    if (!subject) return { items: [], next_cursor: null };
    match = { by: 'subject', subject };
  } else throw new BadQuery('one of ip, cidr or user_id is required');
  let after: { ts: number; seq: number } | undefined;
  if (q.cursor) {
    const pos = decodeCursor(q.cursor);
    if (!pos) throw new BadQuery('cursor: not a cursor from this API');
    after = pos;
  }
  const rows = await investigationPage(
    s.store.db,
    match,
    {
      ...(q.from ? { from: Date.parse(q.from) } : {}),
      ...(q.to ? { to: Date.parse(q.to) } : {}),
      ...(after ? { after } : {}),
    },
    q.limit + 1,
  );
  return pageOf(rows, q.limit, toInvestigated);
}

function toInvestigated(r: InvestigationRow): InvestigatedEvent {
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
