// A route's OpenAPI description, declared beside its handler:
//   app.get('/sessions', describeRoute({ summary: 'Active sessions', responses: { 200: sessionListSchema } }), handler)
// It is a pass-through middleware that carries the description, so `/openapi.json` is built from the routes the
// app actually registers (routes/openapi.ts walks `app.routes`) and cannot drift from them.
import type { MiddlewareHandler } from 'hono';
import type { z } from 'zod';

/** A reply: a zod schema for JSON, or a description with another media type. */
export type ReplyDoc =
  | z.ZodType
  | {
      description: string;
      schema?: z.ZodType;
      mediaType?: string;
      /** Other media types the same reply may come as (e.g. `text/csv`), as text. */
      alsoAs?: string[];
      headers?: Record<string, string>;
    };

export interface RouteDoc {
  summary: string;
  description?: string;
  tags?: string[];
  /** Query parameters, the same schema the handler parses with. */
  query?: z.ZodObject;
  /** Path parameters beyond plain strings (every `:name` is documented as a string otherwise). */
  params?: Record<string, z.ZodType>;
  /** A JSON request body. */
  body?: z.ZodType;
  /** Success and specific error replies by status; the usual errors of the route's prefix are added. */
  responses: Record<number, ReplyDoc>;
}

const DOC = Symbol.for('receipts.routeDoc');

type Documented = MiddlewareHandler & { [DOC]?: RouteDoc };

export function describeRoute(doc: RouteDoc): MiddlewareHandler {
  const documented: Documented = async function documentedRoute(_c, next) {
    await next();
  };
  documented[DOC] = doc;
  return documented;
}

/** The description a registered handler carries (also through a sub-app's wrapper), if any. */
export function routeDocOf(handler: unknown): RouteDoc | undefined {
  if (typeof handler !== 'function') return undefined;
  const own = (handler as Documented)[DOC];
  if (own) return own;
  const inner = (handler as { __COMPOSED_HANDLER?: unknown }).__COMPOSED_HANDLER;
  return inner === undefined ? undefined : routeDocOf(inner);
}
