// Numbers that are secrets in whatever spelling people type them: card numbers (Luhn), IBANs (mod 97),
// US social security numbers. Separators may be spaces, dashes or dots.
import { ibanValid, luhnValid, ssnValid } from './checksums.js';

// Standing apart from letters: digits inside a hex id or a longer token are not a card number.
const CARD_CANDIDATE = /(?<![\dA-Za-z.,])\d(?:[ .-]?\d){12,18}(?![\dA-Za-z])/g;
// Issuer ranges: Visa, Mastercard (51–55, 2221–2720), Amex, Diners, JCB, Discover, UnionPay, Maestro, Mir, RuPay.
const CARD_PREFIX = /^(4|5[0-8]|2[2-7]|3[0-9]|6|8[12])/;

export function isCardNumber(digits: string): boolean {
  return digits.length >= 13 && digits.length <= 19 && CARD_PREFIX.test(digits) && luhnValid(digits);
}

function cardGrouping(sizes: number[]): boolean {
  const shape = sizes.join('-');
  if (shape === '4-6-5' || shape === '4-6-4') return true;
  return sizes.slice(0, -1).every((n) => n === 4) && sizes[sizes.length - 1]! <= 4;
}

export function containsCard(text: string): boolean {
  if (!/\d{4}/.test(text.replace(/[ .-]/g, ''))) return false;
  for (const match of text.matchAll(CARD_CANDIDATE)) {
    const raw = match[0];
    // One kind of separator throughout, in the groups printed on cards (4-4-4-4, Amex 4-6-5, Diners 4-6-4),
    // so the digit groups of a UUID or a date are not read as one number.
    const seps = new Set(raw.replace(/\d/g, ''));
    if (seps.size > 1) continue;
    if (seps.size === 1 && !cardGrouping(raw.split(/[ .-]/).map((g) => g.length))) continue;
    if (isCardNumber(raw.replace(/\D/g, ''))) return true;
  }
  return false;
}

// IBAN length per country (ISO 13616 registry).
const IBAN_LENGTH: Record<string, number> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MR: 27,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SC: 31,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
};
// Not inside an identifier ("session-ad12…"): what stands before an IBAN is a space, punctuation or "=".
const IBAN_START = /(?<![A-Z0-9_-])([A-Z]{2})\d{2}/g;

/** An IBAN, compact or in groups of four separated by spaces or dashes, with a valid check number. */
export function containsIban(text: string): boolean {
  const upper = text.toUpperCase();
  for (const match of upper.matchAll(IBAN_START)) {
    const length = IBAN_LENGTH[match[1]!];
    if (!length) continue;
    let compact = '';
    let group = 0;
    let grouped = true; // separated, if at all, in groups of four
    let i = match.index;
    for (; i < upper.length && compact.length < length; i++) {
      const ch = upper[i]!;
      if (/[A-Z0-9]/.test(ch)) {
        compact += ch;
        group++;
      } else if ((ch === ' ' || ch === '-') && /[A-Z0-9]/.test(upper[i + 1] ?? '')) {
        if (group !== 4) grouped = false;
        group = 0;
      } else break;
    }
    const separated = compact.length < i - match.index;
    // It must end there: the start of a longer token (a hex id) is not an IBAN.
    if (compact.length !== length || /[A-Z0-9]/.test(upper[i] ?? '')) continue;
    if (separated && (!grouped || group > 4)) continue;
    if (ibanValid(compact)) return true;
  }
  return false;
}

// Three, two and four digits split twice by the same separator: a dash, a space or a dot.
const SSN = /(?<![\dA-Za-z.-])(\d{3})([ .-])(\d{2})\2(\d{4})(?![\dA-Za-z]|[.-]\d)/g;
// "SSN", "tax id" or "social security number" just before nine digits makes them an SSN.
const SSN_NAMED =
  /\b(?:ssn|ss#|social security(?: number| no\.?)?|tax ?id|tin|itin|taxpayer id)\b\W{0,6}(\d{3}[ .-]?\d{2}[ .-]?\d{4})(?!\d)/i;

export function containsSsn(text: string): boolean {
  for (const m of text.matchAll(SSN)) if (ssnValid(m[1]! + m[3]! + m[4]!)) return true;
  const named = SSN_NAMED.exec(text);
  return named !== null && ssnValid(named[1]!.replace(/\D/g, ''));
}

export function containsSecretNumber(text: string): boolean {
  return /\d/.test(text) && (containsCard(text) || containsIban(text) || containsSsn(text));
}
