// The webhook delivery log and replay, under /v1/admin (admin key and X-Access-Reason, checked by
// admin.ts). Every look and every replay is recorded as `log_accessed`, like other admin access.
import { Hono } from 'hono';
import { z } from 'zod';
import { errorSchema } from '../../shared/schemas/responses.js';
import {
  webhookDeliverySchema,
  webhookIdSchema,
  webhookListQuerySchema,
  webhookPageSchema,
} from '../../shared/schemas/webhooks.js';
import { recordAccess } from '../domain/access.js';
import { describeRoute, type RouteDoc } from '../http/describe-route.js';
import { ApiError } from '../http/errors.js';
import { parseQuery } from '../http/validate.js';
import type { Services } from '../services.js';
import { BadCursor, DeliveryLog } from '../webhooks/delivery-log.js';

/** What each route takes and answers, for `/openapi.json`. */
const DOCS = {
  list: {
    summary: 'The webhook delivery log, newest first',
    query: webhookListQuerySchema,
    responses: { 200: webhookPageSchema },
  },
  retry: {
    summary: 'Send a webhook again now, with the same webhook-id',
    responses: { 202: z.object({ webhook: webhookDeliverySchema }), 404: errorSchema },
  },
} satisfies Record<string, RouteDoc>;

export function adminWebhookRoutes(s: Services) {
  const app = new Hono();
  const log = new DeliveryLog();
  const who = (name: string) => `admin:${name}`;

  app.get('/', describeRoute(DOCS.list), async (c) => {
    const q = parseQuery(c, webhookListQuerySchema);
    let page: Awaited<ReturnType<DeliveryLog['list']>>;
    try {
      page = await log.list(s.store.db, q.status, q.limit, q.cursor);
    } catch (error) {
      if (error instanceof BadCursor) {
        throw new ApiError(400, 'invalid_request', 'The query is not valid.', [
          { path: 'cursor', message: 'not a cursor from this list' },
        ]);
      }
      throw error;
    }
    await recordAccess(s, {
      who: who(c.get('key').name),
      reason: c.get('reason'),
      action: 'webhooks',
      query: q.status ? { status: q.status } : {},
    });
    return c.json(page);
  });

  app.post('/:id/retry', describeRoute(DOCS.retry), async (c) => {
    const id = webhookIdSchema.safeParse(c.req.param('id'));
    if (!id.success) throw new ApiError(404, 'not_found', 'No such webhook.');
    await recordAccess(s, {
      who: who(c.get('key').name),
      reason: c.get('reason'),
      action: 'webhook_retry',
      query: { webhook_id: id.data },
    });
    const webhook = await s.pipeline.transact((tx) => log.retry(tx, id.data));
    if (!webhook) throw new ApiError(404, 'not_found', 'No such webhook.');
    return c.json({ webhook }, 202);
  });
  return app;
}
