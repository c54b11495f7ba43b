// A small transparency log built in the test with node:crypto, independently of shared/tlog: chained events
// (the server's own chain hash), an RFC 6962 tree, inclusion and consistency proofs (RFC 9162 PATH and
// PROOF) and C2SP signed notes.
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { type EventRow, GENESIS, rowHash } from '../../server/audit/chain.js';
import type { ActivityItem, ActivityProof } from '../../shared/api.js';

const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const leafHash = (data: Buffer) => sha(Buffer.of(0), data);
const nodeHash = (l: Buffer, r: Buffer) => sha(Buffer.of(1), l, r);

function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function root(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0] as Buffer;
  const k = split(leaves.length);
  return nodeHash(root(leaves.slice(0, k)), root(leaves.slice(k)));
}

function path(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  return m < k
    ? [...path(m, leaves.slice(0, k)), root(leaves.slice(k))]
    : [...path(m - k, leaves.slice(k)), root(leaves.slice(0, k))];
}

/** RFC 9162 §2.1.4.1 SUBPROOF. */
function subproof(m: number, leaves: Buffer[], whole: boolean): Buffer[] {
  const n = leaves.length;
  if (m === n) return whole ? [] : [root(leaves)];
  const k = split(n);
  return m <= k
    ? [...subproof(m, leaves.slice(0, k), whole), root(leaves.slice(k))]
    : [...subproof(m - k, leaves.slice(k), false), root(leaves.slice(0, k))];
}

export interface Signer {
  name: string;
  vkey: string;
  privateKey: KeyObject;
  /** The key id: first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key). */
  keyId: Buffer;
}

export function signer(name = 'localhost/receipts'): Signer {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
  const id = sha(Buffer.from(`${name}\n`), Buffer.of(1), raw).subarray(0, 4);
  const vkey = `${name}+${id.toString('hex')}+${Buffer.concat([Buffer.of(1), raw]).toString('base64')}`;
  return { name, privateKey, keyId: id, vkey };
}

/** A C2SP signed note over a tlog-checkpoint body. */
export function signNote(body: string, by: Signer): string {
  const signature = sign(null, Buffer.from(body), by.privateKey);
  return `${body}\n— ${by.name} ${Buffer.concat([by.keyId, signature]).toString('base64')}\n`;
}

export interface Log {
  items: ActivityItem[];
  /** The reply of `GET …/activity/:id/proof` for an item, against the checkpoint of `size` leaves. */
  proof(id: string, size?: number): ActivityProof;
  /** `GET /v1/log/consistency?from=&to=`. */
  consistency(from: number, to: number): { from: number; to: number; proof: string[] };
}

/**
 * `n` events in one chain and tree, signed by `by`; items newest first, as the feed shows them. With
 * `forkFrom`, events from that seq on say something else (same ids): a rewritten history.
 */
export function buildLog(n: number, by: Signer, opts: { forkFrom?: number } = {}): Log {
  const rows: EventRow[] = [];
  let prev = GENESIS;
  const start = Date.UTC(2026, 3, 1, 9, 0);
  for (let seq = 1; seq <= n; seq++) {
    const row: Omit<EventRow, 'hash'> = {
      seq,
      id: `evt_${String(seq).padStart(3, '0')}`,
      ts: start + seq * 60_000,
      received_at: start + seq * 60_000 + 5,
      event_type: seq % 3 === 0 ? 'login_failure' : 'login_success',
      level: seq % 3 === 0 ? 'WARNING' : 'INFO',
      outcome: seq % 3 === 0 ? 'failure' : 'success',
      subject: 'sub_x',
      session_ref: null,
      request_id: null,
      resource_type: null,
      resource_id: null,
      action: null,
      metadata:
        opts.forkFrom !== undefined && seq >= opts.forkFrom
          ? '{"rewritten":true}'
          : seq % 2
            ? '{"reason":"invalid_password"}'
            : null,
      pii_commit: null,
      prev_hash: prev,
    };
    const hash = rowHash(row);
    rows.push({ ...row, hash });
    prev = hash;
  }
  const leaves = rows.map((r) => leafHash(Buffer.from(r.hash, 'hex')));
  const checkpoint = (size: number) =>
    signNote(`${by.name}\n${size}\n${root(leaves.slice(0, size)).toString('base64')}\n`, by);
  const items = rows
    .map(
      (r): ActivityItem => ({
        id: r.id,
        timestamp: new Date(r.ts).toISOString(),
        event_type: r.event_type as ActivityItem['event_type'],
        level: r.level as ActivityItem['level'],
        outcome: r.outcome as ActivityItem['outcome'],
        device: null,
        ip: null,
        location: null,
        current: false,
        session: null,
        metadata: null,
      }),
    )
    .reverse();
  return {
    items,
    proof(id, size = n) {
      const index = rows.findIndex((r) => r.id === id);
      const row = rows[index];
      if (!row || index >= size) throw new Error(`no event ${id} in a tree of ${size}`);
      return {
        seq: row.seq,
        leaf_index: index,
        tree_size: size,
        event: { ...row },
        proof: path(index, leaves.slice(0, size)).map((h) => h.toString('base64')),
        checkpoint: checkpoint(size),
      };
    },
    consistency(from, to) {
      const proof = from === 0 ? [] : subproof(from, leaves.slice(0, to), true);
      return { from, to, proof: proof.map((h) => h.toString('base64')) };
    },
  };
}
