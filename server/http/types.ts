// Context variables, typed once for every route.
import type { WidgetTokenClaims } from '../../shared/api.js';
import type { KeyIdentity } from '../security/keys.js';

export interface WidgetPrincipal {
  claims: WidgetTokenClaims;
  /** The user's pseudonym, or null when Receipts holds nothing about the user. */
  subject: string | null;
  /** HMAC of the token's `sid`, if any. */
  sessionRef: string | null;
}

declare module 'hono' {
  interface ContextVariableMap {
    clientIp: string;
    widget: WidgetPrincipal;
    key: KeyIdentity;
    /** Why staff are looking: X-Support-Reason or X-Access-Reason, validated. */
    reason: string;
  }
}
