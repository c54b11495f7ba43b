// A user's activity as they see it: newest first, devices parsed, IPs and personal values masked.
import type { ActivityItem, DeviceInfo, DeviceType, Page } from '../../shared/api.js';
import type { EventType, Level, Outcome } from '../../shared/catalog.js';
import { maskEmail, maskIp, maskIpsInText, maskPhone } from '../../shared/mask.js';
import type { ActivityQuery } from '../../shared/schemas/me.js';
import { presentDevice } from '../derive/user-agent.js';
import { PERSONAL, restorePersonal } from '../ingest/personal.js';
import type { Sqlite } from '../store/db.js';
import { decodeCursor, pageOf } from './cursor.js';
import { placeFrom } from './place.js';

interface ActivityRow {
  seq: number;
  id: string;
  ts: number;
  event_type: string;
  level: string;
  outcome: string | null;
  session_ref: string | null;
  metadata: string | null;
  ip_net: string | null;
  location: string | null;
  browser: string | null;
  os: string | null;
  device_type: string | null;
  /** The device of the event's session: what a sign-out recorded by Receipts names. */
  s_browser: string | null;
  s_os: string | null;
  s_device_type: string | null;
  pvalues: string | null;
  session_id: string | null;
}

/** How a personal value looks to its owner: recognisable, not complete. */
export function maskPersonalValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (value.includes('@')) return maskEmail(value);
  const ip = maskIp(value);
  if (ip) return ip;
  const masked = maskIpsInText(value);
  if (masked !== value) return masked;
  if (/^\+?[\d\s().-]{7,24}$/.test(value)) return maskPhone(value);
  return value;
}

function device(row: ActivityRow): DeviceInfo | null {
  if (!row.browser && !row.os && !row.device_type) {
    // A revocation carries no user agent of its own; it is about its session's device, so it names that.
    if (row.event_type !== 'session_revoked' || (!row.s_browser && !row.s_os)) return null;
    return presentDevice({
      browser: row.s_browser,
      os: row.s_os,
      type: row.s_device_type as DeviceType | null,
    });
  }
  return presentDevice({ browser: row.browser, os: row.os, type: row.device_type as DeviceType | null });
}

// Something like an IPv4 (`1.2`) or an IPv6 run (`::`, `:db8:`) somewhere in the stored JSON text.
const MAYBE_ADDRESS = /\d\.\d|:[0-9a-f]{0,4}:/i;

function maskIpsInTree(node: unknown): unknown {
  if (typeof node === 'string') return maskIpsInText(node);
  if (Array.isArray(node)) return node.map(maskIpsInTree);
  if (node !== null && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[maskIpsInText(k)] = maskIpsInTree(v);
    return out;
  }
  return node;
}

function metadataOf(row: ActivityRow): Record<string, unknown> | null {
  if (!row.metadata) return null;
  const tree = JSON.parse(row.metadata) as Record<string, unknown>;
  const values =
    row.metadata.includes(PERSONAL) && row.pvalues
      ? (JSON.parse(row.pvalues) as Record<string, unknown>)
      : null;
  const shown = row.metadata.includes(PERSONAL) ? restorePersonal(tree, values, maskPersonalValue) : tree;
  // Addresses inside host-written text are masked too; most metadata holds nothing like one, so look first.
  return (MAYBE_ADDRESS.test(row.metadata) ? maskIpsInTree(shown) : shown) as Record<string, unknown>;
}

export function toItem(row: ActivityRow, currentRef: string | null): ActivityItem {
  return {
    id: row.id,
    timestamp: new Date(row.ts).toISOString(),
    event_type: row.event_type as EventType,
    level: row.level as Level,
    outcome: row.outcome as Outcome | null,
    device: device(row),
    ip: row.ip_net,
    location: placeFrom(row.location),
    current: currentRef !== null && row.session_ref === currentRef,
    session: row.session_id,
    metadata: metadataOf(row),
  };
}

