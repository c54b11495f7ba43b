// The size budget: the entry hosts load, Lit and English messages included, at most 20 KB min+gzip.
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const BUILT = new URL('../../dist/widget/activity-log.js', import.meta.url);

describe('widget size budget', () => {
  it.skipIf(!existsSync(BUILT))(
    'should keep dist/widget/activity-log.js within 20,000 bytes min+gzip',
    () => {
      const size = gzipSync(readFileSync(BUILT), { level: 9 }).length;
      expect(size).toBeLessThanOrEqual(20_000);
    },
  );
});
