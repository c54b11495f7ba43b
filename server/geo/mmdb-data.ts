// The data section of a MaxMind DB file (format 2.0, "Output Data Section"), decoded where it lies on disk
// through FileBlocks. Values come out as mmdb-lib's decoder gives them (maps as plain objects, uint64 and
// uint128 as BigInt, bytes as a Buffer), so a lookup answers what maxmind's Reader answers.
import type { FileBlocks } from './file-blocks.js';

const POINTER = 1;
const EXTENDED = 0;
/** What a pointer of each size adds to its packed value (the format's own offsets). */
const POINTER_BASE = [0, 2048, 526336, 0] as const;

export class MmdbData {
  /** The read position while decoding; one decode at a time (lookups are synchronous). */
  private at = 0;

  /** `start`: the file offset of the data section, where pointers count from. */
  constructor(
    private readonly file: FileBlocks,
    private readonly start: number,
  ) {}

  /** The value at `offset` into the data section. */
  valueAt(offset: number): unknown {
    this.at = this.start + offset;
    return this.value();
  }

  private value(): unknown {
    const { file } = this;
    const ctrl = file.byte(this.at++);
    let type = ctrl >> 5;
    if (type === POINTER) {
      const size = (ctrl >> 3) & 3;
      const packed =
        size === 3 ? file.uint(this.at, 4) : (ctrl & 7) * 256 ** (size + 1) + file.uint(this.at, size + 1);
      const next = this.at + size + 1;
      this.at = this.start + (POINTER_BASE[size] as number) + packed;
      const value = this.value();
      this.at = next;
      return value;
    }
    if (type === EXTENDED) {
      type = file.byte(this.at++) + 7;
      if (type < 8) throw new Error(`invalid extended type at offset ${this.at - 1}`);
    }
    let size = ctrl & 0x1f;
    if (size === 29) size = 29 + file.uint(this.at++, 1);
    else if (size === 30) {
      size = 285 + file.uint(this.at, 2);
      this.at += 2;
    } else if (size === 31) {
      size = 65821 + file.uint(this.at, 3);
      this.at += 3;
    }
    const at = this.at;
    switch (type) {
      case 2: // UTF-8 string
        this.at += size;
        return file.text(at, size);
      case 7: {
        // map
        const map: Record<string, unknown> = {};
        for (let i = 0; i < size; i++) {
          const key = this.value() as string;
          map[key] = this.value();
        }
        return map;
      }
      case 11: {
        // array
        const array = new Array<unknown>(size);
        for (let i = 0; i < size; i++) array[i] = this.value();
        return array;
      }
      case 5: // uint16
      case 6: // uint32
        if (size > 4) throw new Error(`invalid size for unsigned integer: ${size}`);
        this.at += size;
        return file.uint(at, size);
      case 8: // int32: shorter than four bytes it cannot be negative
        this.at += size;
        if (size < 4) return file.uint(at, size);
        return file.uint(at, 4) | 0;
      case 3: // double
        this.at += size;
        return file.bytes(at, 8).readDoubleBE(0);
      case 15: // float
        this.at += size;
        return file.bytes(at, 4).readFloatBE(0);
      case 9: // uint64
      case 10: {
        // uint128
        if (size > 16) throw new Error(`invalid size for big unsigned integer: ${size}`);
        let n = 0n;
        for (let i = 0; i < size; i++) n = (n << 8n) | BigInt(file.byte(at + i));
        this.at += size;
        return n;
      }
      case 14: // boolean: the size is the value, no payload
        return size !== 0;
      case 4: // bytes
        this.at += size;
        return file.bytes(at, size);
      default:
        throw new Error(`unknown type ${type} at offset ${at}`);
    }
  }
}