export type ExportItem = ActivityItem & { user_agent: string | null };

const SELECT = `SELECT e.seq, e.id, e.ts, e.event_type, e.level, e.outcome, e.session_ref, e.metadata,
  p.ip_net, p.location, p.browser, p.os, p.device_type, p."values" AS pvalues, s.id AS session_id,
  s.browser AS s_browser, s.os AS s_os, s.device_type AS s_device_type
  FROM events e LEFT JOIN personal_data p ON p.seq = e.seq LEFT JOIN sessions s ON s.ref = e.session_ref`;

export class ActivityView {
  private readonly statements = new Map<string, ReturnType<Sqlite['prepare']>>();
  private readonly byId;

  constructor(private readonly sqlite: Sqlite) {
    this.byId = sqlite.prepare<[string, string], ActivityRow>(`${SELECT} WHERE e.id = ? AND e.subject = ?`);
  }

  /** One page of a subject's activity, or null when the cursor is not one of ours. */
  page(subject: string, q: ActivityQuery, currentRef: string | null): Page<ActivityItem> | null {
    const where = ['e.subject = @subject'];
    const params: Record<string, string | number> = { subject, limit: q.limit + 1 };
    if (q.cursor) {
      const pos = decodeCursor(q.cursor);
      if (!pos) return null;
      where.push('(e.ts < @cts OR (e.ts = @cts AND e.seq < @cseq))');
      params.cts = pos.ts;
      params.cseq = pos.seq;
    }
    const types = q.event_type?.split(',').filter(Boolean) ?? [];
    if (types.length > 0) {
      where.push(`e.event_type IN (${types.map((_, i) => `@t${i}`).join(', ')})`);
      types.forEach((t, i) => {
        params[`t${i}`] = t;
      });
    }
    if (q.outcome) {
      where.push('e.outcome = @outcome');
      params.outcome = q.outcome;
    }
    if (q.from) {
      where.push('e.ts >= @from');
      params.from = Date.parse(q.from);
    }
    if (q.to) {
      where.push('e.ts <= @to');
      params.to = Date.parse(q.to);
    }
    const sql = `${SELECT} WHERE ${where.join(' AND ')} ORDER BY e.ts DESC, e.seq DESC LIMIT @limit`;
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.sqlite.prepare(sql);
      if (this.statements.size < 200) this.statements.set(sql, stmt);
    }
    return pageOf(stmt.all(params) as ActivityRow[], q.limit, (r) => toItem(r, currentRef));
  }

  /** One event of the subject's, or undefined (not found and not yours look the same). */
  one(subject: string, id: string): (ActivityRow & { item: ActivityItem }) | undefined {
    const row = this.byId.get(id, subject);
    return row ? { ...row, item: toItem(row, null) } : undefined;
  }

  /** Everything of the subject's, oldest first, for the right of access (with their own user agents). */
  *all(subject: string, currentRef: string | null): Generator<ExportItem> {
    const stmt = this.sqlite.prepare<[string], ActivityRow & { user_agent: string | null }>(
      `${SELECT.replace(' FROM events', ', p.user_agent FROM events')} WHERE e.subject = ? ORDER BY e.ts, e.seq`,
    );
    for (const row of stmt.iterate(subject)) yield { ...toItem(row, currentRef), user_agent: row.user_agent };
  }

  /** Items newer than `afterSeq`, for the live stream. */
  since(
    subject: string,
    afterSeq: number,
    currentRef: string | null,
  ): { items: ActivityItem[]; maxSeq: number } {
    const rows = this.sqlite
      .prepare<[string, number], ActivityRow>(
        `${SELECT} WHERE e.subject = ? AND e.seq > ? ORDER BY e.seq LIMIT 100`,
      )
      .all(subject, afterSeq);
    return {
      items: rows.map((r) => toItem(r, currentRef)),
      maxSeq: rows.reduce((m, r) => Math.max(m, r.seq), afterSeq),
    };
  }
}
