// stream-check on streams built here the way Receipts sends them (chained events, signed C2SP checkpoints):
// it accepts an intact stream, drops identical resends, and names the first gap, change or bad checkpoint.
import { generateKeyPairSync, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkStream } from '../../../server/streams/check.js';
import { readReceived } from '../../../server/streams/received.js';
import { syslogMessage } from '../../../server/streams/syslog-format.js';
import {
  type ChainedEvent,
  eventHash,
  formatCheckpoint,
  formatVkey,
  fromHex,
  keyIdOf,
  leafHash,
  merkleRoot,
  parseVkey,
  signatureLine,
} from '../../../shared/tlog/index.js';
import { cli, tempDir } from '../../support/server.js';

const ORIGIN = 'receipts.test/log';

async function signer(origin = ORIGIN) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url'));
  const keyId = await keyIdOf(origin, raw);
  return {
    vkey: formatVkey(origin, keyId, raw),
    note: (body: string) =>
      `${body}\n${signatureLine(origin, keyId, new Uint8Array(sign(null, Buffer.from(body), privateKey)))}`,
  };
}

async function chain(n: number): Promise<ChainedEvent[]> {
  const events: ChainedEvent[] = [];
  let prev = '0'.repeat(64);
  for (let seq = 1; seq <= n; seq++) {
    const row = {
      seq,
      id: `evt_${seq}`,
      ts: 1_790_000_000_000 + seq,
      received_at: 1_790_000_000_100 + seq,
      event_type: seq % 3 === 0 ? 'login_failure' : 'login_success',
      level: 'INFO',
      outcome: 'success',
      subject: `sub_${seq % 4}`,
      session_ref: null,
      request_id: null,
      resource_type: null,
      resource_id: null,
      action: null,
      metadata: JSON.stringify({ note: 'ünïcödé "quoted" ]' }),
      pii_commit: null,
      prev_hash: prev,
    };
    const hash = await eventHash(row);
    events.push({ ...row, hash });
    prev = hash;
  }
  return events;
}

const eventLine = (e: ChainedEvent) =>
  syslogMessage({
    kind: 'event',
    event: e,
    beside: { ip: '198.51.100.xxx', browser: null, os: null, device_type: null },
  });

async function checkpointLine(events: ChainedEvent[], size: number, note: (body: string) => string) {
  const leaves = await Promise.all(events.slice(0, size).map((e) => leafHash(fromHex(e.hash))));
  const body = formatCheckpoint(ORIGIN, size, await merkleRoot(leaves));
  return syslogMessage({ kind: 'checkpoint', id: size, size, note: note(body) });
}

/** 13 events with checkpoints after seq 1, 5, 8 and 13 (sizes that are and are not powers of two). */
async function stream(note: (body: string) => string) {
  const events = await chain(13);
  const lines: string[] = [];
  for (const e of events) {
    lines.push(eventLine(e));
    if ([1, 5, 8, 13].includes(e.seq)) lines.push(await checkpointLine(events, e.seq, note));
  }
  return { events, lines };
}

const check = async (lines: string[], vkey: string | null) =>
  checkStream(readReceived(`${lines.join('\n')}\n`).records, vkey ? parseVkey(vkey) : null);

