// A read-only file seen through a small cache of 4 KiB blocks: what the MaxMind DB reader reads its search
// tree and its records through, so neither has to be held in memory whole. The cache is a CLOCK over typed
// arrays (a second chance for each block read since the hand last passed) rather than an LRU Map: a lookup
// walks some twenty tree nodes, and a Map's delete and re-insert on each cost more than the reads it saved.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export const BLOCK = 4096;

export class FileBlocks {
  readonly size: number;
  private readonly fd: number;
  private readonly slab: Buffer;
  private readonly capacity: number;
  /** Block index → its slot in `slab`, or -1. */
  private readonly slotOf: Int32Array;
  /** Slot → the block it holds, or -1. */
  private readonly blockOf: Int32Array;
  /** Slot → read since the clock hand last passed it. */
  private readonly referenced: Uint8Array;
  private filled = 0;
  private hand = 0;
  /** The block read last, checked before the map: most reads fall in the block of the read before. */
  private lastIndex = -1;
  private lastBase = 0;

  constructor(path: string, capacity: number) {
    this.capacity = Math.max(2, capacity);
    this.slab = Buffer.alloc(this.capacity * BLOCK);
    this.fd = openSync(path, 'r');
    this.size = fstatSync(this.fd).size;
    this.slotOf = new Int32Array(Math.ceil(this.size / BLOCK)).fill(-1);
    this.blockOf = new Int32Array(this.capacity).fill(-1);
    this.referenced = new Uint8Array(this.capacity);
  }

  byte(pos: number): number {
    this.check(pos, 1);
    const index = Math.floor(pos / BLOCK);
    const base = index === this.lastIndex ? this.lastBase : this.load(index);
    return this.slab[base + (pos - index * BLOCK)] as number;
  }

  /** A big-endian unsigned integer of `length` bytes (at most 6). */
  uint(pos: number, length: number): number {
    if (length === 0) return 0;
    const index = Math.floor(pos / BLOCK);
    const from = pos - index * BLOCK;
    if (from + length <= BLOCK) {
      // Inside one block, as nearly every tree record and size is: read in place.
      this.check(pos, length);
      const base = index === this.lastIndex ? this.lastBase : this.load(index);
      return this.slab.readUIntBE(base + from, length);
    }
    let value = 0;
    for (let i = 0; i < length; i++) value = value * 256 + this.byte(pos + i);
    return value;
  }

  /** `length` bytes from `pos`, in a Buffer of their own. */
  bytes(pos: number, length: number): Buffer {
    this.check(pos, length);
    const out = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const at = pos + done;
      const index = Math.floor(at / BLOCK);
      const base = index === this.lastIndex ? this.lastBase : this.load(index);
      const from = at - index * BLOCK;
      const n = Math.min(BLOCK - from, length - done);
      this.slab.copy(out, done, base + from, base + from + n);
      done += n;
    }
    return out;
  }

  /** UTF-8 text of `length` bytes; inside one block it is decoded in place. */
  text(pos: number, length: number): string {
    this.check(pos, length);
    const index = Math.floor(pos / BLOCK);
    const from = pos - index * BLOCK;
    if (from + length > BLOCK) return this.bytes(pos, length).toString('utf8');
    const base = index === this.lastIndex ? this.lastBase : this.load(index);
    return this.slab.toString('utf8', base + from, base + from + length);
  }

  /** Reads straight from the file, past the cache: for the few reads done once (the metadata). */
  readOnce(pos: number, length: number): Buffer {
    this.check(pos, length);
    const buf = Buffer.allocUnsafe(length);
    this.fill(buf, 0, length, pos);
    return buf;
  }

  close(): void {
    closeSync(this.fd);
    this.slotOf.fill(-1);
    this.blockOf.fill(-1);
    this.filled = 0;
    this.lastIndex = -1;
  }

  private check(pos: number, length: number): void {
    if (pos < 0 || length < 0 || pos + length > this.size)
      throw new Error(`not a MaxMind DB file: read past the end (${pos}+${length} of ${this.size})`);
  }

  /** The slab offset of block `index`, read from the file on a miss into the slot the clock hand frees. */
  private load(index: number): number {
    let slot = this.slotOf[index] as number;
    if (slot < 0) {
      slot = this.filled < this.capacity ? this.filled++ : this.evict();
      const start = index * BLOCK;
      this.fill(this.slab, slot * BLOCK, Math.min(BLOCK, this.size - start), start);
      this.slotOf[index] = slot;
      this.blockOf[slot] = index;
    }
    this.referenced[slot] = 1;
    this.lastIndex = index;
    this.lastBase = slot * BLOCK;
    return this.lastBase;
  }

  /** The first slot from the hand not read since the hand last passed (clearing the marks on the way). */
  private evict(): number {
    const { referenced, capacity } = this;
    while (referenced[this.hand]) {
      referenced[this.hand] = 0;
      this.hand = (this.hand + 1) % capacity;
    }
    const slot = this.hand;
    this.hand = (slot + 1) % capacity;
    this.slotOf[this.blockOf[slot] as number] = -1;
    return slot;
  }

  private fill(buf: Buffer, at: number, length: number, position: number): void {
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, at + done, length - done, position + done);
      if (n === 0) throw new Error('not a MaxMind DB file: unexpected end');
      done += n;
    }
  }
}
