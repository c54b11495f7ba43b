// Live updates: server-sent events read over fetch (so the token stays in a header), reconnecting with
// backoff, and polling every few seconds while the stream is unavailable.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { StreamMessage } from '../../shared/api.js';
import { SseParser, toStreamMessage } from './sse.js';

export type LiveState = 'off' | 'connecting' | 'stream' | 'polling';

export interface LiveOptions {
  /** Opens `GET …/stream`; resolves to a 2xx response or rejects. */
  open(signal: AbortSignal): Promise<Response>;
  onMessage(message: StreamMessage): void;
  /** The stream is (back) up: a good moment to retry what failed while it was down. */
  onOpen?(): void;
  /** One polling round: fetch what may have changed. */
  poll(): Promise<void>;
  pollInterval?: number;
  /** A silent stream is dead after this long; the server pings more often. */
  stallTimeout?: number;
  /** Failed connections in a row before polling starts. */
  pollAfter?: number;
}

/** 0.5–1 s after a clean end, doubling per failure up to 30 s; jittered so that clients do not stampede. */
export function backoffDelay(failures: number, random: number = Math.random()): number {
  return Math.min(30_000, 1000 * 2 ** failures) * (0.5 + random / 2);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

export class LiveController implements ReactiveController {
  state: LiveState = 'off';
  private controller: AbortController | undefined;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private polling = false;
  private readonly host: ReactiveControllerHost;
  private readonly options: Required<LiveOptions>;

  constructor(host: ReactiveControllerHost, options: LiveOptions) {
    this.host = host;
    this.options = { pollInterval: 4000, stallTimeout: 45_000, pollAfter: 2, onOpen: () => {}, ...options };
    host.addController(this);
  }

  start(): void {
    if (this.controller) return;
    this.controller = new AbortController();
    void this.run(this.controller.signal);
  }

  stop(): void {
    this.controller?.abort();
    this.controller = undefined;
    this.stopPolling();
    this.setState('off');
  }

  hostDisconnected(): void {
    this.stop();
  }

  private async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      this.setState(this.pollTimer ? 'polling' : 'connecting');
      let delivered = false;
      try {
        delivered = await this.connect(signal, () => {
          failures = 0;
          this.stopPolling();
          this.setState('stream');
          // Whatever happened before the stream opened (or while it was down) is fetched once.
          void this.poll();
        });
      } catch {
        delivered = false;
      }
      if (signal.aborted) return;
      if (!delivered) failures++;
      if (failures >= this.options.pollAfter) this.startPolling();
      await sleep(backoffDelay(failures), signal);
    }
  }

  /** One connection; resolves true when it delivered data before ending. */
  private async connect(signal: AbortSignal, onOpen: () => void): Promise<boolean> {
    const connection = new AbortController();
    const abort = () => connection.abort();
    signal.addEventListener('abort', abort, { once: true });
    let stall: ReturnType<typeof setTimeout> | undefined;
    const watch = () => {
      clearTimeout(stall);
      stall = setTimeout(abort, this.options.stallTimeout);
    };
    try {
      watch();
      const res = await this.options.open(connection.signal);
      const type = res.headers.get('content-type') ?? '';
      if (!res.body || !type.includes('text/event-stream')) throw new Error('not an event stream');
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new SseParser();
      let delivered = false;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        watch();
        for (const event of parser.push(value)) {
          const message = toStreamMessage(event);
          if (!message) continue;
          if (!delivered) onOpen();
          delivered = true;
          if (message.event !== 'ping') this.options.onMessage(message);
        }
      }
      return delivered;
    } finally {
      clearTimeout(stall);
      signal.removeEventListener('abort', abort);
      connection.abort();
    }
  }

  private startPolling(): void {
    if (this.pollTimer) return;
    this.pollTimer = setInterval(() => void this.poll(), this.options.pollInterval);
    this.setState('polling');
    void this.poll();
  }

  private stopPolling(): void {
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      await this.options.poll();
    } catch {
      // The next round tries again.
    } finally {
      this.polling = false;
    }
  }

  private setState(state: LiveState): void {
    if (this.state === state) return;
    this.state = state;
    this.host.requestUpdate();
  }
}
