// Signed checkpoints: the chain head (seq, hash, time) signed with Ed25519, so a copy kept outside the
// server can later prove that the log still extends it (a truncated or rewritten tail fails).
import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import canonicalize from 'canonicalize';
import type { Sqlite } from '../store/db.js';

export interface SignedCheckpoint {
  seq: number;
  hash: string;
  signed_at: string;
  key_id: string;
  /** Ed25519 over the canonical JSON of {seq, hash, signed_at}, hex. */
  signature: string;
}

export function keyId(key: KeyObject): string {
  const pub = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return createHash('sha256').update(pub).digest('hex').slice(0, 16);
}

const message = (c: { seq: number; hash: string; signed_at: string }) =>
  Buffer.from(canonicalize({ seq: c.seq, hash: c.hash, signed_at: c.signed_at }) as string);

export function signHead(
  head: { seq: number; hash: string },
  key: KeyObject,
  at = new Date(),
): SignedCheckpoint {
  const body = { seq: head.seq, hash: head.hash, signed_at: at.toISOString() };
  return { ...body, key_id: keyId(key), signature: sign(null, message(body), key).toString('hex') };
}

export function storeCheckpoint(sqlite: Sqlite, c: SignedCheckpoint): void {
  sqlite
    .prepare('INSERT INTO checkpoints (seq, hash, signed_at, key_id, signature) VALUES (?, ?, ?, ?, ?)')
    .run(c.seq, c.hash, Date.parse(c.signed_at), c.key_id, c.signature);
}

export function latestCheckpoint(sqlite: Sqlite): SignedCheckpoint | null {
  const row = sqlite
    .prepare<[], { seq: number; hash: string; signed_at: number; key_id: string; signature: string }>(
      'SELECT seq, hash, signed_at, key_id, signature FROM checkpoints ORDER BY id DESC LIMIT 1',
    )
    .get();
  return row ? { ...row, signed_at: new Date(row.signed_at).toISOString() } : null;
}

export function checkSignature(c: SignedCheckpoint, key: KeyObject): boolean {
  try {
    return verify(null, message(c), createPublicKey(key), Buffer.from(c.signature, 'hex'));
  } catch {
    return false;
  }
}

/** Null when the store extends the checkpoint in the file; otherwise what is wrong. */
export function checkCheckpointFile(sqlite: Sqlite, file: string, key: KeyObject): string | null {
  let c: SignedCheckpoint;
  try {
    c = JSON.parse(readFileSync(file, 'utf8')) as SignedCheckpoint;
  } catch {
    return `cannot read a checkpoint from ${file}`;
  }
  if (typeof c.seq !== 'number' || typeof c.hash !== 'string') return 'the file is not a checkpoint';
  if (!checkSignature(c, key)) return 'the checkpoint signature is not valid for this server key';
  const row = sqlite.prepare<[number], { hash: string }>('SELECT hash FROM events WHERE seq = ?').get(c.seq);
  if (!row) {
    const pruned = sqlite
      .prepare<[number], { hash: string }>('SELECT hash FROM retention_checkpoints WHERE through_seq = ?')
      .get(c.seq);
    if (pruned?.hash === c.hash) return null;
    const head = sqlite.prepare<[], { seq: number }>('SELECT MAX(seq) AS seq FROM events').get();
    return `the log no longer reaches seq ${c.seq} (head is ${head?.seq ?? 0}): its tail was truncated`;
  }
  if (row.hash !== c.hash)
    return `the row at seq ${c.seq} differs from the signed head: the log was rewritten`;
  return null;
}
