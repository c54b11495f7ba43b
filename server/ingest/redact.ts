// Never store a secret: secret-named keys and secret-looking values are replaced before anything is written.
// The rules are fixed here at start-up, never built from input.
import { keyNames } from './key-names.js';

export const REDACTED = '[redacted]';

// Compared against the key with separators removed and lower-cased ("api-Key" → "apikey").
const SECRET_KEY_PARTS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'authorization',
  'cookie',
  'apikey',
  'accesskey',
  'privatekey',
  'signingkey',
  'credential',
  'cardnumber',
  'creditcard',
  'debitcard',
  'securitycode',
  'socialsecurity',
  'passport',
  'iban',
  'accountnumber',
  'bankaccount',
  'routingnumber',
  'sessionid',
  'mfacode',
];
// Short names match only as a whole word of the key ("pin" but not "shipping").
const SECRET_KEY_WORDS = new Set([
  'pwd',
  'pin',
  'otp',
  'cvv',
  'cvc',
  'cvv2',
  'ssn',
  'card',
  'pan',
  'jwt',
  'auth',
  'sid',
]);

export const isSecretKey = keyNames({ parts: SECRET_KEY_PARTS, words: SECRET_KEY_WORDS });

const SECRET_VALUE_PATTERNS: RegExp[] = [
  /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/, // JWT / JWS
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/, // PEM and PGP private keys
  /\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{8,}/i, // Authorization header values
  /\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b/, // US SSN
  /\b(sk|pk|rk)_(live|test)_[A-Za-z0-9]{10,}/, // Stripe
  /\b(AKIA|ASIA)[0-9A-Z]{16}\b/, // AWS access key id
  /\bgh[pousr]_[A-Za-z0-9]{30,}/, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{20,}/,
  /\bglpat-[A-Za-z0-9_-]{20,}/, // GitLab
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/, // Slack
  /\bAIza[0-9A-Za-z_-]{35}\b/, // Google API key
  /\bsk-(proj-)?[A-Za-z0-9_-]{20,}/, // OpenAI-style
  /\bnpm_[A-Za-z0-9]{36}\b/,
  /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/, // SendGrid
  /\bwhsec_[A-Za-z0-9+/=]{16,}/, // webhook secrets
  /\brcpt_(ik|ak)_[A-Za-z0-9_-]{16,}/, // our own ingest and admin keys
  /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i, // credentials inside a URL
  /\b(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key)\s*[=:]\s*\S+/i, // key=value inside text
];

// Card numbers: 13–19 digits with an issuer prefix, separated by nothing, spaces or dashes, and Luhn-valid.
const CARD_CANDIDATE = /\b(?:\d[ -]?){12,18}\d\b/g;
const CARD_PREFIX = /^(4|5[1-5]|2[2-7]|3[47]|3[068]|35|6011|65|62)/;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function containsCard(text: string): boolean {
  for (const match of text.matchAll(CARD_CANDIDATE)) {
    const digits = match[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && CARD_PREFIX.test(digits) && luhnValid(digits))
      return true;
  }
  return false;
}

// Long runs of key-like characters with high entropy: generated keys nobody names.
const KEYLIKE = /[A-Za-z0-9+/_=-]{32,}/g;

function shannonBits(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

function containsHighEntropyKey(text: string): boolean {
  for (const match of text.matchAll(KEYLIKE)) {
    const run = match[0];
    // Mixed letters and digits in both cases; hex digests and UUIDs stay below 4.2 bits per character.
    if (/[a-z]/.test(run) && /[A-Z]/.test(run) && /\d/.test(run) && shannonBits(run) >= 4.2) return true;
  }
  return false;
}

export function looksSecret(value: string): boolean {
  if (value.length < 9) return false;
  return (
    SECRET_VALUE_PATTERNS.some((re) => re.test(value)) || containsCard(value) || containsHighEntropyKey(value)
  );
}

function looksSecretNumber(value: number): boolean {
  if (!Number.isSafeInteger(value)) return false;
  const digits = String(Math.abs(value));
  return digits.length >= 13 && digits.length <= 19 && CARD_PREFIX.test(digits) && luhnValid(digits);
}

export interface Redaction<T> {
  value: T;
  /** Paths of the fields that were replaced, e.g. `metadata.card.number`. Never the values. */
  fields: string[];
}

/** Returns a copy of a metadata tree with secrets replaced, and where they were. */
export function redactTree(value: unknown, path: string, fields: string[]): unknown {
  if (typeof value === 'string') {
    if (looksSecret(value)) {
      fields.push(path);
      return REDACTED;
    }
    return value;
  }
  if (typeof value === 'number') {
    if (looksSecretNumber(value)) {
      fields.push(path);
      return REDACTED;
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => redactTree(v, `${path}[${i}]`, fields));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (looksSecret(k)) {
        // A secret used as a key: neither the key nor the path that names it may be kept.
        let key = REDACTED;
        for (let i = 2; key in out; i++) key = `[redacted ${i}]`;
        fields.push(`${path}.${key}`);
        out[key] = REDACTED;
        continue;
      }
      const childPath = `${path}.${k}`;
      if (isSecretKey(k) && v !== null && v !== '' && !(typeof v === 'boolean')) {
        fields.push(childPath);
        out[k] = REDACTED;
      } else {
        out[k] = redactTree(v, childPath, fields);
      }
    }
    return out;
  }
  return value;
}

/** Redacts a single text field (user agent, request id, …). */
export function redactText(value: string | undefined, path: string, fields: string[]): string | undefined {
  if (value === undefined) return undefined;
  if (looksSecret(value)) {
    fields.push(path);
    return REDACTED;
  }
  return value;
}

// User agents repeat across most events; whether one hides a secret is remembered per string.
const userAgentVerdicts = new Map<string, boolean>();

/** `redactText` for the user agent, with the verdict cached by string. */
export function redactUserAgent(value: string | undefined, fields: string[]): string | null {
  if (value === undefined) return null;
  let secret = userAgentVerdicts.get(value);
  if (secret === undefined) {
    secret = looksSecret(value);
    if (userAgentVerdicts.size >= 10_000) userAgentVerdicts.clear();
    userAgentVerdicts.set(value, secret);
  }
  if (!secret) return value;
  fields.push('user_agent');
  return REDACTED;
}
