// The client's options, their defaults, and the checks that catch a misconfiguration at start-up.
import type { ReceiptsError } from './errors.js';

/** The largest batch the server accepts (`MAX_BATCH` in the ingest contract). */
export const MAX_BATCH_SIZE = 1000;

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface ReceiptsClientOptions {
  /** Base URL of the Receipts server, e.g. `https://receipts.example.com`. */
  url: string;
  /** Ingest key (`receipts keys create --scope ingest`), sent as `Authorization: Bearer …`. */
  ingestKey: string;
  /** `RECEIPTS_WIDGET_SECRET` (≥ 32 bytes): needed only for `createWidgetToken`. */
  widgetSecret?: string;
  /** `RECEIPTS_WEBHOOK_SECRET` (`whsec_…`): needed only for `verifyWebhook`. */
  webhookSecret?: string;
  /** Events per request, 1 to 1000. Default 100. */
  batchSize?: number;
  /** Longest time an event waits before its batch is sent. Default 1000 ms. */
  flushIntervalMs?: number;
  /** Retries after the first attempt, on network errors, 408, 429 and 5xx. Default 5. */
  maxRetries?: number;
  /** First backoff step; doubles on each retry, with jitter. Default 250 ms. */
  retryBaseMs?: number;
  /** Longest backoff step (a server's `Retry-After` is honoured even when longer). Default 30 s. */
  retryMaxMs?: number;
  /** Time limit of one HTTP request. Default 10 s. */
  timeoutMs?: number;
  /** Events waiting or in flight beyond which `record()` rejects with `queue_full`. Default 10,000. */
  maxQueueSize?: number;
  /**
   * Called once per failed batch, whether or not anyone awaits `record()`. Default: one line on
   * `console.error` with the error and the event ids (never the events' contents).
   */
  onError?: (error: ReceiptsError, eventIds: string[]) => void;
  /** A `fetch` implementation; default `globalThis.fetch`. */
  fetch?: FetchLike;
}

export interface ResolvedOptions {
  url: string;
  ingestKey: string;
  batchSize: number;
  flushIntervalMs: number;
  maxRetries: number;
  retryBaseMs: number;
  retryMaxMs: number;
  timeoutMs: number;
  maxQueueSize: number;
  onError: (error: ReceiptsError, eventIds: string[]) => void;
  fetch: FetchLike;
}

function count(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`receipts: ${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

function defaultOnError(error: ReceiptsError, eventIds: string[]): void {
  console.error(`[receipts] ${eventIds.length} event(s) not recorded: ${error.message}`, { ids: eventIds });
}

export function resolveOptions(options: ReceiptsClientOptions): ResolvedOptions {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new TypeError(`receipts: url is not a valid URL: ${String(options.url)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError('receipts: url must be an http(s) URL');
  }
  if (typeof options.ingestKey !== 'string' || options.ingestKey.length === 0) {
    throw new TypeError('receipts: ingestKey is required');
  }
  const fetchImpl = options.fetch ?? globalThis.fetch?.bind(globalThis);
  if (typeof fetchImpl !== 'function') {
    throw new TypeError('receipts: no fetch available; pass options.fetch');
  }
  return {
    url: url.href.replace(/\/+$/, ''),
    ingestKey: options.ingestKey,
    batchSize: count('batchSize', options.batchSize ?? 100, 1, MAX_BATCH_SIZE),
    flushIntervalMs: count('flushIntervalMs', options.flushIntervalMs ?? 1000, 0),
    maxRetries: count('maxRetries', options.maxRetries ?? 5, 0),
    retryBaseMs: count('retryBaseMs', options.retryBaseMs ?? 250, 0),
    retryMaxMs: count('retryMaxMs', options.retryMaxMs ?? 30_000, 0),
    timeoutMs: count('timeoutMs', options.timeoutMs ?? 10_000, 1),
    maxQueueSize: count('maxQueueSize', options.maxQueueSize ?? 10_000, 1),
    onError: options.onError ?? defaultOnError,
    fetch: fetchImpl,
  };
}
