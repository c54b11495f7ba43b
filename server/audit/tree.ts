// The RFC 6962 Merkle tree beside the chain, over `merkle_nodes`: only complete subtrees are stored, keyed
// `lastLeafIndex * 64 + level`, so the writer appends in ascending key order and nothing is ever rewritten.
// Any subtree hash, and so any root or proof, comes from O(log n) stored nodes.
import { createHash, hash } from 'node:crypto';
import { hashesAfter } from '../store/events.js';
import type { Db } from '../store/sql.js';
import { insertNodes, lastNodeId, nodesById } from '../store/tree.js';

export const EMPTY_ROOT = createHash('sha256').digest();

// One-shot hashing over one buffer: about twice as fast as createHash() with several updates, and the
// writer does this for every event.
export function leafHashOf(chainHash: string): Buffer {
  // Zeroed, so a malformed hash (from a tampered store) still hashes to the same wrong leaf every time.
  const input = Buffer.alloc(33);
  input.write(chainHash, 1, 'hex');
  return hash('sha256', input, 'buffer');
}

export function nodeHashOf(left: Buffer, right: Buffer): Buffer {
  const input = Buffer.allocUnsafe(1 + left.length + right.length);
  input[0] = 1;
  left.copy(input, 1);
  right.copy(input, 1 + left.length);
  return hash('sha256', input, 'buffer');
}

export const nodeKey = (lastLeaf: number, level: number) => lastLeaf * 64 + level;

/** Largest power of two strictly below n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The tree's arithmetic over a synchronous node lookup. Which nodes a root or a proof needs depends only on
 * the sizes, never on the hashes, so `TreeReader` runs it once to learn the keys, fetches them all in one
 * read, and runs it again on what it fetched.
 */
class TreeMath {
  constructor(private readonly lookup: (lastLeaf: number, level: number) => Buffer) {}

  /** MTH of leaves [start, end); memo keeps a proof's shared right-edge subtrees to one computation each. */
  range(start: number, end: number, memo = new Map<string, Buffer>()): Buffer {
    const n = end - start;
    if (n <= 0) return EMPTY_ROOT;
    // log2 is exact for powers of two (and not an integer otherwise), at any safe size.
    const level = Math.log2(n);
    if (Number.isInteger(level) && start % n === 0) return this.lookup(end - 1, level);
    const key = `${start}:${end}`;
    const hit = memo.get(key);
    if (hit) return hit;
    const k = split(n);
    const h = nodeHashOf(this.range(start, start + k, memo), this.range(start + k, end, memo));
    memo.set(key, h);
    return h;
  }

  root(size: number): Buffer {
    return size === 0 ? EMPTY_ROOT : this.range(0, size);
  }

  /** RFC 9162 §2.1.3.1 PATH(index, D[0:size]), leaf-side first. */
  inclusionProof(index: number, size: number): Buffer[] {
    if (!(index >= 0 && index < size)) throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
    const memo = new Map<string, Buffer>();
    const path: Buffer[] = [];
    let start = 0;
    let end = size;
    let m = index;
    while (end - start > 1) {
      const k = split(end - start);
      if (m < k) {
        path.push(this.range(start + k, end, memo));
        end = start + k;
      } else {
        path.push(this.range(start, start + k, memo));
        start += k;
        m -= k;
      }
    }
    return path.reverse();
  }

  /** RFC 9162 §2.1.4.1 PROOF(from, D[0:to]). */
  consistencyProof(from: number, to: number): Buffer[] {
    if (!(from >= 0 && from <= to)) throw new RangeError(`cannot prove ${from} → ${to}`);
    if (from === 0 || from === to) return [];
    const memo = new Map<string, Buffer>();
    const path: Buffer[] = [];
    let start = 0;
    let end = to;
    let m = from;
    let whole = true;
    while (m !== end - start) {
      const k = split(end - start);
      if (m <= k) {
        path.push(this.range(start + k, end, memo));
        end = start + k;
      } else {
        path.push(this.range(start, start + k, memo));
        start += k;
        m -= k;
        whole = false;
      }
    }
    if (!whole) path.push(this.range(start, end, memo));
    return path.reverse();
  }

  /** Right-edge subtree roots of a tree of `size` leaves, largest first: what the writer extends. */
  frontier(size: number): { level: number; hash: Buffer }[] {
    const out: { level: number; hash: Buffer }[] = [];
    let start = 0;
    for (let level = 52; level >= 0; level--) {
      const width = 2 ** level;
      if (size - start >= width) {
        out.push({ level, hash: this.lookup(start + width - 1, level) });
        start += width;
      }
    }
    return out;
  }
}

