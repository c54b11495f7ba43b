// The one detector: does a value, alone or under its key, carry a secret? Used for event fields, metadata
// keys and values, and the server's own log. Rules are fixed here at start-up, never built from input.
import { containsHighEntropyKey, keyShaped, matchesCredentialPattern } from './credentials.js';
import {
  base64Texts,
  embeddedPairs,
  isProse,
  isUserPassword,
  jsonInside,
  type Pair,
  percentDecoded,
} from './embedded.js';
import { foldValue, keyWords } from './normalize.js';
import { containsSecretNumber, isCardNumber } from './numbers.js';
import { isPluralHolder, list, type SecretKeyKind, secretKeyKind } from './secret-keys.js';

// How deep the detector follows text into decoded or embedded text (base64 in a URL in JSON…).
const MAX_DEPTH = 3;

// "passport no. X1234567", "Passport: 123456789": a passport number is named in the text.
const PASSPORT_IN_TEXT =
  /\bpassport(?:\s*(?:no\.?|number|num|nr\.?|#|id))?(?:\s+(?:is|was))?\s*[:#=]?\s*([A-Z0-9]{6,9})\b/i;

function containsPassportNumber(text: string): boolean {
  const m = PASSPORT_IN_TEXT.exec(text);
  return m !== null && /\d/.test(m[1]!);
}

/**
 * Texts already judged harmless, oldest first. Values repeat (ids listed in successive alerts, the same
 * metadata across a user's events) and judging one takes tens of µs. Only harmless texts are kept, so no
 * secret stays in memory for being seen; the judgement is pure, so a kept one is the same judgement.
 */
const harmless = new Map<string, true>();
const HARMLESS_KEPT = 4096;
const HARMLESS_LONGEST = 256;

/** Whether a text carries a secret wherever it is found, whatever its key. */
export function looksSecret(value: string, depth = 0): boolean {
  if (value.length < 8) return false;
  if (depth > 0 || value.length > HARMLESS_LONGEST) return judge(value, depth);
  if (harmless.has(value)) return false;
  if (judge(value, 0)) return true;
  if (harmless.size >= HARMLESS_KEPT) harmless.delete(harmless.keys().next().value as string);
  harmless.set(value, true);
  return false;
}

function judge(value: string, depth: number): boolean {
  const text = foldValue(value);
  if (matchesCredentialPattern(text) || containsSecretNumber(text) || containsHighEntropyKey(text))
    return true;
  if (containsPassportNumber(text)) return true;
  if (depth >= MAX_DEPTH) return false;
  for (const pair of embeddedPairs(text)) if (pairIsSecret(pair, depth + 1)) return true;
  const json = jsonInside(text);
  if (json !== undefined && treeHasSecret(json, [], depth + 1)) return true;
  for (const decoded of base64Texts(text)) {
    if (isUserPassword(decoded) || looksSecret(decoded, depth + 1)) return true;
    // A key kept base64-encoded, as configuration stores often keep secrets.
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(decoded) && keyShaped(decoded, true)) return true;
  }
  // JSON kept as a JSON string ("{\"password\": …}"): read it unescaped.
  if (text.includes('\\"') && looksSecret(text.replace(/\\"/g, '"'), depth + 1)) return true;
  const unescaped = percentDecoded(text);
  return unescaped !== null && unescaped !== text && looksSecret(unescaped, depth + 1);
}

function pairIsSecret(pair: Pair, depth: number): boolean {
  const kind = secretKeyKind(pair.name);
  if (kind === null || kind === 'mention') return false; // the whole text is judged on its own already
  // "Password: must contain 12 characters" is a message about a password; a passphrase is words anyway.
  if (
    pair.clause !== undefined &&
    (harmlessText(pair.clause) || (isProse(pair.clause) && !/passphrase/i.test(pair.name)))
  )
    return false;
  return valueIsSecret(kind, pair.value, depth, pair.name);
}

// Values a secret-named field may hold that are not the secret: states, placeholders, masks, brands.
const STATUS_WORDS = new Set(
  list(
    'changed updated reset set unset removed expired required missing invalid valid weak strong ok ' +
      'true false yes no none null undefined n/a na redacted hidden masked present absent provided ' +
      'enabled disabled rotated revoked accepted declined rejected on off empty unknown new old ' +
      'verified unverified pending active inactive issued sent requested failed success [redacted] ' +
      '[personal] [erased] [filtered] <redacted> *** strict lenient optional mandatory enforced relaxed ' +
      'standard default custom basic bearer digest oauth oauth2 oidc saml sso mfa 2fa totp sms webauthn ' +
      'passkey jwt',
  ),
);
const CARD_BRAND =
  /^(?:visa|mastercard|master card|amex|american express|discover|jcb|diners(?: club)?|unionpay|union pay|maestro|mir|elo|rupay|cartes bancaires)(?:\s+(?:card|debit|credit|prepaid))?(?:\s*(?:ending(?: in)?|[*•x·.-]+)?\s*\d{4})?$/i;
const MASKED = /^(?=.*[*•·xX#])[*•·xX#\s.-]*\d{0,4}$/;
const COUNTRY = /^[A-Z]{2,3}$/;
const POLICY =
  /^(?:min(?:imum)?|max(?:imum)?|at least|at most)\b.{0,40}\b(?:chars?|characters|digits|letters|symbols)$/i;

export function harmlessText(value: string): boolean {
  const v = foldValue(value).trim();
  if (v === '') return true;
  if (STATUS_WORDS.has(v.toLowerCase())) return true;
  return (
    CARD_BRAND.test(v) ||
    MASKED.test(v) ||
    COUNTRY.test(v) ||
    POLICY.test(v) ||
    /^ending(?: in)? \d{4}$/i.test(v)
  );
}

const HEX32 = /^[0-9a-fA-F]{32,}$/;

const CARD_KEY = /card|(?:^|[^a-z])pan(?:$|[^a-z])/;

function valueIsSecret(kind: SecretKeyKind, value: string, depth = 0, key = ''): boolean {
  if (harmlessText(value)) return false;
  const text = foldValue(value).trim();
  switch (kind) {
    case 'holder':
      // Four digits under a card number's key are its last four, what masking a card keeps.
      return !(/^\d{4}$/.test(text) && CARD_KEY.test(keyWords(key).join(' ')));
    case 'credential':
      // A card's last four digits under "card" are what masking keeps.
      if (/^\d{1,4}$/.test(text)) return false;
      return keyShaped(text) || looksSecret(text, depth);
    case 'mention':
      return HEX32.test(text) || looksSecret(text, depth);
  }
}

/** Numbers that are secrets on their own: card numbers sent as JSON numbers. */
export function looksSecretNumber(value: number): boolean {
  return Number.isSafeInteger(value) && isCardNumber(String(Math.abs(value)));
}

function numberIsSecret(kind: SecretKeyKind, key: string, value: number): boolean {
  if (looksSecretNumber(value)) return true;
  if (kind === 'holder') return !isPluralHolder(key);
  if (kind === 'credential') return Math.abs(value) >= 100_000;
  return false;
}

export type Verdict = 'keep' | 'secret' | 'walk';

/**
 * What to do with the value under `key`: keep it, replace it, or walk into it (objects and arrays
 * under a key that does not hold a secret). `parent` is the enclosing secret-naming key's words, if any.
 */
export function judgeUnderKey(key: string, value: unknown, parent: readonly string[] = []): Verdict {
  const kind = secretKeyKind(key, parent);
  // Empty strings, null, booleans (and undefined, in the server's own log fields) carry no secret.
  if (value === '' || value === null || !['string', 'number', 'object'].includes(typeof value)) return 'keep';
  if (typeof value === 'string') {
    if (kind === null) return looksSecret(value) ? 'secret' : 'keep';
    return valueIsSecret(kind, value, 0, key) ? 'secret' : 'keep';
  }
  if (typeof value === 'number') {
    if (kind === null) return looksSecretNumber(value) ? 'secret' : 'keep';
    return numberIsSecret(kind, key, value) ? 'secret' : 'keep';
  }
  if (kind === 'holder') return 'secret';
  return 'walk';
}

/** The words a child key inherits from this key, when this key names a secret ("card" → number). */
export function contextWords(key: string, parent: readonly string[]): readonly string[] {
  // Under a key that only talks about a secret ("password_policy"), the children talk about it too.
  const kind = secretKeyKind(key, parent);
  return kind === null || kind === 'mention' ? [] : [...parent, ...keyWords(key)].slice(-3);
}

/** Whether a parsed tree (JSON held in a string) holds a secret anywhere. */
function treeHasSecret(node: unknown, parent: readonly string[], depth: number): boolean {
  if (typeof node === 'string') return looksSecret(node, depth);
  if (typeof node === 'number') return looksSecretNumber(node);
  if (Array.isArray(node)) return node.some((v) => treeHasSecret(v, parent, depth));
  if (node === null || typeof node !== 'object') return false;
  for (const [k, v] of Object.entries(node)) {
    if (looksSecret(k, depth)) return true;
    const verdict = judgeUnderKey(k, v, parent);
    if (verdict === 'secret') return true;
    if (verdict === 'walk' && treeHasSecret(v, contextWords(k, parent), depth)) return true;
  }
  return false;
}

/**
 * Identifiers that cannot be redacted without losing the event (id, user_id, session_id): only formats
 * that are certainly secrets, so a random identifier is never taken for a generated key.
 */
export function identifierLooksSecret(value: string, opts: { jwt: boolean }): boolean {
  const text = foldValue(value);
  if (!opts.jwt && /^eyJ[\w-]+\.[\w-]+\.[\w-]*$/.test(text)) return false;
  if (matchesCredentialPattern(text) || containsSecretNumber(text)) return true;
  for (const pair of embeddedPairs(text)) if (pairIsSecret(pair, 1)) return true;
  return false;
}

/**
 * Secrets in files (the repository scanning itself): only formats that are certainly secrets — vendor key
 * formats, private keys, card and bank numbers with valid check digits, long high-entropy keys. Source
 * code names passwords and tokens all the time; names alone prove nothing there.
 */
export function lineHasSecret(line: string): boolean {
  if (line.length < 8) return false;
  const text = foldValue(line);
  return matchesCredentialPattern(text) || containsSecretNumber(text) || containsHighEntropyKey(text);
}
