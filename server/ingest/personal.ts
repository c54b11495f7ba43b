// Personal data inside metadata is lifted out of the chained event into `personal_data`, so erasure can
// remove it; the chained event keeps the key with a placeholder.
import { isIp, maskIpsInText } from '../../shared/mask.js';
import { isbnValid, ssnValid } from '../privacy/checksums.js';
import { keyNames } from './key-names.js';

export const PERSONAL = '[personal]';
export const ERASED = '[erased]';

const PERSONAL_KEY_PARTS = [
  'email',
  'firstname',
  'lastname',
  'fullname',
  'displayname',
  'username',
  'givenname',
  'familyname',
  'surname',
  'phone',
  'mobile',
  'telephone',
  'address',
  'street',
  'postcode',
  'postalcode',
  'zipcode',
  'birth',
  'dateofbirth',
];
const PERSONAL_KEY_WORDS = new Set(['name', 'email', 'phone', 'dob', 'zip', 'ip', 'city']);

export const isPersonalKey = keyNames({ parts: PERSONAL_KEY_PARTS, words: PERSONAL_KEY_WORDS });

// A match starts only where a run of address characters starts: tried from inside a run as well, a long
// value without an address cost quadratic time (50 ms for 4000 characters). The matches are the same.
const EMAIL = /(?<![^\s@<>()[\],;:"])[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[a-z]{2,}/i;
const PHONE = /^\+?[\d\s().-]{7,24}$/;
// Dates such as 2026-04-01 or 01.04.2026 have the digits and separators of a phone number but are not one.
const DATE = /^(\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{4})$/;

/**
 * Digits and separators that are something other than a phone number: an ISBN (its check digit holds),
 * or an SSN in groups of 3-2-4 — a secret, redacted before personal data is lifted, never kept as a phone.
 */
function numberNotPhone(value: string): boolean {
  const v = value.trim().replace(/^ISBN(?:-1[03])?:?\s*/i, '');
  const compact = v.replace(/[\s.-]/g, '').toUpperCase();
  // ISBN-13 starts 978/979; an ISBN-10 only counts in its four hyphenated groups (0-306-40615-2), since
  // one phone number in eleven passes its check digit.
  if (compact.length === 13 && isbnValid(compact)) return true;
  if (/^\d{1,5}-\d{1,7}-\d{1,7}-[\dX]$/i.test(v) && isbnValid(compact)) return true;
  return /^\d{3}([\s.-])\d{2}\1\d{4}$/.test(v) && ssnValid(compact);
}

export function looksPersonal(value: string): boolean {
  if (EMAIL.test(value)) return true;
  if (
    PHONE.test(value) &&
    !DATE.test(value) &&
    (value.match(/\d/g)?.length ?? 0) >= 7 &&
    /[\s().+-]/.test(value) &&
    !numberNotPhone(value)
  )
    return true;
  if (isIp(value) && /[.:]/.test(value)) return true;
  // An address inside text ("blocked 203.0.113.9 at the gateway") makes the whole text personal.
  return maskIpsInText(value) !== value;
}

export interface Lifted {
  metadata: unknown;
  /** Personal values by path below `metadata` (e.g. `contact.email`). */
  values: Record<string, unknown>;
}

/** Splits a (redacted) metadata tree into the chained part and the personal values. */
export function liftPersonal(tree: unknown): Lifted {
  const values: Record<string, unknown> = {};
  const walk = (node: unknown, path: string): unknown => {
    if (typeof node === 'string') {
      if (looksPersonal(node)) {
        values[path] = node;
        return PERSONAL;
      }
      return node;
    }
    if (Array.isArray(node)) return node.map((v, i) => walk(v, `${path}[${i}]`));
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) {
        const childPath = path ? `${path}.${k}` : k;
        if (isPersonalKey(k) && v !== null && v !== '' && typeof v !== 'boolean') {
          values[childPath] = v;
          out[k] = PERSONAL;
        } else {
          out[k] = walk(v, childPath);
        }
      }
      return out;
    }
    return node;
  };
  return { metadata: walk(tree, ''), values };
}

/**
 * Puts personal values back for display. `show` masks each value (or returns it as is, for investigators);
 * when the values are gone (erased), placeholders read `[erased]`.
 */
export function restorePersonal(
  tree: unknown,
  values: Record<string, unknown> | null,
  show: (value: unknown, path: string) => unknown,
): unknown {
  const walk = (node: unknown, path: string): unknown => {
    if (node === PERSONAL) {
      if (values && path in values) return show(values[path], path);
      return ERASED;
    }
    if (Array.isArray(node)) return node.map((v, i) => walk(v, `${path}[${i}]`));
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) out[k] = walk(v, path ? `${path}.${k}` : k);
      return out;
    }
    return node;
  };
  return walk(tree, '');
}
