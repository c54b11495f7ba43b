// A MaxMind DB file read in place: the search tree and the records both stay on disk and are read through
// one small cache of 4 KiB blocks (FileBlocks), so a lookup costs a few block reads the first time and
// memory reads after. maxmind's Reader needs the whole file in one Buffer, and the bundled DB-IP files are
// 60-70 MB each; holding their data sections alone was 31 MB in every thread that looks up. Records are
// decoded by MmdbData to the same values mmdb-lib's decoder (maxmind's) gives.

import { createRequire } from 'node:module';
import ipaddr from 'ipaddr.js';
import type { Metadata } from 'mmdb-lib/lib/metadata.js';
import { FileBlocks } from './file-blocks.js';
import { MmdbData } from './mmdb-data.js';

// mmdb-lib is CommonJS with `exports.default`; require gives the same shape under Node and under vitest.
const require = createRequire(import.meta.url);
const { parseMetadata } = require('mmdb-lib/lib/metadata.js') as typeof import('mmdb-lib/lib/metadata.js');

/** The metadata section is at most 128 KiB from the end of the file (the format's own bound). */
const METADATA_MAX = 128 * 1024;
const DATA_SECTION_SEPARATOR = 16;

export interface MmdbFileOptions {
  /** Blocks kept in memory (4 KiB each, 512 by default: 2 MiB); the root's are read on every lookup. */
  cacheBlocks?: number;
  /** Decoded records kept, by where they are in the data section (4096 by default). */
  cacheRecords?: number;
}

export class MmdbFile {
  readonly metadata: Metadata;
  private readonly file: FileBlocks;
  private readonly data: MmdbData;
  private readonly ipv4Start: number;
  /**
   * IPv4: the node (or record) each /16 leads to, filled as /16s are first looked up; 0 is "not yet" (the
   * root, which a sound tree never points back to, and which is only walked again if it does). The top
   * sixteen levels lie on scattered blocks, so starting at the /16's node saves most of a lookup's block
   * reads, for 256 KiB.
   */
  private slash16: Uint32Array | null = null;
  /**
   * Decoded records by data offset, least recently used first. Many networks share one record (a city):
   * 200k lookups of the bundled IPv4 file over 100k users' addresses met 25k records, and a cache of 4096
   * answered 71% of them, each of which would read a data block and decode it. Shared with every caller,
   * as maxmind's Reader shares its own: not to be changed.
   */
  private readonly records = new Map<number, unknown>();
  private readonly recordCapacity: number;

  constructor(path: string, options: MmdbFileOptions = {}) {
    this.file = new FileBlocks(path, options.cacheBlocks ?? 512);
    this.recordCapacity = options.cacheRecords ?? 4096;
    try {
      const { size } = this.file;
      this.metadata = parseMetadata(
        this.file.readOnce(Math.max(0, size - METADATA_MAX), Math.min(size, METADATA_MAX)),
      );
      const { searchTreeSize } = this.metadata;
      if (searchTreeSize + DATA_SECTION_SEPARATOR > size) throw new Error('not a MaxMind DB file: truncated');
      this.data = new MmdbData(this.file, searchTreeSize + DATA_SECTION_SEPARATOR);
      this.ipv4Start = this.findIpv4Start();
    } catch (error) {
      this.file.close();
      throw error;
    }
  }

  /** The record for `ip`, or null when the database has none (as maxmind's `Reader.get`). */
  get(ip: string): unknown {
    const addr = ipaddr.parse(ip);
    const bytes = addr.toByteArray();
    const { nodeCount, ipVersion } = this.metadata;
    if (bytes.length === 16 && ipVersion === 4) return null;
    let node = bytes.length === 4 ? this.ipv4Start : 0;
    let depth = 0;
    if (bytes.length === 4) {
      // The first sixteen bits' walk, once per /16; a record met on the way holds for the whole /16.
      this.slash16 ??= new Uint32Array(65536);
      const prefix = ((bytes[0] as number) << 8) | (bytes[1] as number);
      const known = this.slash16[prefix] as number;
      if (known !== 0) node = known;
      else {
        node = this.walk(bytes, node, 0, 16);
        this.slash16[prefix] = node;
      }
      depth = 16;
    }
    node = this.walk(bytes, node, depth, bytes.length * 8);
    if (node <= nodeCount) return null;
    // A record past the node count points into the data section, counted from its separator.
    const offset = node - nodeCount - DATA_SECTION_SEPARATOR;
    const { records } = this;
    let value = records.get(offset);
    if (value !== undefined) {
      records.delete(offset);
    } else {
      value = this.data.valueAt(offset);
      if (records.size >= this.recordCapacity) records.delete(records.keys().next().value as number);
    }
    records.set(offset, value);
    return value;
  }

  close(): void {
    this.file.close();
    this.records.clear();
  }

  /** The node (or record) reached from `node` at `from` bits by the address's bits up to `to`. */
  private walk(bytes: number[], node: number, from: number, to: number): number {
    const { nodeCount } = this.metadata;
    for (let depth = from; depth < to && node < nodeCount; depth++) {
      const bit = ((bytes[depth >> 3] as number) >> (7 - (depth & 7))) & 1;
      node = this.record(node, bit);
    }
    return node;
  }

  /** IPv4 addresses in an IPv6 tree live under ::/96 (96 zero bits from the root). */
  private findIpv4Start(): number {
    if (this.metadata.ipVersion === 4) return 0;
    let node = 0;
    for (let i = 0; i < 96 && node < this.metadata.nodeCount; i++) node = this.record(node, 0);
    return node;
  }

  /** The left (0) or right (1) record of a tree node. */
  private record(node: number, side: number): number {
    const { file } = this;
    const at = node * this.metadata.nodeByteSize;
    switch (this.metadata.recordSize) {
      case 24:
        return file.uint(at + side * 3, 3);
      case 28: {
        // The middle byte holds the high nibble of each record: left in its top half, right in its bottom.
        const middle = file.byte(at + 3);
        return side
          ? (middle & 0x0f) * 0x1000000 + file.uint(at + 4, 3)
          : (middle >> 4) * 0x1000000 + file.uint(at, 3);
      }
      default:
        return file.uint(at + side * 4, 4);
    }
  }
}
