// Authentication at the edge: ingest/admin keys for hosts and investigators, widget tokens for people.
import type { Context, MiddlewareHandler } from 'hono';
import type { TokenScope } from '../../shared/api.js';
import { sessionRef } from '../derive/sessions.js';
import type { KeyScope } from '../security/keys.js';
import { TokenVerifier } from '../security/tokens.js';
import type { Services } from '../services.js';
import { pseudonymOf } from '../store/events.js';
import { sessionByRef } from '../store/sessions.js';
import { ApiError } from './errors.js';

function bearer(c: Context): string | null {
  const header = c.req.header('authorization');
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

const looksLikeJwt = (s: string) => s.startsWith('eyJ') && s.split('.').length === 3;

export function requireKey(s: Services, scope: KeyScope): MiddlewareHandler {
  return async function keyAuth(c, next) {
    const key = bearer(c);
    if (!key) throw new ApiError(401, 'unauthorized', 'Missing Authorization: Bearer <key>.');
    if (looksLikeJwt(key))
      throw new ApiError(401, 'unauthorized', 'A widget token cannot be used here; use a key.');
    const identity = await s.keys.identify(s.store.db, key);
    if (!identity) throw new ApiError(401, 'unauthorized', 'Unknown or revoked key.');
    if (identity.scope !== scope)
      throw new ApiError(403, 'forbidden', `This route needs a key with the ${scope} scope.`);
    c.set('key', identity);
    await next();
  };
}

/** Records a refused token; the token itself is never stored or logged. */
async function recordInvalidToken(s: Services, c: Context, reason: string): Promise<void> {
  const ua = c.req.header('user-agent');
  await s.pipeline.transact((tx) =>
    s.pipeline.record(tx, {
      event_type: 'invalid_token_presented',
      level: 'WARNING',
      outcome: 'failure',
      ip_address: c.get('clientIp'),
      ...(ua ? { user_agent: ua.slice(0, 1024) } : {}),
      request_id: c.get('requestId'),
      metadata: { reason, route: c.req.routePath },
    }),
  );
  s.metrics.inc('receipts_invalid_tokens_total');
}

export function requireWidget(s: Services, scope: TokenScope): MiddlewareHandler {
  const verifier = new TokenVerifier(s.config.widgetSecret);
  return async function widgetAuth(c, next) {
    const token = bearer(c);
    const refuse = async (reason: string): Promise<never> => {
      await recordInvalidToken(s, c, reason);
      throw new ApiError(401, 'invalid_token', `Invalid token: ${reason}.`);
    };
    if (!token) return refuse('missing');
    if (!looksLikeJwt(token)) return refuse('not a widget token');
    const check = await verifier.verify(token);
    if (!check.ok) return refuse(check.reason);
    const { claims } = check;
    if (claims.scope !== scope) {
      throw new ApiError(403, 'forbidden', `A ${claims.scope} token cannot use this route.`);
    }
    const ref = claims.sid ? sessionRef(s.config.pepper, claims.sid) : null;
    // A token whose session was revoked stops working at once, not when it expires.
    if (ref && (await sessionByRef(s.store.db, ref))?.status === 'revoked') return refuse('session revoked');
    // From the store, not the writer's cache: an erasure by another process (the CLI) shows at once.
    const subject = await pseudonymOf(s.store.db, claims.sub);
    c.set('widget', { claims, subject, sessionRef: ref });
    await next();
  };
}
