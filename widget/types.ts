// Types for hosts: `document.querySelector('activity-log')` and the element's events are typed.
import type { ErasureView } from '../shared/api.js';
import type { ActivityLog } from './activity-log.component.js';
import type { FailureCode } from './internal/api.js';

/** `session-revoked`: one session (`id`), or every other one (`others`, how many were signed out). */
export type SessionRevokedDetail = { id: string } | { others: number };

/** `erasure-requested`: the request as the server recorded it. */
export type ErasureRequestedDetail = ErasureView;

/** `activity-error`: what failed, for the host's own logging; the user already sees it in plain words. */
export interface ActivityErrorDetail {
  code: FailureCode;
  message: string;
  requestId?: string;
  /** `log_verification_failed`: the ids of the shown events that do not match the signed log. */
  eventIds?: string[];
}

/** Event name → detail. */
export interface ActivityLogEventDetails {
  'session-revoked': SessionRevokedDetail;
  'erasure-requested': ErasureRequestedDetail;
  'activity-error': ActivityErrorDetail;
}

declare global {
  interface HTMLElementTagNameMap {
    'activity-log': ActivityLog;
  }
  interface GlobalEventHandlersEventMap {
    'session-revoked': CustomEvent<SessionRevokedDetail>;
    'erasure-requested': CustomEvent<ErasureRequestedDetail>;
    'activity-error': CustomEvent<ActivityErrorDetail>;
  }
}
