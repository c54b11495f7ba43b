// Shapes of what the HTTP API returns. Plain types, so the widget imports them with `import type`
// and pulls no validation code into the browser bundle.
import type { EventType, Level, Outcome } from './catalog.js';
import type { ChainedEvent } from './tlog/event-hash.js';

export type DeviceType =
  | 'desktop'
  | 'mobile'
  | 'tablet'
  | 'console'
  | 'smarttv'
  | 'wearable'
  | 'embedded'
  | 'bot';

/** Kinds of device people name ("my iPhone", "the Windows PC"); the component translates them. */
export type DeviceKind =
  | 'iphone'
  | 'ipad'
  | 'android_phone'
  | 'android_tablet'
  | 'mac'
  | 'windows_pc'
  | 'linux_pc'
  | 'chromebook';

/** What the server made of a user agent; parsed on the server only. */
export interface DeviceInfo {
  /** "Safari", "Chrome", "Firefox" (no "Mobile" prefix). */
  browser: string | null;
  /** "macOS", "iOS", "iPadOS", "Android", "Windows", "Linux", "ChromeOS", … */
  os: string | null;
  type: DeviceType | null;
  /** Which kind of device, when it is one people name; absent on stored rows before they are shown. */
  kind?: DeviceKind | null;
  /** The kind in English ("iPhone", "Windows PC"): the fallback for a locale without its name. */
  name?: string | null;
}

/** Roughly where a sign-in came from, looked up from its address at ingest; never coordinates. */
export interface Place {
  /** ISO 3166-1 alpha-2, e.g. `DE`. */
  country: string;
  /** The country in English ("Germany"); the component names it in its own language. */
  country_name: string;
  region?: string;
  city?: string;
}

export interface ActivityItem {
  id: string;
  timestamp: string;
  event_type: EventType;
  level: Level;
  outcome: Outcome | null;
  device: DeviceInfo | null;
  /** Masked: `203.0.113.xxx` or `2001:db8:85a3::/48`. */
  ip: string | null;
  location: Place | null;
  /** True when the event belongs to the session of the token that asked. */
  current: boolean;
  /** Public id of the session the event belongs to, if any. */
  session: string | null;
  /** Redacted and masked metadata; personal values of an erased user read `[erased]`. */
  metadata: Record<string, unknown> | null;
}

export interface Page<T> {
  items: T[];
  /** Opaque; pass as `cursor` for the next page. Null on the last page. */
  next_cursor: string | null;
}

export type SessionStatus = 'active' | 'revoked' | 'expired' | 'ended';

export interface SessionView {
  id: string;
  status: SessionStatus;
  created_at: string;
  last_seen_at: string;
  device: DeviceInfo | null;
  ip: string | null;
  location: Place | null;
  current: boolean;
}

export interface DeviceView {
  id: string;
  device: DeviceInfo;
  first_seen: string;
  last_seen: string;
  ip: string | null;
  location: Place | null;
  sessions: number;
}

export type ErasureState = 'none' | 'pending' | 'cancelled' | 'completed';

export interface ErasureView {
  status: ErasureState;
  requested_at: string | null;
  /** When a pending request will be carried out. */
  scheduled_for: string | null;
  completed_at: string | null;
}

export type AlertSeverity = 'notice' | 'low' | 'medium' | 'high' | 'critical';
export type AlertStatus = 'open' | 'acknowledged' | 'resolved';

export interface AlertView {
  id: string;
  rule: string;
  severity: AlertSeverity;
  status: AlertStatus;
  created_at: string;
  /** What the component needs to say it in any language (counts, networks, a device), by rule. */
  params: Record<string, string | number | boolean | null>;
  /** Public id of the session the alert is about, if any: signing it out resolves the alert. */
  session: string | null;
  /** English fallback, for rules the component does not know. */
  summary: string;
  event_ids: string[];
}

export interface RevokeResult {
  revoked: number;
}

export interface ReportResult {
  reported: true;
  revoked_session: boolean;
  advice: 'change_password';
}

/** Host API: `GET /v1/sessions/:host_session_id`. */
export interface HostSessionStatus {
  status: SessionStatus;
  revoked_at: string | null;
  revoked_by: string | null;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  ids: string[];
  duplicate_ids: string[];
}

/**
 * `GET /v1/me/activity/:id/proof` (and the support and admin equivalents): where one event sits in the
 * transparency log. Leaf `leaf_index` (= `seq - 1`) of the tree of `tree_size` leaves holds the 32 raw bytes
 * of `event.hash`; `proof` is its RFC 9162 inclusion proof (base64 hashes) to the root of `checkpoint`, a
 * C2SP signed note whose tree size is `tree_size`.
 */
export interface ActivityProof {
  seq: number;
  leaf_index: number;
  tree_size: number;
  /** The events row as chained (`ts` in epoch ms, `metadata` as its stored JSON text). */
  event: ChainedEvent;
  proof: string[];
  checkpoint: string;
}

/** Messages on `GET /v1/me/stream` (server-sent events, `event:` names). */
export type StreamMessage =
  | { event: 'activity'; data: ActivityItem }
  | { event: 'sessions'; data: { changed: string[] } }
  | { event: 'alert'; data: AlertView }
  | { event: 'ping'; data: Record<string, never> };

export type TokenScope = 'user' | 'support';

/** Claims of a widget token (HS256, `aud: "receipts"`, lifetime ≤ 15 minutes). */
export interface WidgetTokenClaims {
  sub: string;
  sid?: string;
  aud: 'receipts';
  scope: TokenScope;
  iat: number;
  exp: number;
  /** Support tokens only: the one user this token may act for (absent: any user). */
  for_user?: string;
}
