// The stored Merkle tree: roots and proofs built from perfect subtrees in SQLite agree with the published
// RFC 6962 vectors and with the shared verifier, for every leaf and every pair of sizes.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { leafHashOf, TreeWriter } from '../../../server/audit/tree.js';
import { SqliteDb } from '../../../server/store/sqlite.js';
import { verifyConsistency, verifyInclusion } from '../../../shared/tlog/merkle.js';
import { consistencyProofs, inclusionProofs, leafHashes, roots } from '../../shared/tlog/vectors.js';

async function tree(leaves: Uint8Array[]) {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE merkle_nodes (id INTEGER PRIMARY KEY NOT NULL, hash BLOB NOT NULL)');
  const store = new SqliteDb(db);
  const w = new TreeWriter();
  await w.resync(store);
  for (const l of leaves) await w.appendLeaf(store, Buffer.from(l));
  const reader = w.reader;
  // The reader over this store, as the routes use it.
  const r = {
    root: (n: number) => reader.root(store, n),
    inclusionProof: (i: number, n: number) => reader.inclusionProof(store, i, n),
    consistencyProof: (m: number, n: number) => reader.consistencyProof(store, m, n),
  };
  return { db, store, w, r };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('TreeReader over the published test tree', async () => {
  const { r, db } = await tree(leafHashes);

  it('should give the published root of every prefix', async () => {
    for (let n = 0; n <= 8; n++) expect(hex(await r.root(n))).toBe(hex(roots[n] as Uint8Array));
  });

  it('should build the published inclusion and consistency proofs', async () => {
    for (const v of inclusionProofs)
      expect((await r.inclusionProof(v.index, v.size)).map(hex)).toEqual(v.proof.map(hex));
    for (const v of consistencyProofs)
      expect((await r.consistencyProof(v.size1, v.size2)).map(hex)).toEqual(v.proof.map(hex));
  });

  it('should store only complete subtrees, two nodes per leaf at most on average', () => {
    const n = (db.prepare('SELECT COUNT(*) AS n FROM merkle_nodes').get() as { n: number }).n;
    expect(n).toBe(15);
  });
});

describe('TreeReader at larger sizes', async () => {
  const leaves = Array.from({ length: 70 }, (_, i) => leafHashOf(i.toString(16).padStart(64, '0')));
  const { r, w, db, store } = await tree(leaves);

  it('should prove every leaf of every tree size to the shared verifier', async () => {
    for (let size = 1; size <= 70; size += 3) {
      const root = await r.root(size);
      for (let i = 0; i < size; i++) {
        expect(
          await verifyInclusion(i, size, leaves[i] as Buffer, await r.inclusionProof(i, size), root),
        ).toBe(true);
      }
    }
  });

  it('should prove every older size consistent with every newer one', async () => {
    for (let m = 0; m <= 70; m += 5) {
      for (let n = m; n <= 70; n += 7) {
        expect(
          await verifyConsistency(m, n, await r.root(m), await r.root(n), await r.consistencyProof(m, n)),
        ).toBe(true);
      }
    }
  });

  it('should pick up where it left off after re-reading its frontier from the store', async () => {
    const before = await r.root(70);
    await w.resync(store);
    expect(w.size()).toBe(70);
    await w.appendLeaf(store, leafHashOf('ff'.repeat(32)));
    const fresh = await tree([...leaves, leafHashOf('ff'.repeat(32))]);
    expect(hex(await r.root(71))).toBe(hex(await fresh.r.root(71)));
    expect(hex(await r.root(70))).toBe(hex(before));
    const ids = (db.prepare('SELECT id FROM merkle_nodes ORDER BY rowid').all() as { id: number }[]).map(
      (x) => x.id,
    );
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });
});
