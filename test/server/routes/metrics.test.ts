// GET /metrics as a Prometheus server reads it: strict text format, the series operators' dashboards
// expect, and values that move with traffic.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Family, parseExposition, scrape, seriesValue, sumOf } from '../../support/prometheus.js';
import { asUser, ingest, mintToken, signIn, startServer, type TestServer } from '../../support/server.js';
import { startWebhookReceiver, until, type WebhookReceiver } from '../../support/webhook-receiver.js';
import { sessionOf } from '../http/helpers.js';

let server: TestServer;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  server = await startServer({
    env: {
      RECEIPTS_WEBHOOK_URL: receiver.url,
      RECEIPTS_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
    },
  });
});

afterAll(async () => {
  await server?.stop();
  await receiver?.close();
});

const typeOf = (families: Map<string, Family>, name: string) => families.get(name)?.type;

describe('the strict exposition parser used here', () => {
  it('reads samples, labels with escapes, and histograms', () => {
    const families = parseExposition(
      [
        '# HELP a_total A "counter".',
        '# TYPE a_total counter',
        'a_total{path="x\\"y\\\\z\\n"} 3',
        '# TYPE h histogram',
        'h_bucket{le="1"} 1',
        'h_bucket{le="+Inf"} 2',
        'h_sum 3.5',
        'h_count 2',
        '',
      ].join('\n'),
    );
    expect(seriesValue(families, 'a_total', { path: 'x"y\\z\n' })).toBe(3);
    expect(typeOf(families, 'h')).toBe('histogram');
  });

  it.each([
    ['a value that is not a number', '# TYPE a gauge\na one\n'],
    ['an unterminated label', '# TYPE a gauge\na{x="1} 1\n'],
    ['a repeated series', '# TYPE a gauge\na 1\na 2\n'],
    ['a family split in two', '# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x="1"} 2\n'],
    ['a TYPE after samples', 'a 1\n# TYPE a gauge\n'],
    ['buckets that shrink', '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\n'],
    ['+Inf that differs from _count', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_count 3\n'],
    ['no final newline', '# TYPE a gauge\na 1'],
  ])('refuses %s', (_, text) => {
    expect(() => parseExposition(text)).toThrow();
  });
});

describe('GET /metrics', () => {
  it('is valid Prometheus text with process, event-loop, request, commit and webhook series', async () => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const m = parseExposition(await res.text());
    expect(typeOf(m, 'process_cpu_user_seconds_total')).toBe('counter');
    expect(typeOf(m, 'process_resident_memory_bytes')).toBe('gauge');
    expect(typeOf(m, 'nodejs_heap_size_used_bytes')).toBe('gauge');
    expect(typeOf(m, 'nodejs_eventloop_lag_seconds')).toBe('gauge');
    expect(typeOf(m, 'nodejs_eventloop_lag_p99_seconds')).toBe('gauge');
    for (const name of [
      'http_request_duration_seconds',
      'receipts_ingest_batch_events',
      'receipts_group_commit_events',
      'receipts_group_commit_jobs',
      'receipts_group_commit_fsync_seconds',
      'receipts_webhook_attempt_duration_seconds',
      'receipts_webhook_delivery_latency_seconds',
    ]) {
      expect(typeOf(m, name), name).toBe('histogram');
    }
    expect(typeOf(m, 'receipts_webhook_outbox_depth')).toBe('gauge');
    expect(typeOf(m, 'receipts_audit_head_seq')).toBe('gauge');
    expect(seriesValue(m, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('moves with traffic: per-route request durations, batch sizes, events per commit, fsync times', async () => {
    const before = await scrape(server.url);
    const user = 'usr_metrics';
    const posts = await Promise.all([
      ingest(server, {
        events: Array.from({ length: 7 }, (_, i) => signIn(user, `m_${i}`, { id: `ev_m_${i}` })),
      }),
      ingest(server, signIn(user, 'm_single_1')),
      ingest(server, signIn(user, 'm_single_2')),
      ingest(server, signIn(user, 'm_single_3')),
    ]);
    expect(posts.map((r) => r.status)).toEqual([202, 202, 202, 202]);
    const token = await mintToken(server, { userId: user, sessionId: 'm_0' });
    const session = await sessionOf(server, token, 'ev_m_1');
    expect((await asUser(server, token, `/v1/me/sessions/${session}`, { method: 'DELETE' })).status).toBe(
      200,
    );
    expect((await fetch(`${server.url}/no/such/page-1234`)).status).toBe(404);

    const after = await scrape(server.url);
    const moved = (sample: string, labels: Record<string, string> = {}) =>
      sumOf(after, sample, labels) - sumOf(before, sample, labels);

    const ingestCount = { method: 'POST', route: '/v1/events', status: '202' };
    expect(moved('http_request_duration_seconds_count', ingestCount)).toBe(4);
    expect(moved('http_request_duration_seconds_sum', ingestCount)).toBeGreaterThan(0);
    expect(moved('receipts_ingest_batch_events_count')).toBe(4);
    expect(moved('receipts_ingest_batch_events_sum')).toBe(10);
    // Every accepted event was appended inside some group commit, each of which was timed.
    expect(moved('receipts_group_commit_events_sum')).toBeGreaterThanOrEqual(10);
    expect(moved('receipts_group_commit_fsync_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(moved('receipts_group_commit_fsync_seconds_sum')).toBeGreaterThan(0);
    expect(moved('receipts_events_ingested_total')).toBe(10);

    // Routes are labelled by their pattern, never by the raw path.
    expect(
      moved('http_request_duration_seconds_count', {
        method: 'DELETE',
        route: '/v1/me/sessions/:id',
        status: '200',
      }),
    ).toBe(1);
    const routes = new Set(
      after.get('http_request_duration_seconds')!.samples.map((s) => s.labels.route ?? ''),
    );
    for (const route of routes) {
      expect(route).not.toContain(session);
      expect(route).not.toContain('page-1234');
    }
  });

  it('shows webhook delivery latency and an outbox that drains', async () => {
    // The start-up checkpoint is announced as `checkpoint.signed`; wait until the host took it.
    await until('a delivered webhook', () => receiver.attempts.some((a) => a.status === 200));
    const m = await until('the delivery in /metrics', async () => {
      const scraped = await scrape(server.url);
      return (seriesValue(scraped, 'receipts_webhook_delivery_latency_seconds_count') ?? 0) >= 1 && scraped;
    });
    expect(
      seriesValue(m, 'receipts_webhook_attempt_duration_seconds_count', { outcome: 'delivered' }),
    ).toBeGreaterThan(0);
    expect(seriesValue(m, 'receipts_webhook_delivery_latency_seconds_sum')).toBeGreaterThan(0);
    const drained = await until('an empty outbox', async () => {
      const scraped = await scrape(server.url);
      return seriesValue(scraped, 'receipts_webhook_outbox_depth', { state: 'undelivered' }) === 0 && scraped;
    });
    expect(seriesValue(drained, 'receipts_webhook_outbox_depth', { state: 'failing' })).toBe(0);
  });
});
