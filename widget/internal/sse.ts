// A server-sent events parser for text read from a fetch body (EventSource cannot send the token header).
import type { ActivityItem, AlertView, StreamMessage } from '../../shared/api.js';

export interface SseEvent {
  event: string;
  data: string;
}

/** Incremental parser following the HTML spec's event-stream rules; feed it decoded text in any chunks. */
export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];

  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const out: SseEvent[] = [];
    const lineEnd = /\r\n|\r|\n/g;
    let start = 0;
    for (let match = lineEnd.exec(this.buffer); match; match = lineEnd.exec(this.buffer)) {
      // A lone CR at the very end may be the first half of CRLF: wait for the next chunk.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) break;
      this.line(this.buffer.slice(start, match.index), out);
      start = lineEnd.lastIndex;
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === '') {
      if (this.data.length > 0) {
        out.push({ event: this.event || 'message', data: this.data.join('\n') });
      }
      this.event = '';
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    // `id` and `retry` are not used: after a reconnect the component fetches what it missed.
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A known stream message with a plausible shape, or null for anything else (ignored, never thrown). */
export function toStreamMessage(e: SseEvent): StreamMessage | null {
  let data: unknown;
  try {
    data = e.data ? JSON.parse(e.data) : {};
  } catch {
    return null;
  }
  if (!isObject(data)) return null;
  switch (e.event) {
    case 'activity':
      return typeof data.id === 'string' &&
        typeof data.timestamp === 'string' &&
        typeof data.event_type === 'string'
        ? { event: 'activity', data: data as unknown as ActivityItem }
        : null;
    case 'sessions':
      return Array.isArray(data.changed)
        ? { event: 'sessions', data: { changed: data.changed.filter((id) => typeof id === 'string') } }
        : null;
    case 'alert':
      return typeof data.id === 'string' && typeof data.status === 'string'
        ? { event: 'alert', data: data as unknown as AlertView }
        : null;
    case 'ping':
      return { event: 'ping', data: {} };
    default:
      return null;
  }
}