describe('stream-check', () => {
  it('should accept an intact stream and verify every checkpoint against the received events', async () => {
    const s = await signer();
    const { lines } = await stream(s.note);
    const r = await check(lines, s.vkey);
    expect(r).toEqual({
      ok: true,
      summary:
        '13 events, seq 1–13, contiguous and chained; 4 checkpoints match the received events (signatures verified)',
    });
  });

  it('should drop records sent again after a reconnect when they are identical', async () => {
    const s = await signer();
    const { lines } = await stream(s.note);
    const resent = [...lines.slice(0, 12), ...lines.slice(6, 12), ...lines.slice(12)];
    const r = await check(resent, s.vkey);
    // From the size-5 checkpoint through event 9 again: events 6–9 and the checkpoints of sizes 5 and 8.
    expect(r).toEqual({
      ok: true,
      summary:
        '13 events, seq 1–13, contiguous and chained; 4 duplicates dropped; 6 checkpoints match the received events (signatures verified)',
    });
  });

  it('should name the first missing seq', async () => {
    const s = await signer();
    const { lines } = await stream(s.note);
    const at = lines.findIndex((l) => l.includes('seq="7" '));
    expect(await check(lines.toSpliced(at, 1), s.vkey)).toEqual({
      ok: false,
      problem: `line ${at + 1}: seq 7 missing (the next record is seq 8)`,
    });
  });

  it('should notice a tail cut after the last checkpoint only through that checkpoint', async () => {
    const s = await signer();
    const { lines } = await stream(s.note);
    // Events 12 and 13 gone, the size-13 checkpoint kept: it vouches for events the file lacks.
    const cut = lines.filter((l) => !l.includes('seq="12" ') && !l.includes('seq="13" '));
    const r = await check(cut, s.vkey);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem).toMatch(/checkpoint of size 13, but the stream holds seq 1–11/);
  });

  it('should refuse an event changed after it was sent, and a resend that differs', async () => {
    const s = await signer();
    const { lines } = await stream(s.note);
    const at = lines.findIndex((l) => l.includes('seq="4" '));
    const changed = lines.with(at, lines[at]!.replace('"subject":"sub_0"', '"subject":"sub_9"'));
    expect(changed[at]).not.toBe(lines[at]);
    expect(await check(changed, s.vkey)).toEqual({
      ok: false,
      problem: `line ${at + 1}: seq 4: the event does not match its hash (altered)`,
    });
    const resentDifferently = [...lines, changed[at]!];
    const r = await check(resentDifferently, s.vkey);
    expect(!r.ok && r.problem).toMatch(/seq 4: the event does not match its hash/);
  });

  it('should refuse a rewritten chain whose hashes are recomputed, through the signed roots', async () => {
    const s = await signer();
    const { events, lines } = await stream(s.note);
    // An attacker rewrites event 10 onwards with fresh hashes: the chain holds, the signed root does not.
    const forged = [...events.slice(0, 9)];
    for (const e of events.slice(9)) {
      const { hash: _old, ...row } = {
        ...e,
        prev_hash: forged[forged.length - 1]!.hash,
        event_type: 'logout',
      };
      forged.push({ ...row, hash: await eventHash(row) });
    }
    const rewritten = lines.map((l) => {
      const seq = Number(/seq="(\d+)" /.exec(l)?.[1] ?? 0);
      return seq >= 10 ? eventLine(forged[seq - 1]!) : l;
    });
    const r = await check(rewritten, s.vkey);
    expect(!r.ok && r.problem).toMatch(/checkpoint of size 13: the received events' Merkle root differs/);
  });

  it('should refuse checkpoints not signed by the given key', async () => {
    const s = await signer();
    const other = await signer();
    const { lines } = await stream(s.note);
    const r = await check(lines, other.vkey);
    expect(!r.ok && r.problem).toMatch(
      /checkpoint of size 1: note (has no signature by|signature does not verify)/,
    );
  });

  it('should exit 1 from the command line and 0 with the key in a file', async () => {
    const s = await signer();
    const { lines } = await stream(s.note);
    const dir = tempDir();
    const good = join(dir, 'good.log');
    const bad = join(dir, 'bad.log');
    const key = join(dir, 'log.vkey');
    writeFileSync(good, `${lines.join('\n')}\n`);
    writeFileSync(bad, `${lines.filter((l) => !l.includes('seq="3" ')).join('\n')}\n`);
    writeFileSync(key, `${s.vkey}\n`);
    const ok = cli({ PATH: process.env.PATH ?? '' }, ['stream-check', good, '--key', key]);
    expect(ok.stdout).toMatch(/^stream intact \(syslog\): 13 events/);
    expect(ok.code).toBe(0);
    const failed = cli({ PATH: process.env.PATH ?? '' }, ['stream-check', bad, '--key', s.vkey]);
    expect(failed.stdout).toMatch(/^stream FAILED: line \d+: seq 3 missing/);
    expect(failed.code).toBe(1);
  });
});
