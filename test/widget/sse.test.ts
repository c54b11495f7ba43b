import { describe, expect, it } from 'vitest';
import { SseParser, toStreamMessage } from '../../widget/internal/sse.js';

describe('SseParser', () => {
  it('should parse events and their JSON data', () => {
    const parser = new SseParser();
    const events = parser.push('event: activity\ndata: {"id":"e1"}\n\nevent: ping\ndata: {}\n\n');
    expect(events).toEqual([
      { event: 'activity', data: '{"id":"e1"}' },
      { event: 'ping', data: '{}' },
    ]);
  });

  it('should join events split across chunks anywhere, including inside CRLF', () => {
    const parser = new SseParser();
    const text = 'event: sessions\r\ndata: {"changed":["s1"]}\r\n\r\n';
    const out = [];
    for (const ch of text) out.push(...parser.push(ch));
    expect(out).toEqual([{ event: 'sessions', data: '{"changed":["s1"]}' }]);
  });

  it('should wait for a CR at the end of a chunk to see whether LF follows', () => {
    const parser = new SseParser();
    expect(parser.push('data: a\r')).toEqual([]);
    expect(parser.push('\n\r')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'message', data: 'a' }]);
  });

  it('should join multi-line data, skip comments and not dispatch an event without data', () => {
    const parser = new SseParser();
    expect(parser.push(': keep-alive\n\nevent: x\n\ndata: one\ndata:two\n\n')).toEqual([
      { event: 'message', data: 'one\ntwo' },
    ]);
  });

  it('should keep an unfinished event until its blank line arrives', () => {
    const parser = new SseParser();
    expect(parser.push('event: activity\ndata: {"id"')).toEqual([]);
    expect(parser.push(':"e2"}\n\n')).toEqual([{ event: 'activity', data: '{"id":"e2"}' }]);
  });
});

describe('toStreamMessage', () => {
  it('should accept the four known events with plausible data', () => {
    const activity = { id: 'e1', timestamp: '2026-04-01T10:00:00Z', event_type: 'login_success' };
    expect(toStreamMessage({ event: 'activity', data: JSON.stringify(activity) })).toEqual({
      event: 'activity',
      data: activity,
    });
    expect(toStreamMessage({ event: 'sessions', data: '{"changed":["s1",2]}' })).toEqual({
      event: 'sessions',
      data: { changed: ['s1'] },
    });
    expect(toStreamMessage({ event: 'alert', data: '{"id":"a1","status":"open"}' })?.event).toBe('alert');
    expect(toStreamMessage({ event: 'ping', data: '{}' })).toEqual({ event: 'ping', data: {} });
  });

  it('should ignore unknown events, bad JSON and wrong shapes', () => {
    expect(toStreamMessage({ event: 'message', data: '{}' })).toBeNull();
    expect(toStreamMessage({ event: 'activity', data: '{not json' })).toBeNull();
    expect(toStreamMessage({ event: 'activity', data: '{"id":1}' })).toBeNull();
    expect(toStreamMessage({ event: 'activity', data: '[1,2]' })).toBeNull();
    expect(toStreamMessage({ event: 'sessions', data: '{"changed":"s1"}' })).toBeNull();
  });
});
