// Operations: health and Prometheus metrics.
import { Hono } from 'hono';
import type { Services } from '../services.js';
import { DeliveryLog } from '../webhooks/delivery-log.js';

/** Gauges read at scrape time from state the server already keeps. */
function registerGauges(s: Services): void {
  const deliveries = new DeliveryLog(s.store.sqlite);
  s.metrics.gauge(
    'receipts_audit_head_seq',
    'Sequence number of the newest audit event.',
    () => s.log.head().seq,
  );
  s.metrics.gauge('receipts_group_commits', 'Group commits since start.', () => s.commit.batches);
  s.metrics.gauge(
    'receipts_webhook_outbox_depth',
    'Webhook messages not yet delivered; state="failing" counts those whose last attempt failed.',
    () => {
      const { undelivered, failing } = deliveries.counts();
      return [
        { labels: { state: 'undelivered' }, value: undelivered },
        { labels: { state: 'failing' }, value: failing },
      ];
    },
    ['state'],
  );
  s.metrics.collectProcessMetrics();
}

export function opsRoutes(s: Services) {
  const app = new Hono();
  registerGauges(s);
  app.get('/healthz', (c) => {
    try {
      s.store.sqlite.prepare('SELECT 1').get();
      return c.json({ status: 'ok', head: s.log.head().seq });
    } catch {
      return c.json({ status: 'unavailable' }, 503);
    }
  });
  app.get('/metrics', async (c) => {
    const body = await s.metrics.render();
    return c.body(body, 200, { 'content-type': s.metrics.contentType });
  });
  return app;
}
