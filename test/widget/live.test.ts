import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StreamMessage } from '../../shared/api.js';
import { ApiError } from '../../widget/internal/api.js';
import { backoffDelay, LiveController } from '../../widget/internal/live.js';
import { FakeHost } from './controllers.js';

/** An event-stream response whose body we write to; aborting the request errors it, like fetch does. */
function stream(signal: AbortSignal, ...chunks: string[]) {
  const encoder = new TextEncoder();
  let control!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      control = c;
      for (const chunk of chunks) c.enqueue(encoder.encode(chunk));
    },
  });
  signal.addEventListener('abort', () => control.error(new DOMException('aborted', 'AbortError')));
  return {
    response: new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
    write: (text: string) => control.enqueue(encoder.encode(text)),
    end: () => control.close(),
  };
}

const PING = 'event: ping\ndata: {}\n\n';
const activity = (id: string) =>
  `event: activity\ndata: ${JSON.stringify({ id, timestamp: '2026-04-01T10:00:00Z', event_type: 'login_success' })}\n\n`;

describe('backoffDelay', () => {
  it('should double per failure up to 30 seconds, jittered between half and all of it', () => {
    expect(backoffDelay(0, 0)).toBe(500);
    expect(backoffDelay(0, 1)).toBe(1000);
    expect(backoffDelay(2, 1)).toBe(4000);
    expect(backoffDelay(10, 1)).toBe(30_000);
    expect(backoffDelay(10, 0)).toBe(15_000);
  });
});

describe('LiveController', () => {
  let host: FakeHost;
  beforeEach(() => {
    vi.useFakeTimers();
    host = new FakeHost();
  });
  afterEach(() => {
    host.disconnect();
    vi.useRealTimers();
  });

  it('should deliver stream messages, but not pings', async () => {
    const messages: StreamMessage[] = [];
    let write: (text: string) => void = () => {};
    const live = new LiveController(host, {
      open: async (signal) => {
        const s = stream(signal, PING);
        write = s.write;
        return s.response;
      },
      onMessage: (m) => messages.push(m),
      poll: async () => {},
    });
    live.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(live.state).toBe('stream');
    write(activity('e1'));
    await vi.advanceTimersByTimeAsync(10);
    expect(messages.map((m) => m.event)).toEqual(['activity']);
  });

  it('should poll every few seconds once the stream has failed twice', async () => {
    const poll = vi.fn(async () => {});
    const live = new LiveController(host, {
      open: async () => {
        throw new ApiError('not_found', 'no stream', 404);
      },
      onMessage: () => {},
      poll,
    });
    live.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(poll).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(2000);
    expect(live.state).toBe('polling');
    expect(poll).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(4000);
    expect(poll).toHaveBeenCalledTimes(2);
  });

  it('should stop polling when the stream comes back', async () => {
    const poll = vi.fn(async () => {});
    let attempts = 0;
    const live = new LiveController(host, {
      open: async (signal) => {
        if (++attempts <= 2) throw new TypeError('Failed to fetch');
        return stream(signal, PING).response;
      },
      onMessage: () => {},
      poll,
    });
    live.start();
    await vi.advanceTimersByTimeAsync(2100);
    expect(live.state).toBe('polling');
    await vi.advanceTimersByTimeAsync(4100);
    expect(live.state).toBe('stream');
    const polls = poll.mock.calls.length;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(poll.mock.calls.length).toBe(polls);
  });

  it('should fetch once when the stream opens, and again after each reconnect', async () => {
    const poll = vi.fn(async () => {});
    let attempts = 0;
    const live = new LiveController(host, {
      open: async (signal) => {
        const s = stream(signal, PING);
        if (++attempts === 1) s.end();
        return s.response;
      },
      onMessage: () => {},
      poll,
    });
    live.start();
    await vi.advanceTimersByTimeAsync(1100);
    expect(attempts).toBe(2);
    expect(live.state).toBe('stream');
    // Once for what happened between the first load and the first connection, once for the gap.
    expect(poll).toHaveBeenCalledTimes(2);
  });

  it('should treat a silent stream as dead', async () => {
    let attempts = 0;
    const live = new LiveController(host, {
      open: async (signal) => {
        attempts++;
        return stream(signal).response;
      },
      onMessage: () => {},
      poll: async () => {},
      stallTimeout: 1000,
    });
    live.start();
    await vi.advanceTimersByTimeAsync(900);
    expect(attempts).toBe(1);
    await vi.advanceTimersByTimeAsync(2200);
    expect(attempts).toBe(2);
  });

  it('should not treat a response that is not an event stream as one', async () => {
    let attempts = 0;
    const live = new LiveController(host, {
      open: async () => {
        attempts++;
        return new Response('{}', { headers: { 'content-type': 'application/json' } });
      },
      onMessage: () => {},
      poll: async () => {},
    });
    live.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(live.state).toBe('connecting');
    expect(attempts).toBe(1);
  });

  it('should stop everything when the host disconnects', async () => {
    const poll = vi.fn(async () => {});
    const live = new LiveController(host, {
      open: async () => {
        throw new TypeError('Failed to fetch');
      },
      onMessage: () => {},
      poll,
    });
    live.start();
    await vi.advanceTimersByTimeAsync(2100);
    host.disconnect();
    expect(live.state).toBe('off');
    const calls = poll.mock.calls.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(poll.mock.calls.length).toBe(calls);
  });
});
