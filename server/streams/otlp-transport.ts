// OTLP/HTTP JSON logs: one POST per batch, taken when the collector answers 2xx.
import type { Logger } from '../log.js';
import type { Destination } from './destination.js';
import { otlpRequestBody } from './otlp-format.js';
import type { Batch, Position } from './records.js';
import type { Transport } from './transport.js';

const REQUEST_TIMEOUT_MS = 30_000;

export class OtlpTransport implements Transport {
  private confirmed: Position | null = null;
  private controller = new AbortController();

  constructor(
    private readonly destination: Extract<Destination, { kind: 'otlp' }>,
    private readonly logger: Logger,
  ) {}

  async send(batch: Batch): Promise<void> {
    if (batch.records.length > 0) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (this.destination.authorization) headers.authorization = this.destination.authorization;
      const res = await fetch(this.destination.url, {
        method: 'POST',
        headers,
        body: otlpRequestBody(batch.records),
        signal: AbortSignal.any([this.controller.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
      });
      const text = await res.text().catch(() => '');
      if (!res.ok) throw new Error(`the collector answered HTTP ${res.status}`);
      this.warnPartial(text);
    }
    this.confirmed = batch.end;
  }

  taken(): Position | null {
    const out = this.confirmed;
    this.confirmed = null;
    return out;
  }

  /** Aborts a request in flight. */
  reset(): void {
    this.controller.abort();
    this.controller = new AbortController();
  }

  async close(): Promise<void> {
    this.reset();
  }

  /** A 2xx may still say some records were rejected (OTLP partial success): resending would not help. */
  private warnPartial(text: string): void {
    if (!text) return;
    try {
      const reply = JSON.parse(text) as {
        partialSuccess?: { rejectedLogRecords?: number | string; errorMessage?: string };
      };
      const rejected = Number(reply.partialSuccess?.rejectedLogRecords ?? 0);
      if (rejected > 0)
        this.logger.warning({
          event_type: 'stream_partially_rejected',
          message: `${this.destination.name} rejected ${rejected} records: ${reply.partialSuccess?.errorMessage ?? ''}`,
          destination: this.destination.name,
        });
    } catch {
      // Not JSON: nothing to report.
    }
  }
}
