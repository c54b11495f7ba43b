// Proves a received stream complete and unaltered: contiguous seq from the first record (duplicates must
// repeat the same record and are dropped), each event's hash recomputed from the event itself, each
// prev_hash linking to the record before, and the RFC 6962 root of the received hashes equal to each
// streamed checkpoint's root (its signature checked when a verifier key is given).
import {
  type ChainedEvent,
  eventHash,
  fromHex,
  leafHash,
  nodeHash,
  openNote,
  parseCheckpoint,
  splitNote,
  toBase64,
  type Vkey,
} from '../../shared/tlog/index.js';
import type { Received } from './received.js';

const GENESIS = '0'.repeat(64);

export type CheckResult = { ok: true; summary: string } | { ok: false; problem: string };

const FIELDS: [keyof ChainedEvent, 'string' | 'number' | 'nullable'][] = [
  ['seq', 'number'],
  ['id', 'string'],
  ['ts', 'number'],
  ['received_at', 'number'],
  ['event_type', 'string'],
  ['level', 'string'],
  ['outcome', 'nullable'],
  ['subject', 'nullable'],
  ['session_ref', 'nullable'],
  ['request_id', 'nullable'],
  ['resource_type', 'nullable'],
  ['resource_id', 'nullable'],
  ['action', 'nullable'],
  ['metadata', 'nullable'],
  ['pii_commit', 'nullable'],
  ['prev_hash', 'string'],
  ['hash', 'string'],
];

function asEvent(value: unknown): ChainedEvent | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  for (const [name, type] of FIELDS) {
    const x = v[name];
    if (
      type === 'number'
        ? !Number.isSafeInteger(x)
        : type === 'string'
          ? typeof x !== 'string'
          : x !== null && typeof x !== 'string'
    )
      return null;
  }
  return v as unknown as ChainedEvent;
}

/** Checks records one at a time, so a receiver's file of any length is read as a stream. */
export class StreamChecker {
  private readonly hashes: string[] = []; // hashes[seq - first]
  private first = 0;
  private duplicates = 0;
  private readonly checkpoints: { line: number; size: number; root: Uint8Array }[] = [];

  constructor(private readonly key: Vkey | null) {}

  /** Null while all is well; otherwise the problem, naming its line. */
  async add(r: Received): Promise<string | null> {
    const fail = (problem: string) => `line ${r.line}: ${problem}`;
    const { hashes, key } = this;
    if (r.kind === 'checkpoint') {
      let cp: { size: number; root: Uint8Array };
      try {
        cp = key ? await openNote(r.note, key) : parseCheckpoint(splitNote(r.note).text);
      } catch (error) {
        return fail(`checkpoint of size ${r.size}: ${(error as Error).message}`);
      }
      if (cp.size !== r.size) return fail(`checkpoint says size ${cp.size}, its record says ${r.size}`);
      this.checkpoints.push({ line: r.line, size: cp.size, root: cp.root });
      return null;
    }
    const event = asEvent(r.event);
    if (!event) return fail(`seq ${r.seq}: not a Receipts event`);
    if (event.seq !== r.seq) return fail(`the record says seq ${r.seq}, its event says ${event.seq}`);
    if (event.hash !== r.hash) return fail(`seq ${r.seq}: the record's hash differs from its event's`);
    const { hash, ...row } = event;
    if ((await eventHash(row)) !== hash)
      return fail(`seq ${r.seq}: the event does not match its hash (altered)`);
    if (hashes.length === 0) {
      this.first = event.seq;
      if (event.seq === 1 && event.prev_hash !== GENESIS) return fail('seq 1 does not start the chain');
      hashes.push(hash);
      return null;
    }
    const first = this.first;
    const next = first + hashes.length;
    if (event.seq < first) return fail(`seq ${event.seq} comes after the stream started at seq ${first}`);
    if (event.seq < next) {
      // Sent again after a reconnect: it must be the very same record.
      if (hashes[event.seq - first] !== hash) return fail(`seq ${event.seq} arrived twice, differently`);
      this.duplicates++;
      return null;
    }
    if (event.seq > next)
      return fail(
        `seq ${next}${event.seq - 1 > next ? `–${event.seq - 1}` : ''} missing (the next record is seq ${event.seq})`,
      );
    if (event.prev_hash !== hashes[hashes.length - 1])
      return fail(`seq ${event.seq} does not link to seq ${event.seq - 1} (prev_hash differs)`);
    hashes.push(hash);
    return null;
  }

