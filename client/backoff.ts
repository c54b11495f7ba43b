// When to try again: exponential backoff with jitter, or what the server's `Retry-After` asks for.

/** Longest wait the SDK accepts from a `Retry-After` header (5 minutes). */
export const MAX_RETRY_AFTER_MS = 300_000;

/**
 * Delay before retry number `attempt` (0 for the first retry): `base * 2^attempt`, capped at `max`,
 * with "equal jitter" (half fixed, half random) so that many clients do not retry in step.
 */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
) {
  const exp = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** Parses `Retry-After` (delay-seconds or an HTTP date) into milliseconds; `undefined` if absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
  else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Math.ceil(ms)));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
