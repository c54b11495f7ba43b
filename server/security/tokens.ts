// Widget tokens: HS256 JWTs minted by the host's backend. Every rejection names one plain reason.
import { errors, jwtVerify, SignJWT } from 'jose';
import type { TokenScope, WidgetTokenClaims } from '../../shared/api.js';

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
    const { sub, sid, scope, iat, exp } = payload as Partial<WidgetTokenClaims>;
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 256)
      return { ok: false, reason: 'bad subject' };
    if (sid !== undefined && (typeof sid !== 'string' || sid.length === 0 || sid.length > 512)) {
      return { ok: false, reason: 'bad session id' };
    }
    if (scope !== 'user' && scope !== 'support') return { ok: false, reason: 'unknown scope' };
    if (typeof iat !== 'number' || typeof exp !== 'number')
      return { ok: false, reason: 'missing iat or exp' };
    if (exp - iat > MAX_TOKEN_LIFETIME_S) return { ok: false, reason: 'lifetime longer than 15 minutes' };
    if (iat > Date.now() / 1000 + CLOCK_SKEW_S) return { ok: false, reason: 'issued in the future' };
    return { ok: true, claims: { sub, sid, scope, iat, exp, aud: 'receipts' } };
  } catch (error) {
    return { ok: false, reason: describe(error) };
  }
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
  opts: { userId: string; sessionId?: string; scope?: TokenScope; ttlSeconds?: number },
): Promise<string> {
  const ttl = Math.min(opts.ttlSeconds ?? 600, MAX_TOKEN_LIFETIME_S);
  const jwt = new SignJWT({ scope: opts.scope ?? 'user', ...(opts.sessionId ? { sid: opts.sessionId } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(opts.userId)
    .setAudience('receipts')
    .setIssuedAt()
    .setExpirationTime(`${ttl}s`);
  return jwt.sign(secret);
}
