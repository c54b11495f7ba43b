// Operations: health and Prometheus metrics.
import { Hono } from 'hono';
import type { StoreHealth } from '../http/store-health.js';
import type { Services } from '../services.js';
import { renderStreamMetrics } from '../streams/index.js';

export function opsRoutes(s: Services, health: StoreHealth) {
  const app = new Hono();
  // 200 only when the store answers and can take writes: a server that can only read would lose events.
  app.get('/healthz', (c) => {
    try {
      s.store.sqlite.prepare('SELECT 1').get();
    } catch {
      return c.json({ status: 'unavailable', reason: 'the store does not answer' }, 503);
    }
    const problem = health.problem();
    if (problem) return c.json({ status: 'unavailable', reason: problem }, 503, { 'retry-after': '5' });
    return c.json({ status: 'ok', head: s.log.head().seq });
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
