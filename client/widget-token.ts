// Widget tokens: the short-lived HS256 JWT a host's backend hands to `<activity-log>`.
import { SignJWT } from 'jose';
import type { TokenScope } from '../shared/api.js';

/** Longest lifetime the server accepts (15 minutes). */
export const MAX_TOKEN_TTL_SECONDS = 900;
/** Shortest secret the contract allows for HS256. */
export const MIN_SECRET_BYTES = 32;

export interface WidgetTokenOptions {
  /** The host's user id: the token's `sub`. */
  userId: string;
  /** The host's session id: the token's `sid`, marks "this device" and dies with the session. */
  sessionId?: string;
  /** `user` (default), or `support` for staff acting on a user's behalf. */
  scope?: TokenScope;
  /** Lifetime in seconds; default 600, capped at 900. */
  ttlSeconds?: number;
}

/** Encodes the secret (UTF-8, as in `RECEIPTS_WIDGET_SECRET`) and checks it is long enough for HS256. */
export function widgetSecretKey(secret: string): Uint8Array {
  if (typeof secret !== 'string') throw new TypeError('receipts: widgetSecret must be a string');
  const key = new TextEncoder().encode(secret);
  if (key.length < MIN_SECRET_BYTES) {
    throw new RangeError(
      `receipts: widgetSecret must be at least ${MIN_SECRET_BYTES} bytes (got ${key.length}); ` +
        'use the same value as the server’s RECEIPTS_WIDGET_SECRET',
    );
  }
  return key;
}

/** Mints a widget token: `{sub, sid?, aud: "receipts", scope, iat, exp}`, HS256. */
export async function createWidgetToken(
  secret: string | Uint8Array,
  { userId, sessionId, scope = 'user', ttlSeconds = 600 }: WidgetTokenOptions,
): Promise<string> {
  const key = typeof secret === 'string' ? widgetSecretKey(secret) : secret;
  if (key.length < MIN_SECRET_BYTES) {
    throw new RangeError(`receipts: widgetSecret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  if (typeof userId !== 'string' || userId.length === 0) throw new TypeError('receipts: userId is required');
  if (sessionId !== undefined && (typeof sessionId !== 'string' || sessionId.length === 0)) {
    throw new TypeError('receipts: sessionId must be a non-empty string');
  }
  if (scope !== 'user' && scope !== 'support')
    throw new TypeError(`receipts: unknown scope ${String(scope)}`);
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError('receipts: ttlSeconds must be a positive number');
  }
  const ttl = Math.min(Math.floor(ttlSeconds), MAX_TOKEN_TTL_SECONDS) || 1;
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT(sessionId === undefined ? { scope } : { sid: sessionId, scope })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setAudience('receipts')
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttl)
    .sign(key);
}
