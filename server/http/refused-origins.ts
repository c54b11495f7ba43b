// Tells operators when CORS refuses a page: one warning per origin, not per request, since a page that
// is refused keeps retrying and its origin is what the operator needs to add.
import type { Context } from 'hono';
import type { Logger } from '../log.js';

/** Past this many distinct origins, any Origin header could be flooding the log: stop naming them. */
const MAX_REPORTED = 200;

export function refusedOriginReporter(logger: Logger) {
  const reported = new Set<string>();
  let saturated = false;
  return function reportRefusedOrigin(origin: string, c: Context): void {
    // No Origin: not a cross-origin browser request. Same-origin requests carry Origin too (POST,
    // DELETE) and need no CORS.
    if (!origin || isSameOrigin(origin, c) || reported.has(origin)) return;
    if (reported.size >= MAX_REPORTED) {
      if (!saturated) {
        saturated = true;
        logger.warning({
          event_type: 'cors_origin_refused',
          message: `CORS refused more than ${MAX_REPORTED} distinct origins; further ones are not logged`,
        });
      }
      return;
    }
    reported.add(origin);
    logger.warning({
      event_type: 'cors_origin_refused',
      message: `CORS refused a request from origin ${origin}: it is not in RECEIPTS_ALLOWED_ORIGINS. If that page should show <activity-log>, add it to RECEIPTS_ALLOWED_ORIGINS (comma-separated) and restart.`,
      origin: origin.slice(0, 200),
      route: c.req.routePath,
      request_id: c.get('requestId'),
    });
  };
}

function isSameOrigin(origin: string, c: Context): boolean {
  try {
    return new URL(origin).host === (c.req.header('host') ?? new URL(c.req.url).host);
  } catch {
    return false;
  }
}
