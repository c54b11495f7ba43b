// A MaxMind DB file read in place: the search tree stays on disk and is read a block at a time (the few
// blocks near the root stay cached), only the data section is held in memory. maxmind's Reader needs the
// whole file in one Buffer, and the bundled DB-IP files are 60-70 MB each, almost all of it tree; this keeps
// a server's memory to the data section (12-19 MB) and a small block cache. Records are decoded by
// mmdb-lib's own decoder (maxmind's), so what a lookup returns is what maxmind returns.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import ipaddr from 'ipaddr.js';
import type { Metadata } from 'mmdb-lib/lib/metadata.js';

// mmdb-lib is CommonJS with `exports.default`; require gives the same shape under Node and under vitest.
const require = createRequire(import.meta.url);
const { default: Decoder } = require('mmdb-lib/lib/decoder.js') as typeof import('mmdb-lib/lib/decoder.js');
const { parseMetadata } = require('mmdb-lib/lib/metadata.js') as typeof import('mmdb-lib/lib/metadata.js');

const BLOCK = 4096;
/** The metadata section is at most 128 KiB from the end of the file (the format's own bound). */
const METADATA_MAX = 128 * 1024;
const DATA_SECTION_SEPARATOR = 16;

export interface MmdbFileOptions {
  /** Tree blocks kept in memory (4 KiB each, 1024 by default: 4 MiB); the root's are read on every lookup. */
  cacheBlocks?: number;
}

export class MmdbFile {
  readonly metadata: Metadata;
  private readonly fd: number;
  private readonly data: InstanceType<typeof Decoder>;
  /** Tree block → its slot in `slab`, least recently used first. */
  private readonly slots = new Map<number, number>();
  private readonly slab: Buffer;
  private readonly cacheBlocks: number;
  private readonly node = Buffer.alloc(8);
  private readonly ipv4Start: number;

  constructor(path: string, options: MmdbFileOptions = {}) {
    this.cacheBlocks = Math.max(2, options.cacheBlocks ?? 1024);
    this.slab = Buffer.alloc(this.cacheBlocks * BLOCK);
    this.fd = openSync(path, 'r');
    try {
      const size = fstatSync(this.fd).size;
      const tail = this.read(Math.max(0, size - METADATA_MAX), Math.min(size, METADATA_MAX));
      this.metadata = parseMetadata(tail);
      const { searchTreeSize } = this.metadata;
      if (searchTreeSize + DATA_SECTION_SEPARATOR > size) throw new Error('not a MaxMind DB file: truncated');
      // The data section and what follows it (the metadata, a few KiB): pointers count from its start.
      const section = this.read(searchTreeSize, size - searchTreeSize);
      this.data = new Decoder(section, DATA_SECTION_SEPARATOR);
      this.ipv4Start = this.findIpv4Start();
    } catch (error) {
      closeSync(this.fd);
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
    const bits = bytes.length * 8;
    for (let depth = 0; depth < bits && node < nodeCount; depth++) {
      const bit = ((bytes[depth >> 3] as number) >> (7 - (depth & 7))) & 1;
      node = this.record(node, bit);
    }
    if (node <= nodeCount) return null;
    return this.data.decodeFast(node - nodeCount).value;
  }

  close(): void {
    closeSync(this.fd);
    this.slots.clear();
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
    const size = this.metadata.nodeByteSize;
    const offset = node * size;
    const first = Math.floor(offset / BLOCK);
    let buf: Buffer;
    let at: number;
    if (offset + size <= (first + 1) * BLOCK) {
      buf = this.slab;
      at = this.slot(first) * BLOCK + (offset - first * BLOCK);
    } else {
      // A node across two blocks: its two halves copied side by side.
      const head = (first + 1) * BLOCK - offset;
      this.slab.copy(
        this.node,
        0,
        this.slot(first) * BLOCK + (BLOCK - head),
        this.slot(first) * BLOCK + BLOCK,
      );
      const second = this.slot(first + 1) * BLOCK;
      this.slab.copy(this.node, head, second, second + size - head);
      buf = this.node;
      at = 0;
    }
    switch (this.metadata.recordSize) {
      case 24:
        return side ? buf.readUIntBE(at + 3, 3) : buf.readUIntBE(at, 3);
      case 28:
        return side
          ? (((buf[at + 3] as number) & 0x0f) << 24) | buf.readUIntBE(at + 4, 3)
          : (((buf[at + 3] as number) & 0xf0) << 20) | buf.readUIntBE(at, 3);
      default:
        return side ? buf.readUInt32BE(at + 4) : buf.readUInt32BE(at);
    }
  }

  /**
   * The slab slot holding tree block `index`, read from the file on a miss into the least recently used
   * slot. One slab for the cache, so a miss allocates nothing.
   */
  private slot(index: number): number {
    const hit = this.slots.get(index);
    if (hit !== undefined) {
      // Most recently used last, so the oldest is the first key.
      this.slots.delete(index);
      this.slots.set(index, hit);
      return hit;
    }
    let slot: number;
    if (this.slots.size < this.cacheBlocks) slot = this.slots.size;
    else {
      const [oldest, free] = this.slots.entries().next().value as [number, number];
      this.slots.delete(oldest);
      slot = free;
    }
    const start = index * BLOCK;
    const length = Math.min(BLOCK, this.metadata.searchTreeSize - start);
    this.readInto(this.slab, slot * BLOCK, length, start);
    this.slots.set(index, slot);
    return slot;
  }

  private read(position: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    this.readInto(buf, 0, length, position);
    return buf;
  }

  private readInto(buf: Buffer, at: number, length: number, position: number): void {
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, at + done, length - done, position + done);
      if (n === 0) throw new Error('not a MaxMind DB file: unexpected end');
      done += n;
    }
  }
}
