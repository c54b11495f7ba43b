// What `GET /metrics` shows (Prometheus text format), over prom-client. One registry per Services, so a
// test's in-process app and the CLI never share series with a server in the same process.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** A labelled reading for `gauge()`: one series per distinct label set. */
export interface GaugeReading {
  labels: Record<string, string>;
  value: number;
}

const SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const COUNTS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000];

export class Metrics {
  readonly registry = new Registry();
  private readonly counters = new Map<string, Counter>();
  private readonly help = new Map<string, string>();
  private processMetrics = false;

  private readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from a request to its response headers, by route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: SECONDS,
    registers: [this.registry],
  });
  private readonly ingestBatch = new Histogram({
    name: 'receipts_ingest_batch_events',
    help: 'Events per accepted POST /v1/events request.',
    buckets: COUNTS,
    registers: [this.registry],
  });
  private readonly commitEvents = new Histogram({
    name: 'receipts_group_commit_events',
    help: 'Audit events appended per group commit (one transaction, one fsync).',
    buckets: [0, ...COUNTS, 2500, 5000],
    registers: [this.registry],
  });
  private readonly commitJobs = new Histogram({
    name: 'receipts_group_commit_jobs',
    help: 'Writes (requests and background jobs) that shared one group commit.',
    buckets: COUNTS,
    registers: [this.registry],
  });
  private readonly commitSeconds = new Histogram({
    name: 'receipts_group_commit_fsync_seconds',
    help: "Time from a group's COMMIT until it is on disk: the WAL write and its fsync.",
    buckets: SECONDS,
    registers: [this.registry],
  });
  private readonly commitWorkSeconds = new Histogram({
    name: 'receipts_group_commit_work_seconds',
    help: 'Time spent running the writes of a group before its COMMIT.',
    buckets: SECONDS,
    registers: [this.registry],
  });
  private readonly webhookAttempt = new Histogram({
    name: 'receipts_webhook_attempt_duration_seconds',
    help: 'Round trip of one webhook POST to the host, by outcome (delivered or failed).',
    labelNames: ['outcome'],
    buckets: SECONDS,
    registers: [this.registry],
  });
  private readonly webhookLatency = new Histogram({
    name: 'receipts_webhook_delivery_latency_seconds',
    help: 'Time from a webhook being queued to the host acknowledging it, retries included.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14400, 86400],
    registers: [this.registry],
  });

  /** Adds to a counter; created on first use with these label names (keep them the same per name). */
  inc(name: string, labels: Record<string, string> = {}, by = 1): void {
    let counter = this.counters.get(name);
    if (!counter) {
      counter = new Counter({
        name,
        help: this.help.get(name) ?? name.replace(/_/g, ' '),
        labelNames: Object.keys(labels),
        registers: [this.registry],
      });
      this.counters.set(name, counter);
    }
    counter.inc(labels, by);
  }

  /** Sets the HELP text of a counter that `inc` creates later. */
  describe(name: string, help: string): void {
    this.help.set(name, help);
  }

  /**
   * A gauge read at scrape time, for modules that keep their own state (queue depths, lags). `read`
   * returns (or resolves to, when it reads the store) one number, or one reading per label set;
   * `labelNames` lists the labels the readings use.
   */
  gauge(
    name: string,
    help: string,
    read: () => number | GaugeReading[] | Promise<number | GaugeReading[]>,
    labelNames: readonly string[] = [],
  ): void {
    // A module built again (a restart in the same process) replaces its reader rather than failing.
    this.registry.removeSingleMetric(name);
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        const value = await read();
        if (typeof value === 'number') {
          this.set(value);
          return;
        }
        this.reset();
        for (const r of value) this.set(r.labels, r.value);
      },
    });
  }

  /** The Node.js and process metrics dashboards expect (CPU, memory, GC, handles, event-loop lag). */
  collectProcessMetrics(): void {
    if (this.processMetrics) return;
    this.processMetrics = true;
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
  }

  /** `route` is Hono's route pattern (`/v1/me/sessions/:id`), never the raw path. */
  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status: String(status) }, seconds);
  }

  ingested(events: number): void {
    this.ingestBatch.observe(events);
  }

  groupCommitted(g: { jobs: number; events: number; workSeconds: number; commitSeconds: number }): void {
    this.commitJobs.observe(g.jobs);
    this.commitEvents.observe(g.events);
    this.commitWorkSeconds.observe(g.workSeconds);
    this.commitSeconds.observe(g.commitSeconds);
  }

  webhookAttempted(outcome: 'delivered' | 'failed', seconds: number, queuedSeconds?: number): void {
    this.webhookAttempt.observe({ outcome }, seconds);
    if (outcome === 'delivered' && queuedSeconds !== undefined && queuedSeconds >= 0) {
      this.webhookLatency.observe(queuedSeconds);
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text. Extra plain gauges may be passed for one-off readings. */
  async render(gauges: Record<string, number> = {}): Promise<string> {
    for (const [name, value] of Object.entries(gauges)) {
      let gauge = this.registry.getSingleMetric(name) as Gauge | undefined;
      if (!gauge) gauge = new Gauge({ name, help: name.replace(/_/g, ' '), registers: [this.registry] });
      gauge.set(value);
    }
    // prom-client writes an empty histogram's mean as `Nan`; the format spells it `NaN`.
    return (await this.registry.metrics()).replace(/ Nan$/gm, ' NaN');
  }
}
