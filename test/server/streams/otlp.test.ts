// Streaming as OTLP/HTTP JSON logs to a receiver that decodes each body as the OpenTelemetry project's
// ExportLogsServiceRequest: nothing lost while it answers 503, while it is gone, and across a restart of
// Receipts; stream-check proves its NDJSON complete.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReceived } from '../../../server/streams/received.js';
import { decodeLogsRequest, otlpReceiver } from '../../support/otlp-receiver.js';
import { makeTestCa } from '../../support/rsyslog.js';
import { ingest, signIn, startServer, tempDir } from '../../support/server.js';
import { expectEverySeq, streamCheck, streamCheckLines, streamThroughOutages, until } from './outage.js';

describe('streaming to an OTLP/HTTP receiver', () => {
  it('should deliver every seq in order across 503s, an outage and a restart, and stream-check should prove it', async () => {
    const dir = tempDir('receipts-otlp-');
    const receiver = await otlpReceiver(join(dir, 'received.ndjson'));
    await receiver.start();
    let outcome: Awaited<ReturnType<typeof streamThroughOutages>>;
    try {
      outcome = await streamThroughOutages(
        { start: receiver.start, stop: receiver.stop, fail: (on) => receiver.failWith(on ? 503 : null) },
        { RECEIPTS_STREAMS: `otlp+${receiver.url}` },
      );
    } finally {
      await receiver.stop();
    }
    const { head, vkey } = outcome;
    expect(receiver.malformed).toEqual([]);
    const text = readFileSync(receiver.file, 'utf8');
    const bodies = text.trim().split('\n');
    expect(bodies.length).toBe(receiver.accepted);

    // Each body is an OTLP request whose records carry receipts.seq and receipts.hash.
    const first = decodeLogsRequest(bodies[0]!);
    const record = first.resourceLogs![0]!.scopeLogs[0]!.logRecords![0]!;
    const attrs = Object.fromEntries(record.attributes.map((a) => [a.key, a.value]));
    expect(attrs['receipts.seq']?.intValue).toBe(1);
    expect(attrs['receipts.hash']?.stringValue).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(record.body!.stringValue!).hash).toBe(attrs['receipts.hash']?.stringValue);

    const { format, records } = readReceived(text);
    expect(format).toBe('otlp');
    expectEverySeq(
      records.flatMap((r) => (r.kind === 'event' ? [r.seq] : [])),
      head,
    );
    const ok = streamCheck(receiver.file, vkey);
    expect(ok.stdout).toContain('stream intact (otlp)');
    expect(ok.code).toBe(0);
    if (vkey)
      expect(ok.stdout).toMatch(/[1-9]\d* checkpoints? match the received events \(signatures verified\)/);
    expect(text).toContain('"client.address","value":{"stringValue":"203.0.113.xxx"}');
    expect(text).not.toContain('203.0.113.42');

    // One batch missing from the middle, or one event changed inside a batch, fails the check.
    // (A body whose events no other body repeats: removing a resent copy would rightly pass.)
    const seqsOf = (body: string) =>
      readReceived(body).records.flatMap((r) => (r.kind === 'event' ? [r.seq] : []));
    const counts = new Map<number, number>();
    for (const b of bodies) for (const q of seqsOf(b)) counts.set(q, (counts.get(q) ?? 0) + 1);
    const middle = bodies.findIndex(
      (b, i) => i >= bodies.length / 2 && seqsOf(b).length > 0 && seqsOf(b).every((q) => counts.get(q) === 1),
    );
    expect(middle).toBeGreaterThan(0);
    const removed = streamCheckLines(receiver.file, 'removed.ndjson', bodies.toSpliced(middle, 1), vkey);
    expect(removed.code).toBe(1);
    expect(removed.stdout).toMatch(/stream FAILED: line \d+: seq \d+(–\d+)? missing/);
    const request = decodeLogsRequest(bodies[middle]!);
    const victim = request.resourceLogs![0]!.scopeLogs[0]!.logRecords!.find(
      (r) => r.eventName !== 'receipts.checkpoint',
    )!;
    victim.body = {
      stringValue: JSON.stringify({ ...JSON.parse(victim.body!.stringValue!), outcome: 'failure' }),
    };
    const altered = bodies.with(middle, JSON.stringify(request));
    expect(altered[middle]).not.toBe(bodies[middle]);
    const changed = streamCheckLines(receiver.file, 'altered.ndjson', altered, vkey);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/the event does not match its hash \(altered\)/);
  });

  it('should send to an https collector whose certificate RECEIPTS_STREAM_CA vouches for, and only then', async () => {
    const dir = tempDir('receipts-otlps-');
    const certs = makeTestCa(dir);
    const receiver = await otlpReceiver(join(dir, 'received.ndjson'), certs);
    await receiver.start();
    const trusting = await startServer({
      env: { RECEIPTS_STREAMS: `otlp+${receiver.url}`, RECEIPTS_STREAM_CA: certs.ca },
    });
    const untrusting = await startServer({ env: { RECEIPTS_STREAMS: `otlp+${receiver.url}` } });
    try {
      expect((await ingest(trusting, signIn('usr_tls', 'sess_tls'))).status).toBe(202);
      await until('the events arrived over https', () => receiver.accepted > 0);
      await until('the untrusting server gives up on the certificate', () =>
        untrusting.output().includes('"stream_down"'),
      );
      expect(untrusting.output()).toMatch(/self[- ]signed|unable to (get|verify)/i);
    } finally {
      await trusting.stop();
      await untrusting.stop();
      await receiver.stop();
    }
    expect(readFileSync(receiver.file, 'utf8')).toContain('login_success');
    // One chain from seq 1, so nothing of the untrusting server's own log (another seq 1) got through.
    expect(streamCheck(receiver.file, null).code).toBe(0);
  });
});
