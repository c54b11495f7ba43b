// What personal data a stream carries: with RECEIPTS_STREAM_PII=full the full IP and the user id go beside
// each event (never inside the hashed event); the server's own log reaches syslog as the very lines stdout gets (redacted the same way).
import { describe, expect, it } from 'vitest';
import { readReceived } from '../../../server/streams/received.js';
import { rsyslog } from '../../support/rsyslog.js';
import { ingest, signIn, startServer, tempDir } from '../../support/server.js';
import { streamCheck, until } from './outage.js';

describe('personal data in streams', () => {
  it('should send full IPs and user ids beside the event with RECEIPTS_STREAM_PII=full, and the server log too', async () => {
    const receiver = await rsyslog(tempDir('receipts-rsyslog-'));
    await receiver.start();
    const dest = `syslog+tcp://127.0.0.1:${receiver.port}`;
    const server = await startServer({
      env: { RECEIPTS_STREAMS: dest, RECEIPTS_STREAM_PII: 'full', RECEIPTS_LOG_STREAM: dest },
    });
    let stdout = '';
    try {
      const res = await ingest(server, signIn('usr_full_1', 'sess_full', { ip_address: '198.51.100.23' }));
      expect(res.status).toBe(202);
      await until('the event arrived', () => receiver.read().includes('user_id="usr_full_1"'));
      await until('the log line arrived', () => receiver.read().includes(' listening - '));
    } finally {
      await server.stop();
      stdout = server.output();
      await receiver.stop();
    }
    const text = receiver.read();
    const line = text.split('\n').find((l) => l.includes('user_id="usr_full_1"'))!;
    expect(line).toContain('ip="198.51.100.23"');
    expect(line).toMatch(/user_agent="Mozilla\/5\.0 /);
    // The event itself holds only its pseudonym, so the chain still verifies.
    const event = readReceived(line).records[0]!;
    expect(event.kind === 'event' && JSON.stringify(event.event)).not.toContain('usr_full_1');
    expect(streamCheck(receiver.file, null).code).toBe(0);

    // Server log lines arrive as RFC 5424 messages whose MSG is the very line stdout got.
    const logLines = text.split('\n').filter((l) => / receipts \d+ \S+ - \{/.test(l));
    expect(logLines.length).toBeGreaterThan(2);
    const stdoutLines = new Set(stdout.split('\n'));
    for (const l of logLines) expect(stdoutLines.has(l.slice(l.indexOf(' - {') + 3))).toBe(true);
  });
});
