// What each running stream looks like from outside: its lag behind the log's head and its last error.
import type { Stream } from './stream.js';

export interface StreamStatus {
  destination: string;
  /** Events in the log that the destination has not taken yet. */
  lagEvents: number;
  lastSeq: number;
  up: boolean | null;
  lastError: string | null;
  /** Unix milliseconds of the last error seen by this process, or null. */
  lastErrorAt: number | null;
}

const running = new Map<Stream, () => Promise<number>>();

/** `headSeq` reads the log's newest seq, for the lag. */
export function register(stream: Stream, headSeq: () => Promise<number>): void {
  running.set(stream, headSeq);
}

export function unregister(stream: Stream): void {
  running.delete(stream);
}

export function streamStatus(): Promise<StreamStatus[]> {
  return Promise.all(
    [...running].map(async ([stream, headSeq]) => {
      const head = await headSeq();
      const st = stream.state();
      return {
        destination: st.destination,
        lagEvents: Math.max(0, head - st.lastSeq),
        lastSeq: st.lastSeq,
        up: st.up,
        lastError: st.lastError,
        lastErrorAt: st.lastErrorAt,
      };
    }),
  );
}

const label = (v: string) => v.replace(/["\\\n]/g, '_');

/** Prometheus text for `GET /metrics`, from `await streamStatus()`. */
export function renderStreamMetrics(status: StreamStatus[]): string {
  if (status.length === 0) return '';
  const lines = [
    '# HELP receipts_stream_lag_events Audit events not yet taken by the stream destination.',
    '# TYPE receipts_stream_lag_events gauge',
    ...status.map((s) => `receipts_stream_lag_events{destination="${label(s.destination)}"} ${s.lagEvents}`),
    '# HELP receipts_stream_up 1 when the destination took the last batch, 0 while it is failing.',
    '# TYPE receipts_stream_up gauge',
    ...status.map(
      (s) => `receipts_stream_up{destination="${label(s.destination)}"} ${s.up === false ? 0 : 1}`,
    ),
  ];
  const errors = status.filter((s) => s.lastError !== null);
  if (errors.length > 0) {
    lines.push(
      '# HELP receipts_stream_last_error_timestamp_seconds When the destination last failed, and why.',
      '# TYPE receipts_stream_last_error_timestamp_seconds gauge',
      ...errors.map(
        (s) =>
          `receipts_stream_last_error_timestamp_seconds{destination="${label(s.destination)}",error="${label(s.lastError!)}"} ${s.lastErrorAt === null ? 0 : s.lastErrorAt / 1000}`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}
