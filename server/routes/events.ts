// POST /v1/events: the host reports security events. A 202 means they are on disk.
import { Hono } from 'hono';
import { z } from 'zod';
import { eventSchema, MAX_BATCH } from '../../shared/schemas/event.js';
import { errorSchema, ingestResultSchema } from '../../shared/schemas/responses.js';
import { describeRoute, type RouteDoc } from '../http/describe-route.js';
import { ApiError } from '../http/errors.js';
import { readBody } from '../http/read-body.js';
import type { Services } from '../services.js';

const event = eventSchema.meta({ id: 'Event' });

/** What the route takes and answers, for `/openapi.json`. */
const DOCS = {
  ingest: {
    summary: `Report one event or a batch of up to ${MAX_BATCH}; a 202 means they are on disk`,
    body: z.union([event, z.object({ events: z.array(event).min(1).max(MAX_BATCH) })]),
    responses: { 202: ingestResultSchema, 413: errorSchema, 415: errorSchema },
  },
} satisfies Record<string, RouteDoc>;

export function eventRoutes(s: Services) {
  const app = new Hono();
  app.post('/', describeRoute(DOCS.ingest), async (c) => {
    const type = c.req.header('content-type') ?? '';
    if (type && !/^application\/(json|[\w.+-]+\+json)\b/i.test(type)) {
      throw new ApiError(415, 'invalid_request', 'Send the events as application/json.');
    }
    // Parsed, validated and prepared on a worker thread; this thread only commits.
    const body = await s.preparer.prepare(await readBody(c, s.config.bodyLimitBytes));
    if (!body.ok) {
      if (body.error === 'invalid_json') throw new ApiError(400, 'invalid_json');
      s.metrics.inc('receipts_ingest_rejected_total');
      throw new ApiError(400, 'invalid_events', undefined, body.issues);
    }
    const result = await s.pipeline.ingest(body);
    s.metrics.inc('receipts_events_ingested_total', {}, result.accepted);
    s.metrics.inc('receipts_events_duplicate_total', {}, result.duplicates);
    s.metrics.ingested(body.prepared.length);
    return c.json(result, 202);
  });
  return app;
}
