// Replies that carry personal data must not be kept by browsers or shared caches, errors included (an error
// can name a session or echo a query): `Cache-Control: no-store` on every reply under the given prefixes.
import type { MiddlewareHandler } from 'hono';

export function noStore(prefixes: readonly string[]): MiddlewareHandler {
  const applies = (path: string) => prefixes.some((p) => path === p || path.startsWith(`${p}/`));
  return async function noStoreMiddleware(c, next) {
    await next();
    if (applies(c.req.path)) c.res.headers.set('cache-control', 'no-store');
  };
}
