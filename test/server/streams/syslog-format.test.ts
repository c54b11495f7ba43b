// The syslog wire format: RFC 5424 header fields, structured data escaped per §6.3.3, the event as ASCII-only
// JSON that parses back to the very row, and RFC 6587 octet counts in bytes, not characters.
import { describe, expect, it } from 'vitest';
import { readReceived } from '../../../server/streams/received.js';
import { frame, logLineMessage, sdValue, syslogMessage } from '../../../server/streams/syslog-format.js';
import type { ChainedEvent } from '../../../shared/tlog/index.js';

const event: ChainedEvent = {
  seq: 42,
  id: 'evt_42',
  ts: Date.UTC(2026, 3, 1, 14, 23, 11, 5),
  received_at: Date.UTC(2026, 3, 1, 14, 23, 11, 9),
  event_type: 'login_failure',
  level: 'WARNING',
  outcome: 'failure',
  subject: 'sub_abc',
  session_ref: null,
  request_id: 'req "1" ] \\',
  resource_type: null,
  resource_id: null,
  action: null,
  metadata: '{"city":"Zürich 🏔"}',
  pii_commit: null,
  prev_hash: 'ab'.repeat(32),
  hash: 'cd'.repeat(32),
};

describe('syslog messages', () => {
  it('should escape quote, backslash and closing bracket in structured data values', () => {
    expect(sdValue('a"b\\c]d')).toBe('a\\"b\\\\c\\]d');
  });

  it('should carry facility 13, the severity, MSGID = event_type and the receipts@32473 element', () => {
    const msg = syslogMessage({
      kind: 'event',
      event,
      beside: { ip: '203.0.113.xxx', browser: 'Fire"fox]', os: null, device_type: 'desktop' },
    });
    expect(msg).toMatch(
      /^<108>1 2026-04-01T14:23:11\.005Z \S+ receipts \d+ login_failure \[receipts@32473 seq="42" hash="(cd){32}" ip="203\.0\.113\.xxx" browser="Fire\\"fox\\]" device_type="desktop"\] \{/,
    );
    // ASCII only on the wire, and the JSON reads back to the row exactly.
    expect(/^[\x20-\x7e]*$/.test(msg)).toBe(true);
    const [r] = readReceived(msg).records;
    expect(r).toEqual({ kind: 'event', line: 1, seq: 42, hash: event.hash, event });
  });

  it('should frame with the length in bytes', () => {
    const m = 'é 🏔';
    expect(frame(m).toString('utf8')).toBe(`${Buffer.byteLength(m)} ${m}`);
    expect(Buffer.byteLength(m)).toBe(7);
  });

  it('should send a server log line with its level, event_type and timestamp, on one line', () => {
    const line = `${JSON.stringify({ timestamp: '2026-04-01T00:00:00.000Z', level: 'ERROR', event_type: 'job_failed', message: 'a\nb' })}\n`;
    expect(logLineMessage(line)).toMatch(
      /^<11>1 2026-04-01T00:00:00\.000Z \S+ receipts \d+ job_failed - \{.*"a\\nb"\}$/,
    );
  });
});