type Computation<T> = (math: TreeMath) => T;

const PLACEHOLDER = Buffer.alloc(32);

export class TreeReader {
  /** Leaves stored: the last node written is always on the newest leaf's path. */
  async size(db: Db): Promise<number> {
    const last = await lastNodeId(db);
    return last === null ? 0 : Math.floor(last / 64) + 1;
  }

  /** Runs a computation over the stored nodes it needs, read in one round trip. */
  private async compute<T>(db: Db, run: Computation<T>): Promise<T> {
    const keys = new Set<number>();
    run(
      new TreeMath((lastLeaf, level) => {
        keys.add(nodeKey(lastLeaf, level));
        return PLACEHOLDER;
      }),
    );
    const nodes = await nodesById(db, [...keys]);
    return run(
      new TreeMath((lastLeaf, level) => {
        const hash = nodes.get(nodeKey(lastLeaf, level));
        if (!hash) throw new Error(`merkle node ${lastLeaf}/${level} is missing`);
        return hash;
      }),
    );
  }

  root(db: Db, size: number): Promise<Buffer> {
    return this.compute(db, (m) => m.root(size));
  }

  inclusionProof(db: Db, index: number, size: number): Promise<Buffer[]> {
    if (!(index >= 0 && index < size))
      return Promise.reject(new RangeError(`leaf ${index} is not in a tree of ${size}`));
    return this.compute(db, (m) => m.inclusionProof(index, size));
  }

  consistencyProof(db: Db, from: number, to: number): Promise<Buffer[]> {
    if (!(from >= 0 && from <= to)) return Promise.reject(new RangeError(`cannot prove ${from} → ${to}`));
    return this.compute(db, (m) => m.consistencyProof(from, to));
  }

  frontier(db: Db, size: number): Promise<{ level: number; hash: Buffer }[]> {
    return this.compute(db, (m) => m.frontier(size));
  }
}

/** Appends leaves and the parents they complete; the caller runs it inside the event's transaction. */
export class TreeWriter {
  readonly reader = new TreeReader();
  private frontier: { level: number; hash: Buffer }[] = [];
  private leaves = 0;

  size(): number {
    return this.leaves;
  }

  /** Re-reads the frontier from the store (after a rollback, or another process's commit). */
  async resync(db: Db): Promise<void> {
    this.leaves = await this.reader.size(db);
    this.frontier = await this.reader.frontier(db, this.leaves);
  }

  append(db: Db, chainHash: string): Promise<void> {
    return this.appendLeaf(db, leafHashOf(chainHash));
  }

  async appendLeaf(db: Db, leafHash: Buffer): Promise<void> {
    await insertNodes(db, this.extend(leafHash));
  }

  /**
   * Adds a leaf to the in-memory frontier and returns the nodes to store: the leaf and the parents it
   * completes, in ascending id order. The audit writer stores them with the event, in the same flush.
   */
  extend(leafHash: Buffer): { id: number; hash: Buffer }[] {
    const index = this.leaves;
    let hash = leafHash;
    let level = 0;
    const nodes = [{ id: nodeKey(index, 0), hash }];
    let top = this.frontier[this.frontier.length - 1];
    while (top && top.level === level) {
      this.frontier.pop();
      hash = nodeHashOf(top.hash, hash);
      level++;
      nodes.push({ id: nodeKey(index, level), hash });
      top = this.frontier[this.frontier.length - 1];
    }
    this.frontier.push({ level, hash });
    this.leaves = index + 1;
    return nodes;
  }

  /**
   * Adds the leaves of events the tree does not cover yet (a store from before the tree). Returns how many.
   * Call inside a write transaction; events pruned before the tree existed cannot be recovered.
   */
  async catchUp(db: Db, headSeq: number): Promise<number> {
    const from = this.leaves;
    if (from >= headSeq) return 0;
    for (
      let rows = await hashesAfter(db, from, headSeq, 10_000);
      rows.length > 0;
      rows = await hashesAfter(db, this.leaves, headSeq, 10_000)
    ) {
      for (const row of rows) {
        if (row.seq !== this.leaves + 1)
          throw new Error(
            `cannot build the Merkle tree: event ${this.leaves + 1} was pruned before the tree existed`,
          );
        await this.append(db, row.hash);
      }
    }
    if (this.leaves !== headSeq) throw new Error(`cannot build the Merkle tree up to seq ${headSeq}`);
    return headSeq - from;
  }
}
