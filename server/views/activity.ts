// A user's activity as they see it: newest first, devices parsed, IPs and personal values masked.
import type { ActivityItem, DeviceInfo, DeviceType } from '../../shared/api.js';
import type { EventType, Level, Outcome } from '../../shared/catalog.js';
import { maskEmail, maskIp, maskIpsInText, maskPhone } from '../../shared/mask.js';
import type { ActivityQuery } from '../../shared/schemas/me.js';
import { presentDevice } from '../derive/device-names.js';
import { PERSONAL, restorePersonal } from '../ingest/personal.js';
import {
  type ActivityFilter,
  type ActivityRow,
  activityById,
  activityForExport,
  activityPage,
  activitySince,
  type ItemRow,
} from '../store/activity.js';
import type { Db } from '../store/sql.js';
import { decodeCursor, pageOf } from './cursor.js';
import type { PageReaders } from './page-readers.js';
import { placeFrom } from './place.js';

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

function metadataOf(row: Pick<ActivityRow, 'metadata' | 'pvalues'>): Record<string, unknown> | null {
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

// The page read: the rows come as arrays (server/store/activity.ts, PAGE) and each item's JSON is written
// here with the same fields and values as `toItem`, without an object per item: strings are quoted by
// JSON.stringify, stored JSON (a place, metadata) is spliced in as it is, and a presented device is made
// once per distinct stored one. Only a row whose metadata may hold a personal value or an address, or whose
// place is not one ingest wrote, goes through the objects `toItem` uses. test/server/routes/
// activity-items.test.ts holds both ways to each other.

/** Presented devices as JSON, by stored browser, os and type: there are few, so each is presented once. */
const deviceJsonByKey = new Map<string, string>();

function deviceJson(browser: string | null, os: string | null, type: string | null): string {
  // Stored values hold no control characters (ingest refuses them), so U+0000 separates them; U+0001 is null.
  const key = `${browser ?? '\u0001'}\u0000${os ?? '\u0001'}\u0000${type ?? '\u0001'}`;
  let json = deviceJsonByKey.get(key);
  if (json === undefined) {
    json = JSON.stringify(presentDevice({ browser, os, type: type as DeviceType | null }));
    if (deviceJsonByKey.size >= 1000) deviceJsonByKey.clear();
    deviceJsonByKey.set(key, json);
  }
  return json;
}

const quote = (v: string | null) => (v === null ? 'null' : JSON.stringify(v));
// How ingest writes a place (JSON.stringify of a Place, country first).
const PLACE_PREFIX = '{"country":';

function itemJson(row: ItemRow): string {
  const [
    ,
    ts,
    id,
    eventType,
    level,
    outcome,
    browser,
    os,
    deviceType,
    sessionDevice,
    ip,
    location,
    current,
    session,
    metadata,
    pvalues,
  ] = row;
  let device = 'null';
  if (browser || os || deviceType) device = deviceJson(browser, os, deviceType);
  else if (sessionDevice !== null)
    device = deviceJson(...(JSON.parse(sessionDevice) as [string | null, string | null, string | null]));
  const head = `{"timestamp":"${new Date(ts).toISOString()}","id":${quote(id)},"event_type":${quote(eventType)},"level":${quote(level)},"outcome":${quote(outcome)},"device":${device}`;
  const masked =
    (metadata !== null && (metadata.includes(PERSONAL) || MAYBE_ADDRESS.test(metadata))) ||
    (location !== null && !location.startsWith(PLACE_PREFIX));
  if (!masked)
    return `${head},"ip":${quote(ip)},"location":${location ?? 'null'},"current":${current === 1},"session":${quote(session)},"metadata":${metadata || 'null'}}`;
  const end = {
    ip,
    location: placeFrom(location),
    current: current === 1,
    session,
    metadata: metadataOf({ metadata, pvalues }),
  };
  return `${head},${JSON.stringify(end).slice(1)}`;
}

/**
 * One page of a subject's activity as the JSON text of a `Page<ActivityItem>`. Pure over the store: a page
 * reader thread (page-readers.ts) runs it on its own connection as the main thread runs it on the reader.
 */
export async function pageJson(
  db: Db,
  subject: string,
  filter: ActivityFilter,
  limit: number,
  currentRef: string | null,
): Promise<string> {
  const rows = await activityPage(db, subject, filter, limit + 1, currentRef);
  const { items, next_cursor } = pageOf(rows, limit, itemJson, ([seq, ts]) => ({ ts, seq }));
  return `{"items":[${items.join(',')}],"next_cursor":${JSON.stringify(next_cursor)}}`;
}

/** The page's filter from the query, or null when the cursor is not one of ours. */
function filterOf(q: ActivityQuery): ActivityFilter | null {
  const filter: ActivityFilter = {};
  if (q.cursor) {
    const pos = decodeCursor(q.cursor);
    if (!pos) return null;
    filter.before = pos;
  }
  const types = q.event_type?.split(',').filter(Boolean) ?? [];
  if (types.length > 0) filter.eventTypes = types;
  if (q.outcome) filter.outcome = q.outcome;
  if (q.from) filter.from = Date.parse(q.from);
  if (q.to) filter.to = Date.parse(q.to);
  return filter;
}

export type ExportItem = ActivityItem & { user_agent: string | null };

/** Reads a subject's activity for its owner; the rows come from server/store/activity.ts. */
export class ActivityView {
  /** @param readers threads that read pages on their own connections (SQLite); without them, `db` does. */
  constructor(private readonly readers: PageReaders | null = null) {}

  /**
   * One page of a subject's activity as the JSON text of a `Page<ActivityItem>`, or null when the cursor is
   * not one of ours.
   */
  async page(db: Db, subject: string, q: ActivityQuery, currentRef: string | null): Promise<string | null> {
    const filter = filterOf(q);
    if (!filter) return null;
    if (this.readers) return this.readers.page({ subject, filter, limit: q.limit, currentRef });
    return pageJson(db, subject, filter, q.limit, currentRef);
  }

  /** One event of the subject's, or undefined (not found and not yours look the same). */
  async one(
    db: Db,
    subject: string,
    id: string,
  ): Promise<(ActivityRow & { item: ActivityItem }) | undefined> {
    const row = await activityById(db, subject, id);
    return row ? { ...row, item: toItem(row, null) } : undefined;
  }

  /** Everything of the subject's, oldest first, for the right of access (with their own user agents). */
  async *all(db: Db, subject: string, currentRef: string | null): AsyncGenerator<ExportItem> {
    for await (const row of activityForExport(db, subject))
      yield { ...toItem(row, currentRef), user_agent: row.user_agent };
  }

  /** Items newer than `afterSeq`, for the live stream. */
  async since(
    db: Db,
    subject: string,
    afterSeq: number,
    currentRef: string | null,
  ): Promise<{ items: ActivityItem[]; maxSeq: number }> {
    const rows = await activitySince(db, subject, afterSeq, 100);
    return {
      items: rows.map((r) => toItem(r, currentRef)),
      maxSeq: rows.reduce((m, r) => Math.max(m, r.seq), afterSeq),
    };
  }
}
