// RFC 6962 / RFC 9162 §2.1 Merkle tree hashing and proof verification, on WebCrypto SHA-256.
import { concat, equalBytes, sha256 } from './bytes.js';
import { TlogError } from './errors.js';

const LEAF = new Uint8Array([0]);
const NODE = new Uint8Array([1]);

export function leafHash(data: Uint8Array): Promise<Uint8Array> {
  return sha256(concat(LEAF, data));
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(concat(NODE, left, right));
}

function checkSize(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new TlogError(`${name} must be a non-negative integer`);
}

function checkHash(name: string, h: Uint8Array): void {
  if (!(h instanceof Uint8Array) || h.length !== 32) throw new TlogError(`${name} must be 32 bytes`);
}

/** MTH over leaf hashes; the empty tree's root is SHA-256 of nothing. */
export async function merkleRoot(leafHashes: Uint8Array[]): Promise<Uint8Array> {
  if (leafHashes.length === 0) return sha256(new Uint8Array(0));
  // Fold leaves into perfect subtrees (a stack of right-edge roots), then join them right to left.
  const stack: { size: number; hash: Uint8Array }[] = [];
  for (const h of leafHashes) {
    let node = { size: 1, hash: h };
    while (stack.length > 0 && (stack[stack.length - 1] as { size: number }).size === node.size) {
      const left = stack.pop() as { size: number; hash: Uint8Array };
      node = { size: left.size * 2, hash: await nodeHash(left.hash, node.hash) };
    }
    stack.push(node);
  }
  let root = (stack.pop() as { hash: Uint8Array }).hash;
  while (stack.length > 0) root = await nodeHash((stack.pop() as { hash: Uint8Array }).hash, root);
  return root;
}

const odd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);

/** RFC 9162 §2.1.3.2: the root an inclusion proof leads to. Throws when the proof has the wrong shape. */
export async function rootFromInclusionProof(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: Uint8Array[],
): Promise<Uint8Array> {
  checkSize('index', index);
  checkSize('size', size);
  if (index >= size) throw new TlogError(`leaf index ${index} is not below tree size ${size}`);
  checkHash('leaf hash', leaf);
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    checkHash('proof hash', p);
    if (sn === 0) throw new TlogError('inclusion proof is too long');
    if (odd(fn) || fn === sn) {
      r = await nodeHash(p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new TlogError('inclusion proof is too short');
  return r;
}

/** True when `proof` shows the leaf hash at `index` in the tree of `size` leaves with this root. */
export async function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: Uint8Array[],
  root: Uint8Array,
): Promise<boolean> {
  checkSize('index', index);
  checkSize('size', size);
  try {
    return equalBytes(await rootFromInclusionProof(index, size, leaf, proof), root);
  } catch (e) {
    if (e instanceof TlogError) return false;
    throw e;
  }
}

/** RFC 9162 §2.1.4.2: true when the tree of size2 with root2 extends the tree of size1 with root1. */
export async function verifyConsistency(
  size1: number,
  size2: number,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: Uint8Array[],
): Promise<boolean> {
  checkSize('size1', size1);
  checkSize('size2', size2);
  if (size1 > size2) return false;
  if (size1 === size2) return proof.length === 0 && equalBytes(root1, root2);
  if (size1 === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  for (const p of proof) if (!(p instanceof Uint8Array) || p.length !== 32) return false;
  // When size1 is a power of two, the old root is itself a node of the new tree and starts the path.
  const path = powerOfTwo(size1) ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0] as Uint8Array;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equalBytes(fr, root1) && equalBytes(sr, root2);
}

function powerOfTwo(n: number): boolean {
  let x = n;
  while (x > 1 && x % 2 === 0) x /= 2;
  return x === 1;
}
