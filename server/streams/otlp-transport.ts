// OTLP/HTTP JSON logs: one POST per batch, taken when the collector answers 2xx.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
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
    private readonly ca: string | null,
  ) {}

  async send(batch: Batch): Promise<void> {
    if (batch.records.length > 0) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (this.destination.authorization) headers.authorization = this.destination.authorization;
      const { status, text } = await post(this.destination.url, headers, otlpRequestBody(batch.records), {
        ca: this.ca,
        signal: this.controller.signal,
      });
      if (status < 200 || status > 299) throw new Error(`the collector answered HTTP ${status}`);
      this.warnPartial(text);
    }
    this.confirmed = batch.end;
  }

  broken(): Error | null {
    return null;
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

/** One POST with node:http(s), so that RECEIPTS_STREAM_CA applies to https collectors as it does to syslog. */
function post(
  url: string,
  headers: Record<string, string>,
  body: Uint8Array,
  opts: { ca: string | null; signal: AbortSignal },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(body.byteLength) },
        ca: opts.ca && target.protocol === 'https:' ? [...rootCertificates, opts.ca] : undefined,
        signal: AbortSignal.any([opts.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          // A reply is small; a collector that sends more is not read further.
          size += c.length;
          if (size <= 64 * 1024) chunks.push(c);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
