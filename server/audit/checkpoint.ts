// Signed checkpoints: C2SP signed notes over the Merkle tree (tlog-checkpoint body `<origin>\n<size>\n<root>\n`),
// so a copy kept outside the server (a witness, an auditor, the browser) can later prove the log still
// extends it. Signing is here, with the private key; checking is shared/tlog, which anyone can run.
import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import { toBase64 } from '../../shared/tlog/base64.js';
import { formatCheckpoint, formatVkey, signatureLine } from '../../shared/tlog/note.js';
import {
  type CheckpointRow,
  checkpointRows,
  insertCheckpoint,
  largestSignedSeqAtMost,
  latestCheckpointRow,
} from '../store/checkpoints.js';
import type { Db } from '../store/sql.js';

export interface SignedCheckpoint {
  /** Tree size = the seq of the newest event it covers. */
  seq: number;
  /** Chain hash of the event at `seq`. */
  hash: string;
  signed_at: string;
  /** The note key id, 8 hex digits. */
  key_id: string;
  /** Ed25519 signature over the note text, base64. */
  signature: string;
  /** RFC 6962 root of the first `seq` leaves, base64. */
  root: string;
  /** The signed note, exactly as served. */
  note: string;
}

/** Who signs the log: the origin (also the key name), the key and its C2SP verifier key line. */
export interface LogIdentity {
  origin: string;
  key: KeyObject;
  publicKey: Buffer;
  keyId: Buffer;
  vkey: string;
}

export function logIdentity(key: KeyObject, origin: string): LogIdentity {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || !jwk.x) throw new Error('the signing key must be an Ed25519 key');
  const publicKey = Buffer.from(jwk.x, 'base64url');
  const keyId = createHash('sha256')
    .update(origin)
    .update(Buffer.of(0x0a, 0x01))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
  return { origin, key, publicKey, keyId, vkey: formatVkey(origin, keyId, publicKey) };
}

const identities = new WeakMap<KeyObject, LogIdentity>();

/** `logIdentity` for the configured key and origin, derived once. */
export function identityOf(config: { signingKey: KeyObject; logOrigin: string }): LogIdentity {
  const known = identities.get(config.signingKey);
  if (known?.origin === config.logOrigin) return known;
  const id = logIdentity(config.signingKey, config.logOrigin);
  identities.set(config.signingKey, id);
  return id;
}

/** Signs the tree head: `seq` leaves with this root, the newest event's chain hash alongside. */
export function signTreeHead(
  head: { seq: number; hash: string },
  root: Buffer,
  id: LogIdentity,
  at = new Date(),
): SignedCheckpoint {
  const body = formatCheckpoint(id.origin, head.seq, root);
  const signature = sign(null, Buffer.from(body), id.key);
  return {
    seq: head.seq,
    hash: head.hash,
    signed_at: at.toISOString(),
    key_id: id.keyId.toString('hex'),
    signature: signature.toString('base64'),
    root: toBase64(root),
    note: `${body}\n${signatureLine(id.origin, id.keyId, signature)}`,
  };
}

/**
 * What a retention run signs: the cut (the last pruned seq) and the chain hash there. Kept in the
 * `retention_applied` event, it lets `verify` tell a pruned prefix from a deleted one.
 */
export function retentionText(origin: string, throughSeq: number, hash: string): string {
  return `${origin}\nretention\n${throughSeq}\n${hash}\n`;
}

/** Ed25519 over `text` with the log's key (a signed note's signature, without the note). */
export function signText(text: string, id: LogIdentity): Buffer {
  return sign(null, Buffer.from(text), id.key);
}

export async function storeCheckpoint(tx: Db, c: SignedCheckpoint): Promise<void> {
  await insertCheckpoint(tx, {
    seq: c.seq,
    hash: c.hash,
    signed_at: Date.parse(c.signed_at),
    key_id: c.key_id,
    signature: c.signature,
    root: c.root,
    note: c.note,
  });
}

const toCheckpoint = (r: CheckpointRow): SignedCheckpoint => ({
  seq: r.seq,
  hash: r.hash,
  signed_at: new Date(r.signed_at).toISOString(),
  key_id: r.key_id,
  signature: r.signature,
  root: r.root ?? '',
  note: r.note ?? '',
});

/** The newest signed note (rows from before the tree, without a note, are skipped). */
export async function latestCheckpoint(db: Db): Promise<SignedCheckpoint | null> {
  const row = await latestCheckpointRow(db);
  return row ? toCheckpoint(row) : null;
}

/** The largest signed tree size at or below `seq` (retention cuts only there), or 0. */
export function largestSignedSizeAtMost(db: Db, seq: number): Promise<number> {
  return largestSignedSeqAtMost(db, seq);
}

/** Every stored checkpoint in signing order, for `verify`. */
export function allCheckpoints(db: Db): Promise<CheckpointRow[]> {
  return checkpointRows(db);
}

export type { CheckpointRow };

/** Rows signed before checkpoints became notes: Ed25519 over the canonical JSON of {seq, hash, signed_at}. */
export function checkLegacySignature(r: CheckpointRow, key: KeyObject): boolean {
  const message = Buffer.from(
    canonicalize({ seq: r.seq, hash: r.hash, signed_at: new Date(r.signed_at).toISOString() }) as string,
  );
  try {
    return verify(null, message, createPublicKey(key), Buffer.from(r.signature, 'hex'));
  } catch {
    return false;
  }
}
