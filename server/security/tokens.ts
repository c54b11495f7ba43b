// Widget tokens: HS256 JWTs minted by the host's backend. Every rejection names one plain reason.
import { errors, jwtVerify, SignJWT } from 'jose';
import type { TokenScope, WidgetTokenClaims } from '../../shared/api.js';
import { isWellFormed } from '../../shared/schemas/event.js';

export const MAX_TOKEN_LIFETIME_S = 15 * 60;
const CLOCK_SKEW_S = 60;

export type TokenCheck = { ok: true; claims: WidgetTokenClaims } | { ok: false; reason: string };

/**
 * Verifies widget tokens. The HMAC key is imported once, and a token already verified is remembered until it
 * expires: a page reuses its token for many requests, so most of them skip the signature check. The cache is
 * memory only; tokens are never stored or logged.
 */
export class TokenVerifier {
  private key: Promise<CryptoKey> | null = null;
  private readonly verified = new Map<string, WidgetTokenClaims>();

  constructor(private readonly secret: Uint8Array) {}

  async verify(token: string): Promise<TokenCheck> {
    const now = Date.now() / 1000;
    const hit = this.verified.get(token);
    if (hit) {
      if (hit.exp + CLOCK_SKEW_S > now) return { ok: true, claims: hit };
      this.verified.delete(token);
      return { ok: false, reason: 'expired' };
    }
    this.key ??= crypto.subtle.importKey(
      'raw',
      new Uint8Array(this.secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['verify'],
    );
    const check = await verifyWidgetToken(token, await this.key);
    if (check.ok) {
      if (this.verified.size >= 10_000) this.verified.clear();
      this.verified.set(token, check.claims);
    }
    return check;
  }
}

export async function verifyWidgetToken(token: string, secret: Uint8Array | CryptoKey): Promise<TokenCheck> {
  try {
    // Only HS256: `none` and every other algorithm are refused by jose before the signature is looked at.
    const { payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      audience: 'receipts',
      requiredClaims: ['sub', 'iat', 'exp'],
      clockTolerance: CLOCK_SKEW_S,
    });
    const { sub, sid, scope, iat, exp, for_user } = payload as Partial<WidgetTokenClaims>;
    // The subject and session id are stored (as personal data and an HMAC): only text that survives UTF-8.
    if (!isIdText(sub, 256)) return { ok: false, reason: 'bad subject' };
    if (sid !== undefined && !isIdText(sid, 512)) return { ok: false, reason: 'bad session id' };
    if (scope !== 'user' && scope !== 'support') return { ok: false, reason: 'unknown scope' };
    if (for_user !== undefined && (scope !== 'support' || !isIdText(for_user, 256)))
      return { ok: false, reason: 'bad for_user claim' };
    if (typeof iat !== 'number' || typeof exp !== 'number' || !Number.isFinite(iat) || !Number.isFinite(exp))
      return { ok: false, reason: 'missing iat or exp' };
    // A token that expires when (or before) it is issued was never valid, whatever the clock tolerance says.
    if (exp <= iat) return { ok: false, reason: 'expires before it is issued' };
    if (exp - iat > MAX_TOKEN_LIFETIME_S) return { ok: false, reason: 'lifetime longer than 15 minutes' };
    if (iat > Date.now() / 1000 + CLOCK_SKEW_S) return { ok: false, reason: 'issued in the future' };
    return {
      ok: true,
      claims: { sub, sid, scope, iat, exp, aud: 'receipts', ...(for_user !== undefined ? { for_user } : {}) },
    };
  } catch (error) {
    return { ok: false, reason: describe(error) };
  }
}

function isIdText(value: unknown, max: number): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= max &&
    isWellFormed(value) &&
    !/[\u0000-\u001f\u007f]/.test(value)
  );
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad signature';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'wrong audience';
    return `bad ${error.claim} claim`;
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'malformed token';
  return 'invalid token';
}

export async function mintWidgetToken(
  secret: Uint8Array,
  opts: { userId: string; sessionId?: string; scope?: TokenScope; ttlSeconds?: number; forUser?: string },
): Promise<string> {
  const ttl = Math.min(opts.ttlSeconds ?? 600, MAX_TOKEN_LIFETIME_S);
  const jwt = new SignJWT({
    scope: opts.scope ?? 'user',
    ...(opts.sessionId ? { sid: opts.sessionId } : {}),
    ...(opts.forUser ? { for_user: opts.forUser } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(opts.userId)
    .setAudience('receipts')
    .setIssuedAt()
    .setExpirationTime(`${ttl}s`);
  return jwt.sign(secret);
}
