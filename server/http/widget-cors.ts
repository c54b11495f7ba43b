// CORS for the routes people reach from the widget. Hono's cors() puts its headers on `c.res` before the
// handler runs; that makes @hono/node-server turn every reply into a full web Response and stream its body.
// Here an actual request's headers go through `c.header()` before it and onto `c.res.headers` after it, so
// each reply stays the adapter's lightweight one and is written in one piece. Preflights are answered by hono's cors() itself, with the same options.
import type { Context, MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

export interface WidgetCorsOptions {
  /** The origin to allow (echoed back), or null to refuse it. */
  origin: (origin: string, c: Context) => string | null;
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge: number;
}

export function widgetCors(options: WidgetCorsOptions): MiddlewareHandler {
  const preflight = cors(options);
  const expose = options.exposeHeaders.join(',');
  return async function widgetCorsMiddleware(c, next) {
    if (c.req.method === 'OPTIONS') return preflight(c, next);
    const allowed = options.origin(c.req.header('origin') || '', c);
    if (allowed) c.header('Access-Control-Allow-Origin', allowed);
    if (expose) c.header('Access-Control-Expose-Headers', expose);
    await next();
    // On the reply's own headers: c.header() after the handler would rebuild the reply as a web Response.
    c.res.headers.append('Vary', 'Origin');
  };
}
