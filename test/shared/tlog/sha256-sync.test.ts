// The synchronous SHA-256 that checks verifier key ids agrees with the platform's on every padding edge.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../shared/tlog/base64.js';
import { sha256Sync } from '../../../shared/tlog/sha256-sync.js';

describe('sha256Sync', () => {
  it('should match SHA-256 for lengths around each block boundary', () => {
    for (const n of [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000]) {
      const data = new Uint8Array(n).map((_, i) => (i * 31 + n) & 255);
      expect(toHex(sha256Sync(data))).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });
});
