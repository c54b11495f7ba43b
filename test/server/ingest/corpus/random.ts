// Seeded randomness for the corpora: the same inputs on every run, and no secret-looking literal in the
// repository — values are generated from shapes at test time.

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  /** Characters from an alphabet. */
  chars(alphabet: string, n: number): string;
  /**
   * Fills a template: `{A:36}` is 36 characters of alphabet A (see ALPHABETS), `{$}` a dollar sign,
   * everything else is literal.
   */
  fill(template: string): string;
}

export const ALPHABETS: Record<string, string> = {
  A: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  a: 'abcdefghijklmnopqrstuvwxyz0123456789',
  U: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  h: '0123456789abcdef',
  H: '0123456789ABCDEF',
  d: '0123456789',
  l: 'abcdefghijklmnopqrstuvwxyz',
  L: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  u: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-',
  b: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  '2': 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
  z: 'abcdefghijklmnopqrstuvwxyz234567',
  B: 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L',
  C: '0123456789ABCDEFGHJKMNPQRSTVWXYZ', // Crockford's base32
  c: './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
};

/** mulberry32: small, fast, good enough to spread test inputs. */
export function rng(seed: number): Rng {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const chars = (alphabet: string, n: number) => {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[int(alphabet.length)];
    return out;
  };
  const r: Rng = {
    next,
    int,
    pick: (items) => items[int(items.length)]!,
    chars,
    fill: (template) =>
      template.replace(/\{(\w):(\d+)\}|\{\$\}/g, (_, a: string | undefined, n: string) => {
        if (a === undefined) return '$';
        const alphabet = ALPHABETS[a];
        if (!alphabet) throw new Error(`no alphabet ${a}`);
        // Random keys of the mixed alphabets always mix: at least one digit and both cases where they can.
        for (;;) {
          const v = chars(alphabet, Number(n));
          if (Number(n) < 12 || !/[A-Z]/.test(alphabet) || !/[a-z]/.test(alphabet)) return v;
          if (/[A-Z]/.test(v) && /[a-z]/.test(v) && (/\d/.test(v) || !/\d/.test(alphabet))) return v;
        }
      }),
  };
  return r;
}

/** Completes a number with a Luhn check digit. */
export function withLuhn(body: string): string {
  for (let d = 0; d < 10; d++) {
    const candidate = body + d;
    let sum = 0;
    let double = false;
    for (let i = candidate.length - 1; i >= 0; i--) {
      let v = candidate.charCodeAt(i) - 48;
      if (double) {
        v *= 2;
        if (v > 9) v -= 9;
      }
      sum += v;
      double = !double;
    }
    if (sum % 10 === 0) return candidate;
  }
  throw new Error('unreachable');
}

/** An IBAN for a country and BBAN, with its check digits computed (ISO 13616, mod 97). */
export function iban(country: string, bban: string): string {
  const digits = `${bban}${country}00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const ch of digits) rest = (rest * 10 + Number(ch)) % 97;
  return `${country}${String(98 - rest).padStart(2, '0')}${bban}`;
}

/** A US SSN that follows the issuing rules (area not 000/666/9xx, group not 00, serial not 0000). */
export function ssn(r: Rng): [string, string, string] {
  let area = 0;
  while (area === 0 || area === 666) area = 1 + r.int(898);
  return [
    String(area).padStart(3, '0'),
    String(1 + r.int(99)).padStart(2, '0'),
    String(1 + r.int(9999)).padStart(4, '0'),
  ];
}

/** An ISBN-13 with a valid check digit. */
export function isbn13(r: Rng): string {
  const body = `978${r.chars(ALPHABETS.d!, 9)}`;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (i % 2 === 0 ? 1 : 3) * Number(body[i]);
  return body + ((10 - (sum % 10)) % 10);
}
