// The stored Merkle tree: roots and proofs built from perfect subtrees in SQLite agree with the published
// RFC 6962 vectors and with the shared verifier, for every leaf and every pair of sizes.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { leafHashOf, TreeWriter } from '../../../server/audit/tree.js';
import { verifyConsistency, verifyInclusion } from '../../../shared/tlog/merkle.js';
import { consistencyProofs, inclusionProofs, leafHashes, roots } from '../../shared/tlog/vectors.js';

function tree(leaves: Uint8Array[]) {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE merkle_nodes (id INTEGER PRIMARY KEY NOT NULL, hash BLOB NOT NULL)');
  const w = new TreeWriter(db);
  w.resync();
  for (const l of leaves) w.appendLeaf(Buffer.from(l));
  return { db, w, r: w.reader };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('TreeReader over the published test tree', () => {
  const { r, db } = tree(leafHashes);

  it('should give the published root of every prefix', () => {
    for (let n = 0; n <= 8; n++) expect(hex(r.root(n))).toBe(hex(roots[n] as Uint8Array));
  });

  it('should build the published inclusion and consistency proofs', () => {
    for (const v of inclusionProofs)
      expect(r.inclusionProof(v.index, v.size).map(hex)).toEqual(v.proof.map(hex));
    for (const v of consistencyProofs)
      expect(r.consistencyProof(v.size1, v.size2).map(hex)).toEqual(v.proof.map(hex));
  });

  it('should store only complete subtrees, two nodes per leaf at most on average', () => {
    const n = (db.prepare('SELECT COUNT(*) AS n FROM merkle_nodes').get() as { n: number }).n;
    expect(n).toBe(15);
  });
});

describe('TreeReader at larger sizes', () => {
  const leaves = Array.from({ length: 70 }, (_, i) => leafHashOf(i.toString(16).padStart(64, '0')));
  const { r, w, db } = tree(leaves);

  it('should prove every leaf of every tree size to the shared verifier', async () => {
    for (let size = 1; size <= 70; size += 3) {
      const root = r.root(size);
      for (let i = 0; i < size; i++) {
        expect(await verifyInclusion(i, size, leaves[i] as Buffer, r.inclusionProof(i, size), root)).toBe(
          true,
        );
      }
    }
  });

  it('should prove every older size consistent with every newer one', async () => {
    for (let m = 0; m <= 70; m += 5) {
      for (let n = m; n <= 70; n += 7) {
        expect(await verifyConsistency(m, n, r.root(m), r.root(n), r.consistencyProof(m, n))).toBe(true);
      }
    }
  });

  it('should pick up where it left off after re-reading its frontier from the store', () => {
    const before = r.root(70);
    w.resync();
    expect(w.size()).toBe(70);
    w.appendLeaf(leafHashOf('ff'.repeat(32)));
    const fresh = tree([...leaves, leafHashOf('ff'.repeat(32))]);
    expect(hex(r.root(71))).toBe(hex(fresh.r.root(71)));
    expect(hex(r.root(70))).toBe(hex(before));
    const ids = (db.prepare('SELECT id FROM merkle_nodes ORDER BY rowid').all() as { id: number }[]).map(
      (x) => x.id,
    );
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });
});
