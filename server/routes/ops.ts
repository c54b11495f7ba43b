// Operations: health and Prometheus metrics.
import { Hono } from 'hono';
import { healthSchema } from '../../shared/schemas/responses.js';
import { describeRoute, type RouteDoc } from '../http/describe-route.js';
import type { StoreHealth } from '../http/store-health.js';
import type { Services } from '../services.js';
import { readHead } from '../store/events.js';
import { renderStreamMetrics, streamStatus } from '../streams/index.js';
import { DeliveryLog } from '../webhooks/delivery-log.js';

/** What each route answers, for `/openapi.json`. */
const DOCS = {
  health: {
    summary: 'Health: 200 when the store answers and can take writes',
    responses: { 200: healthSchema, 503: healthSchema },
  },
  metrics: {
    summary: 'Prometheus metrics',
    responses: { 200: { description: 'Prometheus text format 0.0.4', mediaType: 'text/plain' } },
  },
} satisfies Record<string, RouteDoc>;

/** Gauges read at scrape time, from the store as committed (whichever server wrote it). */
function registerGauges(s: Services): void {
  const deliveries = new DeliveryLog();
  s.metrics.gauge(
    'receipts_audit_head_seq',
    'Sequence number of the newest audit event.',
    async () => (await readHead(s.store.db))?.seq ?? 0,
  );
  s.metrics.gauge('receipts_group_commits', 'Group commits since start.', () => s.commit.batches);
  s.metrics.gauge(
    'receipts_webhook_outbox_depth',
    'Webhook messages not yet delivered; state="failing" counts those whose last attempt failed.',
    async () => {
      const { undelivered, failing } = await deliveries.counts(s.store.db);
      return [
        { labels: { state: 'undelivered' }, value: undelivered },
        { labels: { state: 'failing' }, value: failing },
      ];
    },
    ['state'],
  );
  s.metrics.collectProcessMetrics();
}

export function opsRoutes(s: Services, health: StoreHealth) {
  const app = new Hono();
  registerGauges(s);
  // 200 only when the store answers and can take writes: a server that can only read would lose events.
  app.get('/healthz', describeRoute(DOCS.health), async (c) => {
    // Reading the head is the store answering: one indexed read, on whichever backend.
    let head: number;
    try {
      head = (await readHead(s.store.db))?.seq ?? 0;
    } catch {
      return c.json({ status: 'unavailable', reason: 'the store does not answer' }, 503);
    }
    const problem = health.problem();
    if (problem) return c.json({ status: 'unavailable', reason: problem }, 503, { 'retry-after': '5' });
    return c.json({ status: 'ok', head });
  });
  app.get('/metrics', describeRoute(DOCS.metrics), async (c) => {
    // The streams' series are rendered by their own module, after the registry's.
    const body = (await s.metrics.render()) + renderStreamMetrics(await streamStatus());
    return c.body(body, 200, { 'content-type': s.metrics.contentType });
  });
  return app;
}