  /** After the last record: every checkpoint against the Merkle root of the received hashes. */
  async finish(): Promise<CheckResult> {
    const { hashes, first, checkpoints, key } = this;
    if (hashes.length === 0) return { ok: false, problem: 'no Receipts events in the file' };
    const last = first + hashes.length - 1;
    for (const c of checkpoints) {
      if (c.size > last)
        return {
          ok: false,
          problem: `line ${c.line}: checkpoint of size ${c.size}, but the stream holds seq ${first}–${last}: seq ${last + 1}… missing`,
        };
    }
    const sizes = [...new Set(checkpoints.map((c) => c.size))].sort((a, b) => a - b);
    const roots = first === 1 ? await rootsAt(hashes, sizes) : new Map<number, Uint8Array>();
    let checked = 0;
    let unchecked = 0;
    for (const c of checkpoints) {
      const root = roots.get(c.size);
      if (!root) {
        unchecked++;
        continue;
      }
      if (toBase64(root) !== toBase64(c.root))
        return {
          ok: false,
          problem: `line ${c.line}: checkpoint of size ${c.size}: the received events' Merkle root differs from the signed root`,
        };
      checked++;
    }
    const parts = [
      `${hashes.length} events, seq ${first}–${last}, contiguous and chained`,
      this.duplicates > 0 ? `${this.duplicates} duplicates dropped` : null,
      checkpoints.length === 0
        ? 'no checkpoints in the stream'
        : `${checked} checkpoint${checked === 1 ? '' : 's'} match the received events${key ? ' (signatures verified)' : ' (signatures not checked: no --key)'}`,
      unchecked > 0 ? `${unchecked} not checkable (the stream starts at seq ${first})` : null,
    ];
    return { ok: true, summary: parts.filter(Boolean).join('; ') };
  }
}

/** All records at once (tests, small files). */
export async function checkStream(records: Iterable<Received>, key: Vkey | null): Promise<CheckResult> {
  const checker = new StreamChecker(key);
  for (const r of records) {
    const problem = await checker.add(r);
    if (problem) return { ok: false, problem };
  }
  return checker.finish();
}

/** RFC 6962 roots of the first `size` leaves for each wanted size, in one pass over the leaves. */
async function rootsAt(hashes: string[], sizes: number[]): Promise<Map<number, Uint8Array>> {
  const roots = new Map<number, Uint8Array>();
  // The right edge of the tree so far: perfect subtrees, largest first, with their leaf counts.
  const stack: { count: number; hash: Uint8Array }[] = [];
  let s = 0;
  for (let i = 0; i < hashes.length && s < sizes.length; i++) {
    let node = { count: 1, hash: await leafHash(fromHex(hashes[i]!)) };
    while (stack.length > 0 && stack[stack.length - 1]!.count === node.count) {
      const left = stack.pop()!;
      node = { count: left.count * 2, hash: await nodeHash(left.hash, node.hash) };
    }
    stack.push(node);
    while (s < sizes.length && sizes[s] === i + 1) {
      // MTH splits at the largest power of two below the size: fold the subtrees from the right.
      let root = stack[stack.length - 1]!.hash;
      for (let j = stack.length - 2; j >= 0; j--) root = await nodeHash(stack[j]!.hash, root);
      roots.set(sizes[s++]!, root);
    }
  }
  return roots;
}
