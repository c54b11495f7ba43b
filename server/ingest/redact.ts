// Never store a secret: secret-named keys and secret-looking values are replaced before anything is written.
// What counts as a secret is decided in server/privacy/; this walks the event and records where it replaced.
import { contextWords, judgeUnderKey, looksSecret, looksSecretNumber } from '../privacy/detector.js';

export { luhnValid } from '../privacy/checksums.js';
export { looksSecret } from '../privacy/detector.js';
export { isSecretKey } from '../privacy/secret-keys.js';

export const REDACTED = '[redacted]';

export interface Redaction<T> {
  value: T;
  /** Paths of the fields that were replaced, e.g. `metadata.card.number`. Never the values. */
  fields: string[];
}

/** A value with no key to judge it by (an array element, a field): secret only by its own look. */
function redactLoose(value: unknown, path: string, fields: string[], owner: OwnerKey | null): unknown {
  if (owner) {
    const verdict = judgeUnderKey(owner.key, value, owner.parent);
    if (verdict === 'secret') {
      fields.push(path);
      return REDACTED;
    }
    if (verdict === 'keep') return value;
  } else if (typeof value === 'string') {
    if (!looksSecret(value)) return value;
    fields.push(path);
    return REDACTED;
  } else if (typeof value === 'number') {
    if (!looksSecretNumber(value)) return value;
    fields.push(path);
    return REDACTED;
  }
  if (Array.isArray(value)) return value.map((v, i) => redactLoose(v, `${path}[${i}]`, fields, owner));
  if (value !== null && typeof value === 'object')
    return redactObject(value, path, fields, owner?.context ?? []);
  return value;
}

/** The key that owns an array's elements, so "api_keys": ["…"] is judged as a list of keys. */
interface OwnerKey {
  key: string;
  parent: readonly string[];
  context: readonly string[];
}

function redactObject(node: object, path: string, fields: string[], parent: readonly string[]): unknown {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (looksSecret(k)) {
      // A secret used as a key: neither the key nor the path that names it may be kept.
      let key = REDACTED;
      for (let i = 2; key in out; i++) key = `[redacted ${i}]`;
      fields.push(`${path}.${key}`);
      out[key] = REDACTED;
      continue;
    }
    const childPath = `${path}.${k}`;
    const verdict = judgeUnderKey(k, v, parent);
    if (verdict === 'secret') {
      fields.push(childPath);
      out[k] = REDACTED;
    } else if (verdict === 'keep') {
      out[k] = v;
    } else {
      const context = contextWords(k, parent);
      out[k] = Array.isArray(v)
        ? v.map((e, i) => redactLoose(e, `${childPath}[${i}]`, fields, { key: k, parent, context }))
        : redactObject(v as object, childPath, fields, context);
    }
  }
  return out;
}

/** Returns a copy of a metadata tree with secrets replaced, and where they were. */
export function redactTree(value: unknown, path: string, fields: string[]): unknown {
  return redactLoose(value, path, fields, null);
}

/** Redacts a single text field (request id, resource id, action, …). */
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
