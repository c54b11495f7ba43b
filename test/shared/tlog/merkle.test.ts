// The Merkle functions against the published RFC 6962 test tree, and against corrupted proofs.
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../shared/tlog/base64.js';
import { TlogError } from '../../../shared/tlog/errors.js';
import {
  leafHash,
  merkleRoot,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '../../../shared/tlog/merkle.js';
import { consistencyProofs, inclusionProofs, leafHashes, leafInputs, roots } from './vectors.js';

const flip = (proof: Uint8Array[], i: number) =>
  proof.map((p, j) => (j === i ? p.map((b, k) => (k === 0 ? b ^ 8 : b)) : p));

describe('leafHash and merkleRoot', () => {
  it('should hash each published leaf input to its published leaf hash', async () => {
    for (const [i, input] of leafInputs.entries()) {
      expect(toHex(await leafHash(input))).toBe(toHex(leafHashes[i] as Uint8Array));
    }
  });

  it('should give the published root for every tree size from 0 to 8', async () => {
    for (let n = 0; n <= 8; n++) {
      expect(toHex(await merkleRoot(leafHashes.slice(0, n)))).toBe(toHex(roots[n] as Uint8Array));
    }
  });
});

describe('verifyInclusion', () => {
  it('should accept every published inclusion proof and lead to the published root', async () => {
    for (const v of inclusionProofs) {
      const leaf = leafHashes[v.index] as Uint8Array;
      const root = roots[v.size] as Uint8Array;
      expect(toHex(await rootFromInclusionProof(v.index, v.size, leaf, v.proof))).toBe(toHex(root));
      expect(await verifyInclusion(v.index, v.size, leaf, v.proof, root)).toBe(true);
    }
  });

  it('should reject a published proof with a wrong index, size, leaf, root or any changed hash', async () => {
    for (const v of inclusionProofs.filter((p) => p.proof.length > 0)) {
      const leaf = leafHashes[v.index] as Uint8Array;
      const root = roots[v.size] as Uint8Array;
      const bad: [number, number, Uint8Array, Uint8Array[], Uint8Array][] = [
        [v.index + 1, v.size, leaf, v.proof, root],
        [v.index ^ 2, v.size, leaf, v.proof, root],
        [v.index, v.size * 2, leaf, v.proof, root],
        [v.index, Math.floor(v.size / 2), leaf, v.proof, root],
        [v.index, v.size, leafHashes[(v.index + 1) % 8] as Uint8Array, v.proof, root],
        [v.index, v.size, leaf, v.proof, roots[0] as Uint8Array],
        [v.index, v.size, leaf, [...v.proof, root], root],
        [v.index, v.size, leaf, [root, ...v.proof], root],
        [v.index, v.size, leaf, v.proof.slice(0, -1), root],
        ...v.proof.map((_, i): [number, number, Uint8Array, Uint8Array[], Uint8Array] => [
          v.index,
          v.size,
          leaf,
          flip(v.proof, i),
          root,
        ]),
      ];
      for (const args of bad) expect(await verifyInclusion(...args)).toBe(false);
    }
  });

  it('should refuse an index at or past the tree size as malformed', async () => {
    await expect(rootFromInclusionProof(1, 1, leafHashes[0] as Uint8Array, [])).rejects.toThrow(TlogError);
    await expect(rootFromInclusionProof(0, 0, leafHashes[0] as Uint8Array, [])).rejects.toThrow(TlogError);
    await expect(rootFromInclusionProof(-1, 4, leafHashes[0] as Uint8Array, [])).rejects.toThrow(TlogError);
  });
});

describe('verifyConsistency', () => {
  it('should accept every published consistency proof between the published roots', async () => {
    for (const v of consistencyProofs) {
      expect(
        await verifyConsistency(
          v.size1,
          v.size2,
          roots[v.size1] as Uint8Array,
          roots[v.size2] as Uint8Array,
          v.proof,
        ),
      ).toBe(true);
    }
  });

  it('should reject a published proof with wrong sizes, swapped roots, a truncated path or a changed hash', async () => {
    for (const v of consistencyProofs.filter((p) => p.proof.length > 0)) {
      const r1 = roots[v.size1] as Uint8Array;
      const r2 = roots[v.size2] as Uint8Array;
      const bad: [number, number, Uint8Array, Uint8Array, Uint8Array[]][] = [
        [v.size1 - 1, v.size2, r1, r2, v.proof],
        [v.size1 + 1, v.size2, r1, r2, v.proof],
        [v.size1 ^ 2, v.size2, r1, r2, v.proof],
        [v.size1, v.size2 * 2, r1, r2, v.proof],
        [v.size1, Math.floor(v.size2 / 2), r1, r2, v.proof],
        [v.size1, v.size2, fromHex('00'.repeat(32)), r2, v.proof],
        [v.size1, v.size2, r1, fromHex('00'.repeat(32)), v.proof],
        [v.size1, v.size2, r2, r1, v.proof],
        [v.size1, v.size2, r1, r2, []],
        [v.size1, v.size2, r1, r2, [...v.proof, r1]],
        [v.size1, v.size2, r1, r2, [r2, ...v.proof]],
        [v.size1, v.size2, r1, r2, v.proof.slice(0, -1)],
        ...v.proof.map((_, i): [number, number, Uint8Array, Uint8Array, Uint8Array[]] => [
          v.size1,
          v.size2,
          r1,
          r2,
          flip(v.proof, i),
        ]),
      ];
      for (const args of bad) expect(await verifyConsistency(...args)).toBe(false);
    }
  });

  it('should treat equal sizes, an empty old tree and a shrink as RFC 9162 does', async () => {
    const empty = roots[0] as Uint8Array;
    const r1 = roots[1] as Uint8Array;
    expect(await verifyConsistency(0, 0, empty, empty, [])).toBe(true);
    expect(await verifyConsistency(0, 1, empty, r1, [])).toBe(true);
    expect(await verifyConsistency(1, 1, r1, r1, [])).toBe(true);
    expect(await verifyConsistency(1, 1, r1, empty, [])).toBe(false);
    expect(await verifyConsistency(1, 1, r1, r1, [empty])).toBe(false);
    expect(await verifyConsistency(0, 1, empty, r1, [empty])).toBe(false);
    expect(await verifyConsistency(2, 1, roots[2] as Uint8Array, r1, [])).toBe(false);
  });
});
