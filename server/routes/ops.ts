// Operations: health and Prometheus metrics.
import { Hono } from 'hono';
import type { Services } from '../services.js';
import { renderStreamMetrics } from '../streams/index.js';

export function opsRoutes(s: Services) {
  const app = new Hono();
  app.get('/healthz', (c) => {
    try {
      s.store.sqlite.prepare('SELECT 1').get();
      return c.json({ status: 'ok', head: s.log.head().seq });
    } catch {
      return c.json({ status: 'unavailable' }, 503);
    }
  });
  app.get('/metrics', (c) => {
    const mem = process.memoryUsage();
    const body = s.metrics.render({
      receipts_audit_head_seq: s.log.head().seq,
      receipts_group_commits: s.commit.batches,
      process_resident_memory_bytes: mem.rss,
      nodejs_heap_used_bytes: mem.heapUsed,
    });
    return c.body(body + renderStreamMetrics(), 200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
    });
  });
  return app;
}
