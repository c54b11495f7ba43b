// Sends one batch of events until it is settled: retried with the same ids (so the server dedupes),
// split on 413, and on 400 the events the server named are rejected while the others go again.
import { backoffDelay, parseRetryAfter, sleep } from './backoff.js';
import { errorFromReply, ReceiptsError } from './errors.js';
import { request } from './http.js';
import type { ResolvedOptions } from './options.js';

/** An event waiting to be sent, serialized once when it was recorded. */
export interface PendingEvent {
  id: string;
  json: string;
  resolve: (id: string) => void;
  reject: (error: ReceiptsError) => void;
}

const RETRYABLE = (status: number) => status === 408 || status === 429 || status >= 500;

/** Indexes of the events that `issues` name (`events[3].ip_address` → 3), within `size`. */
export function namedIndexes(issues: { path: string }[], size: number): Set<number> {
  const named = new Set<number>();
  for (const issue of issues) {
    const m = /^events\[(\d+)\]/.exec(issue.path);
    if (m?.[1] !== undefined && Number(m[1]) < size) named.add(Number(m[1]));
  }
  return named;
}

function fail(batch: PendingEvent[], error: ReceiptsError, options: ResolvedOptions): void {
  for (const e of batch) e.reject(error);
  options.onError(
    error,
    batch.map((e) => e.id),
  );
}

/** Settles every event of `batch`: resolved once a 202 covers it, rejected otherwise. Never throws. */
export async function deliverBatch(batch: PendingEvent[], options: ResolvedOptions): Promise<void> {
  if (batch.length === 0) return;
  const ids = batch.map((e) => e.id);
  const body = `{"events":[${batch.map((e) => e.json).join(',')}]}`;
  for (let attempt = 0; ; attempt++) {
    let waitMs: number;
    try {
      const reply = await request(options, 'POST', '/v1/events', body);
      if (reply.status >= 200 && reply.status < 300) {
        for (const e of batch) e.resolve(e.id);
        return;
      }
      const error = errorFromReply(reply.status, reply.text, ids);
      if (RETRYABLE(reply.status) && attempt < options.maxRetries) {
        waitMs =
          parseRetryAfter(reply.headers.get('retry-after')) ??
          backoffDelay(attempt, options.retryBaseMs, options.retryMaxMs);
      } else if (reply.status === 413 && batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        await Promise.all([
          deliverBatch(batch.slice(0, half), options),
          deliverBatch(batch.slice(half), options),
        ]);
        return;
      } else if (reply.status === 400) {
        // The server stores nothing of a batch with a bad event. Events from unrelated calls share a
        // batch, so only the named ones fail; the rest are sent again, as a smaller batch.
        const named = namedIndexes(error.issues, batch.length);
        if (named.size === 0 || named.size === batch.length) return fail(batch, error, options);
        fail(
          batch.filter((_, i) => named.has(i)),
          error,
          options,
        );
        return deliverBatch(
          batch.filter((_, i) => !named.has(i)),
          options,
        );
      } else {
        return fail(batch, error, options);
      }
    } catch (thrown) {
      // `request` throws only for network failures.
      if (attempt >= options.maxRetries) {
        const cause = thrown instanceof Error ? thrown : undefined;
        const message = cause?.message ?? 'Receipts is unreachable';
        return fail(batch, new ReceiptsError({ code: 'network', message, eventIds: ids, cause }), options);
      }
      waitMs = backoffDelay(attempt, options.retryBaseMs, options.retryMaxMs);
    }
    await sleep(waitMs);
  }
}
