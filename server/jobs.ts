// Background work the server does on its own: due erasures, daily retention, scheduled checkpoints.
import { signCheckpoint } from './domain/checkpoints.js';
import { runDueErasures } from './domain/erasure.js';
import { applyRetention } from './domain/retention.js';
import type { Services } from './services.js';

export interface JobIntervals {
  erasureMs: number;
  retentionMs: number;
  checkpointMs: number;
}

export const DEFAULT_INTERVALS: JobIntervals = {
  erasureMs: 60_000,
  retentionMs: 24 * 3600_000,
  checkpointMs: 3600_000,
};

export function startJobs(s: Services, intervals: JobIntervals = DEFAULT_INTERVALS): () => void {
  const run = (name: string, job: () => Promise<unknown>) => () => {
    job().catch((error: unknown) =>
      s.logger.error({
        event_type: 'job_failed',
        message: error instanceof Error ? error.message : String(error),
        job: name,
      }),
    );
  };
  const timers = [
    setInterval(
      run('erasure', () => runDueErasures(s)),
      intervals.erasureMs,
    ),
    setInterval(
      run('retention', () => applyRetention(s)),
      intervals.retentionMs,
    ),
    setInterval(
      run('checkpoint', () => signCheckpoint(s, 'schedule')),
      intervals.checkpointMs,
    ),
  ];
  for (const t of timers) t.unref();
  // A restart in the middle of an erasure finishes it: due requests run at once.
  run('erasure', () => runDueErasures(s))();
  return () => {
    for (const t of timers) clearInterval(t);
  };
}
