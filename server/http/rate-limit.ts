// Fixed-window rate limits kept in memory: per user and per IP on /v1/me, per key on ingestion.
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';

export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Counts one hit: `retryAfter` is 0 if allowed, else seconds until the window resets; `first` marks the first refusal. */
  hit(key: string, now = Date.now()): { retryAfter: number; first: boolean } {
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      if (this.windows.size > 100_000) this.prune(now);
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    if (w.count <= this.limit) return { retryAfter: 0, first: false };
    return {
      retryAfter: Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)),
      first: w.count === this.limit + 1,
    };
  }

  private prune(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
  }
}

export interface RateLimitOptions {
  limiter: RateLimiter;
  key: (c: Context) => string | null;
  /** Called on the first refusal in a window (records `rate_limit_exceeded` once, not per request). */
  onLimited: (c: Context, key: string) => void | Promise<void>;
}

export function rateLimit(options: RateLimitOptions): MiddlewareHandler {
  return async function rateLimitMiddleware(c, next) {
    const key = options.key(c);
    if (key) {
      const { retryAfter, first } = options.limiter.hit(key);
      if (retryAfter > 0) {
        if (first) await options.onLimited(c, key);
        throw new ApiError(429, 'rate_limited', undefined, undefined, { 'Retry-After': String(retryAfter) });
      }
    }
    await next();
  };
}
