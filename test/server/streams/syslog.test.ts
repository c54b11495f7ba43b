// Streaming to Debian's rsyslogd over TCP and TLS: nothing lost across receiver outages and restarts of
// Receipts, and `receipts stream-check` proves the received file complete — and notices a removed or
// altered line.
import { describe, expect, it } from 'vitest';
import { readReceived } from '../../../server/streams/received.js';
import { makeTestCa, rsyslog } from '../../support/rsyslog.js';
import { ingest, signIn, startServer, tempDir } from '../../support/server.js';
import { expectEverySeq, streamCheck, streamCheckLines, streamThroughOutages, until } from './outage.js';

async function scenario(tls: boolean) {
  const dir = tempDir('receipts-rsyslog-');
  const certs = tls ? makeTestCa(dir) : undefined;
  const receiver = await rsyslog(dir, { tls: certs });
  await receiver.start();
  try {
    const scheme = tls ? 'syslog+tls' : 'syslog+tcp';
    const outcome = await streamThroughOutages(receiver, {
      RECEIPTS_STREAMS: `${scheme}://127.0.0.1:${receiver.port}`,
      ...(certs ? { RECEIPTS_STREAM_CA: certs.ca } : {}),
    });
    await receiver.stop(); // rsyslog flushes the file as it exits
    return { ...outcome, file: receiver.file, text: receiver.read() };
  } finally {
    await receiver.stop();
  }
}

function lineOfUniqueSeq(lines: string[], seq: number): number {
  const marker = `seq="${seq}" `;
  const at = lines.map((l, i) => (l.includes(marker) ? i : -1)).filter((i) => i >= 0);
  return at.length === 1 ? at[0]! : -1;
}

describe.each([
  ['TCP', false],
  ['TLS', true],
])('streaming to rsyslog over %s', (_name, tls) => {
  it('should deliver every seq in order across outages and restarts, and stream-check should prove it', async () => {
    const { head, vkey, file, text } = await scenario(tls);
    expect(head).toBeGreaterThan(3000);

    const { format, records } = readReceived(text);
    expect(format).toBe('syslog');
    expectEverySeq(
      records.flatMap((r) => (r.kind === 'event' ? [r.seq] : [])),
      head,
    );
    const ok = streamCheck(file, vkey);
    expect(ok.stdout).toContain('stream intact (syslog)');
    expect(ok.code).toBe(0);
    if (vkey)
      expect(ok.stdout).toMatch(/[1-9]\d* checkpoints? match the received events \(signatures verified\)/);

    // Masked IPs and pseudonyms by default: the full address and the user id never leave.
    expect(text).toContain('ip="203.0.113.xxx"');
    expect(text).not.toContain('203.0.113.42');
    expect(text).not.toContain('usr_stream_');

    const lines = text.split('\n');
    let target = 0;
    for (let seq = Math.floor(head / 2); seq < head && target <= 0; seq++)
      target = lineOfUniqueSeq(lines, seq);
    expect(target).toBeGreaterThan(0);
    const removed = streamCheckLines(file, 'removed.log', lines.toSpliced(target, 1), vkey);
    expect(removed.code).toBe(1);
    expect(removed.stdout).toMatch(/stream FAILED: line \d+: seq \d+ missing/);

    const altered = lines.with(target, lines[target]!.replace('"attempt\\":', '"attempt\\":1'));
    expect(altered[target]).not.toBe(lines[target]);
    const changed = streamCheckLines(file, 'altered.log', altered, vkey);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/seq \d+: the event does not match its hash \(altered\)/);
  });
});

describe('a syslog receiver that goes away while the stream is idle', () => {
  it('should get again what it may not have read, with no new event to push it', async () => {
    const receiver = await rsyslog(tempDir('receipts-rsyslog-'));
    await receiver.start();
    const server = await startServer({
      env: { RECEIPTS_STREAMS: `syslog+tcp://127.0.0.1:${receiver.port}` },
    });
    const lag = async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      return Number(/^receipts_stream_lag_events\{[^}]*\} (\d+)$/m.exec(text)?.[1]);
    };
    try {
      const res = await ingest(server, {
        events: Array.from({ length: 20 }, (_, i) => signIn('usr_idle', `s${i}`)),
      });
      const last = ((await res.json()) as { ids: string[] }).ids.at(-1)!;
      // Gone right after the write, before the write counts as taken (the connection must stay up 1.5 s).
      await until('the last event was written', () => receiver.read().includes(last));
      await receiver.stop();
      expect(await lag()).toBeGreaterThan(0);
      await receiver.start();
      await until(
        'the destination has taken everything, resent from the cursor',
        async () => (await lag()) === 0,
      );
    } finally {
      await server.stop();
      await receiver.stop();
    }
    expect(streamCheck(receiver.file, null).stdout).toMatch(/stream intact \(syslog\): .*duplicates dropped/);
  });
});
