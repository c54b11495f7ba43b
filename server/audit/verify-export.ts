// Checks an evidence export with nothing but its files: every line's hash, its personal-data commitment,
// its place in the order, the chain up to the signed head, the head's signature, and SHA256SUMS.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import type { Anchors, ExportedEvent } from '../domain/evidence.js';
import { type EventRow, personalCommit, rowHash } from './chain.js';

export type ExportCheck = { ok: true; summary: string } | { ok: false; problem: string };

function lines(text: string): string[] {
  return text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
}

export function verifyExport(dir: string): ExportCheck {
  const read = (name: string) => {
    const file = join(dir, name);
    if (!existsSync(file)) throw new Error(`${name} is missing`);
    return readFileSync(file, 'utf8');
  };
  let anchors: Anchors;
  let events: string[];
  let chain: string[];
  let sums: string;
  try {
    anchors = JSON.parse(read('anchors.json')) as Anchors;
    events = lines(read('events.jsonl'));
    chain = lines(read('chain.jsonl'));
    sums = read('SHA256SUMS');
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) };
  }
  const fail = (problem: string): ExportCheck => ({ ok: false, problem });

  // 1. Each exported line: readable, where the anchors say it belongs, and hashing to what it says.
  if (events.length !== anchors.seqs.length) {
    const at = events.findIndex((l, i) => {
      try {
        return (JSON.parse(l) as EventRow).seq !== anchors.seqs[i];
      } catch {
        return true;
      }
    });
    return fail(
      `events.jsonl has ${events.length} lines, the export had ${anchors.seqs.length}` +
        (at >= 0 ? `: first difference at line ${at + 1}` : ': lines are missing at the end'),
    );
  }
  const hashes = new Map<number, string>();
  for (let i = 0; i < events.length; i++) {
    const where = `events.jsonl line ${i + 1}`;
    let e: ExportedEvent;
    try {
      e = JSON.parse(events[i]!) as ExportedEvent;
    } catch {
      return fail(`${where}: not valid JSON (changed)`);
    }
    if (e.seq !== anchors.seqs[i]) {
      return fail(
        `${where}: holds seq ${e.seq} where seq ${anchors.seqs[i]} belongs (lines deleted, added or moved)`,
      );
    }
    const { personal, hash, ...row } = e;
    if (rowHash(row) !== hash)
      return fail(`${where} (seq ${e.seq}): the event does not match its hash (changed)`);
    if (personal) {
      const commit = personalCommit(Buffer.from(personal.salt, 'hex'), {
        user_id: personal.user_id,
        ip: personal.ip,
        user_agent: personal.user_agent,
        values: personal.values,
      });
      if (commit !== e.pii_commit)
        return fail(`${where} (seq ${e.seq}): personal data does not match its commitment (changed)`);
    }
    hashes.set(e.seq, hash);
  }

  // 2. The chain from the first exported event to the signed head.
  let prev: EventRow | null = null;
  for (let i = 0; i < chain.length; i++) {
    const where = `chain.jsonl line ${i + 1}`;
    let r: EventRow;
    try {
      r = JSON.parse(chain[i]!) as EventRow;
    } catch {
      return fail(`${where}: not valid JSON (changed)`);
    }
    if (prev && (r.seq !== prev.seq + 1 || r.prev_hash !== prev.hash))
      return fail(`${where} (seq ${r.seq}): breaks the chain`);
    const { hash, ...rest } = r;
    if (rowHash(rest) !== hash) return fail(`${where} (seq ${r.seq}): does not match its hash (changed)`);
    const exported = hashes.get(r.seq);
    if (exported !== undefined && exported !== hash)
      return fail(`seq ${r.seq}: the exported event is not the one in the chain`);
    hashes.delete(r.seq);
    prev = r;
  }
  if (hashes.size > 0) return fail(`seq ${[...hashes.keys()][0]}: exported but not in the chain`);
  const cp = anchors.checkpoint;
  if (chain.length > 0 && (prev?.seq !== cp.seq || prev?.hash !== cp.hash)) {
    return fail('the chain does not end at the signed head');
  }

  // 3. The signed head.
  const message = Buffer.from(
    canonicalize({ seq: cp.seq, hash: cp.hash, signed_at: cp.signed_at }) as string,
  );
  let signed = false;
  try {
    signed = verify(
      null,
      message,
      createPublicKey({ key: anchors.public_key, format: 'jwk' }),
      Buffer.from(cp.signature, 'hex'),
    );
  } catch {
    signed = false;
  }
  if (!signed) return fail('anchors.json: the checkpoint signature does not verify');

  // 4. Checksums of the files as written.
  for (const line of sums.split('\n').filter(Boolean)) {
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!match) return fail(`SHA256SUMS: unreadable line "${line}"`);
    const actual = createHash('sha256').update(read(match[2]!)).digest('hex');
    if (actual !== match[1]) return fail(`SHA256SUMS: ${match[2]} does not match its checksum`);
  }
  return {
    ok: true,
    summary: `${events.length} events verified; chain intact from seq ${anchors.chain_from ?? '-'} to the signed head seq ${cp.seq} (key ${cp.key_id}, signed ${cp.signed_at})`,
  };
}
