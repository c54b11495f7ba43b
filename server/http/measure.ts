// Request duration per route pattern and status, for the `http_request_duration_seconds` histogram.
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Metrics } from '../metrics.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The route pattern a request was for: the last handler that matched it (`/v1/me/sessions/:id`), else
 * the last middleware pattern (a preflight, a 404). Never the raw path, so label values stay few.
 */
export function routeLabel(c: Context): string {
  const routes = matchedRoutes(c);
  const handler = routes.findLast((r) => r.method !== 'ALL');
  return (handler ?? routes.at(-1))?.path ?? 'unmatched';
}

export function measureRequests(metrics: Metrics): MiddlewareHandler {
  return async function measureRequest(c, next) {
    const started = performance.now();
    await next();
    // For a streamed reply (the SSE stream) this is the time to its headers.
    const method = METHODS.has(c.req.method) ? c.req.method : 'OTHER';
    metrics.httpRequest(method, routeLabel(c), c.res.status, (performance.now() - started) / 1000);
  };
}
