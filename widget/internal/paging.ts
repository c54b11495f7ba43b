// Filters, queries and merging for the activity list. Pure functions.
import type { ActivityItem } from '../../shared/api.js';
import type { KnownEventType } from '../../shared/catalog.js';

export const PAGE_SIZE = 25;

export const FILTER_KINDS = ['all', 'signins', 'security', 'data'] as const;
export type FilterKind = (typeof FILTER_KINDS)[number];

const SIGNINS = [
  'login_success',
  'login_failure',
  'logout',
  'session_created',
  'session_expired',
  'session_revoked',
  'mfa_challenge_failed',
  'account_locked',
] as const satisfies readonly KnownEventType[];

const SECURITY = [
  'password_change',
  'password_reset_requested',
  'mfa_enabled',
  'mfa_disabled',
  'mfa_challenge_failed',
  'account_locked',
  'session_revoked',
  'permission_granted',
  'permission_revoked',
  'rate_limit_exceeded',
  'invalid_token_presented',
  'sql_injection_attempt_blocked',
  'csrf_validation_failed',
  'suspicious_pattern_detected',
  'file_upload_rejected',
  'alert_raised',
  'activity_reported',
] as const satisfies readonly KnownEventType[];

const DATA = [
  'data_access',
  'data_export',
  'profile_update',
  'erasure_requested',
  'erasure_cancelled',
  'erasure_completed',
  'support_access',
  'log_accessed',
  'sensitive_data_redacted',
] as const satisfies readonly KnownEventType[];

const KIND_TYPES: Record<Exclude<FilterKind, 'all'>, readonly string[]> = {
  signins: SIGNINS,
  security: SECURITY,
  data: DATA,
};

/** Event types that change the list of sessions or devices when they arrive. */
export const SESSION_TYPES: ReadonlySet<string> = new Set([
  'login_success',
  'logout',
  'session_created',
  'session_expired',
  'session_revoked',
  'activity_reported',
]);

export function matchesKind(eventType: string, kind: FilterKind): boolean {
  return kind === 'all' || KIND_TYPES[kind].includes(eventType);
}

/** The query string of `GET …/activity` for one page of a kind. */
export function activityQuery(kind: FilterKind, cursor: string | null = null, limit = PAGE_SIZE): string {
  const q = new URLSearchParams({ limit: String(limit) });
  if (cursor) q.set('cursor', cursor);
  if (kind !== 'all') q.set('event_type', KIND_TYPES[kind].join(','));
  return q.toString();
}

/** Newest first; equal timestamps fall back to the id so that the order is stable across merges. */
function newestFirst(a: ActivityItem, b: ActivityItem): number {
  const diff = Date.parse(b.timestamp) - Date.parse(a.timestamp);
  if (diff) return diff;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** The union of two lists by id, newest first; an incoming item replaces the one with its id. */
export function mergeItems(
  current: readonly ActivityItem[],
  incoming: readonly ActivityItem[],
): ActivityItem[] {
  const byId = new Map<string, ActivityItem>();
  for (const item of current) byId.set(item.id, item);
  for (const item of incoming) byId.set(item.id, item);
  return [...byId.values()].sort(newestFirst);
}

/** A sign-in someone could disown with "This wasn't me": successful, and not the session asking. */
export function canReport(item: ActivityItem): boolean {
  return (
    (item.event_type === 'login_success' || item.event_type === 'session_created') &&
    item.outcome !== 'failure' &&
    !item.current
  );
}

/** Entries that mean little one by one: a run of them in a day reads as one line with a count. */
const REPEATS = new Set(['data_access', 'support_access']);

/** What makes two entries "the same again": their kind, and for support, what was done. */
function sameAgain(a: ActivityItem, b: ActivityItem): boolean {
  return (
    a.event_type === b.event_type &&
    REPEATS.has(a.event_type) &&
    a.session === b.session &&
    a.timestamp.slice(0, 10) === b.timestamp.slice(0, 10) &&
    String(a.metadata?.action ?? '') === String(b.metadata?.action ?? '')
  );
}

/**
 * The day's entries as people want to read them: a run of repeated "viewed" entries folds into its newest
 * (with how many), and Receipts' own echoes give way to the entry they belong to — an `alert_raised` about
 * an entry shown (the alert itself is in the alerts card), a sign-out that a report already announces.
 */
export function fold(items: readonly ActivityItem[]): { item: ActivityItem; count: number }[] {
  const shown = new Set(items.map((i) => i.id));
  const rows: { item: ActivityItem; count: number }[] = [];
  for (const item of items) {
    const meta = item.metadata ?? {};
    const about = Array.isArray(meta.events) ? meta.events : [];
    if (item.event_type === 'alert_raised' && about.some((id) => shown.has(String(id)))) continue;
    if (item.event_type === 'session_revoked' && /:report$/.test(String(meta.revoked_by ?? ''))) continue;
    const last = rows.at(-1);
    if (last && sameAgain(last.item, item)) last.count++;
    else rows.push({ item, count: 1 });
  }
  return rows;
}
