// Identifiers. Event ids are time-ordered (UUIDv7 layout) so the unique index stays append-friendly.
import { randomBytes } from 'node:crypto';

// Random bytes come from a pool refilled 4 KiB at a time: one call into the CSPRNG per 256 ids, not per id.
const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let offset = 0;

/** `n` fresh random bytes (a copy: callers may keep or change them). */
export function random(n: number): Buffer {
  if (offset + n > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + n));
  offset += n;
  return out;
}

export function uuidv7(now = Date.now()): string {
  const b = random(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A random public id with a readable prefix: `ses_…`, `dev_…`, `alr_…`. */
export function randomId(prefix: string, bytes = 12): string {
  return `${prefix}_${random(bytes).toString('base64url')}`;
}

/**
 * A public id like `randomId`, with the creation time in front (ms, 10 base-32 digits: 0-9a-v sort alike
 * under every collation), so ids made later sort later and new rows append to the id index instead of
 * landing on a random page. Ids stay opaque: nothing reads the time back.
 */
export function timeOrderedId(prefix: string, bytes = 12, now = Date.now()): string {
  return `${prefix}_${now.toString(32).padStart(10, '0')}${random(bytes).toString('base64url')}`;
}
