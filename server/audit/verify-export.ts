// Checks an evidence export with nothing but its files and the log's verifier key: each event's hash and
// personal-data commitment, its inclusion proof against the signed checkpoint, the order of the lines, the
// checkpoint's signature, and SHA256SUMS. Tree and note checks are shared/tlog's, as the browser runs them.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromBase64, fromHex } from '../../shared/tlog/base64.js';
import { eventHash } from '../../shared/tlog/event-hash.js';
import { leafHash, verifyInclusion } from '../../shared/tlog/merkle.js';
import { type Checkpoint, openNote, type Vkey } from '../../shared/tlog/note.js';
import type { ExportedEvent, ExportedProof } from '../domain/evidence.js';
import { personalCommit } from './chain.js';

export type ExportCheck = { ok: true; summary: string } | { ok: false; problem: string };

function lines(text: string): string[] {
  return text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
}

class Bad extends Error {}

function parseLine<T>(text: string, where: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Bad(`${where}: not valid JSON (changed)`);
  }
}

export async function verifyExport(dir: string, key: Vkey): Promise<ExportCheck> {
  try {
    return { ok: true, summary: await check(dir, key) };
  } catch (error) {
    if (error instanceof Bad) return { ok: false, problem: error.message };
    throw error;
  }
}

async function check(dir: string, key: Vkey): Promise<string> {
  const read = (name: string) => {
    const file = join(dir, name);
    if (!existsSync(file)) throw new Bad(`${name} is missing`);
    return readFileSync(file, 'utf8');
  };
  const events = lines(read('events.jsonl'));
  const proofs = lines(read('proofs.jsonl'));
  const note = read('checkpoint.txt');
  const sums = read('SHA256SUMS');

  // 1. The checkpoint: signed by the log's key.
  let cp: Checkpoint;
  try {
    cp = await openNote(note, key);
  } catch (error) {
    throw new Bad(`checkpoint.txt: ${(error as Error).message}`);
  }

  // 2. Each event: hashing to what it says, committed personal data, proven in the signed tree, in order.
  let lastSeq = 0;
  for (let i = 0; i < Math.max(events.length, proofs.length); i++) {
    const where = `events.jsonl line ${i + 1}`;
    if (i >= events.length) throw new Bad(`${where} is missing: proofs.jsonl has ${proofs.length} lines`);
    if (i >= proofs.length)
      throw new Bad(`proofs.jsonl line ${i + 1} is missing: events.jsonl has ${events.length} lines`);
    const e = parseLine<ExportedEvent>(events[i] as string, where);
    const p = parseLine<ExportedProof>(proofs[i] as string, `proofs.jsonl line ${i + 1}`);
    if (p.seq !== e.seq)
      throw new Bad(
        `${where}: holds seq ${e.seq} but proofs.jsonl line ${i + 1} proves seq ${p.seq} (lines deleted, added or moved)`,
      );
    if (e.seq <= lastSeq) throw new Bad(`${where}: seq ${e.seq} is out of order (lines moved)`);
    lastSeq = e.seq;
    const { personal, ...row } = e;
    if ((await eventHash(row)) !== e.hash)
      throw new Bad(`${where} (seq ${e.seq}): the event does not match its hash (changed)`);
    if (personal) {
      const commit = personalCommit(Buffer.from(personal.salt, 'hex'), {
        user_id: personal.user_id,
        ip: personal.ip,
        user_agent: personal.user_agent,
        values: personal.values,
      });
      if (commit !== e.pii_commit)
        throw new Bad(`${where} (seq ${e.seq}): personal data does not match its commitment (changed)`);
    }
    let proven = false;
    try {
      proven =
        p.leaf_index === e.seq - 1 &&
        p.tree_size === cp.size &&
        (await verifyInclusion(
          p.leaf_index,
          p.tree_size,
          await leafHash(fromHex(e.hash)),
          p.proof.map(fromBase64),
          cp.root,
        ));
    } catch {
      proven = false;
    }
    if (!proven)
      throw new Bad(
        `proofs.jsonl line ${i + 1} (seq ${e.seq}): does not prove the event in the signed tree of ${cp.size}`,
      );
  }

  // 3. Checksums of the files as written.
  for (const line of sums.split('\n').filter(Boolean)) {
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!match) throw new Bad(`SHA256SUMS: unreadable line "${line}"`);
    const actual = createHash('sha256')
      .update(read(match[2] as string))
      .digest('hex');
    if (actual !== match[1]) throw new Bad(`SHA256SUMS: ${match[2]} does not match its checksum`);
  }
  return `${events.length} events verified, each proven in the tree of ${cp.size} signed by ${key.name}`;
}
