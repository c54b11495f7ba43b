// The ingest contract as zod schemas: what `POST /v1/events` accepts. Server-side only (keeps zod out of the widget).
import { z } from 'zod';
import { isEventType, LEVELS, OUTCOMES } from '../catalog.js';
import { isIp } from '../mask.js';

export const MAX_BATCH = 1000;
export const MAX_METADATA_DEPTH = 8;
export const MAX_METADATA_KEYS = 200;
export const MAX_METADATA_STRING = 4096;

// Control characters corrupt logs and terminals; tab/newline are allowed only inside metadata text.
const FIELD_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const TEXT_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
// With the u flag only a surrogate without its pair matches. Such a string cannot be stored as UTF-8, so
// what the chain hashed would not be what the store keeps: it is refused, never repaired.
const LONE_SURROGATE = /\p{Cs}/u;
export const NOT_UNICODE = 'not well-formed Unicode (a lone surrogate)';
// JSON.parse keeps `"__proto__"` as an ordinary own key and canonicalize would hash it, but zod's record
// and every step that copies metadata by assignment (`out[key] = value`) turn it into a prototype change:
// the key would vanish between hashing and storing. `constructor` and `prototype` are found by `key in obj`
// on any plain object. All three are refused wherever they appear in metadata, with a 400 naming them.
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** True when a string has no lone surrogate (it survives UTF-8 unchanged). */
export function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** A string safe to echo in an error message: lone surrogates become U+FFFD. */
export function printable(s: string): string {
  return s.replace(/\p{Cs}/gu, '\ufffd');
}

/** A string that survives UTF-8 unchanged (every other string check comes after this one). */
export const text = () => z.string().refine(isWellFormed, { message: NOT_UNICODE, abort: true });

const field = (max: number) =>
  text()
    .min(1, 'must not be empty')
    .max(max, `longer than ${max} characters`)
    .refine((s) => !FIELD_CONTROL.test(s), 'contains control characters');

const ISO_TIMESTAMP = z.iso.datetime({ offset: true });
const timestamp = text().superRefine((s, ctx) => {
  if (!ISO_TIMESTAMP.safeParse(s).success) {
    ctx.addIssue({ code: 'custom', message: 'not an ISO 8601 timestamp with a time zone' });
  } else if (Date.parse(s) > Date.now() + 24 * 3600_000) {
    ctx.addIssue({ code: 'custom', message: 'more than a day in the future' });
  } else if (Date.parse(s) < 0) {
    ctx.addIssue({ code: 'custom', message: 'before 1970' });
  }
});

/** Checks a metadata tree's shape; returns problems with their paths below `metadata`. */
function metadataProblems(value: unknown): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  let keys = 0;
  const walk = (node: unknown, path: (string | number)[], depth: number): void => {
    if (problems.length > 20) return;
    if (typeof node === 'string') {
      if (!isWellFormed(node)) problems.push({ path, message: NOT_UNICODE });
      else if (node.length > MAX_METADATA_STRING)
        problems.push({ path, message: `longer than ${MAX_METADATA_STRING} characters` });
      else if (TEXT_CONTROL.test(node)) problems.push({ path, message: 'contains control characters' });
      return;
    }
    if (typeof node === 'number') {
      // 1e309 parses as Infinity, which has no JSON form: the event could not be canonicalized.
      if (!Number.isFinite(node)) problems.push({ path, message: 'not a finite number' });
      return;
    }
    if (node === null || typeof node === 'boolean') return;
    if (typeof node !== 'object') {
      problems.push({ path, message: 'not a JSON value' });
      return;
    }
    if (depth > MAX_METADATA_DEPTH) {
      problems.push({ path, message: `nested deeper than ${MAX_METADATA_DEPTH} levels` });
      return;
    }
    const entries = Array.isArray(node) ? node.map((v, i) => [i, v] as const) : Object.entries(node);
    for (const [k, v] of entries) {
      if (++keys > MAX_METADATA_KEYS) {
        problems.push({ path, message: `more than ${MAX_METADATA_KEYS} keys in all` });
        return;
      }
      if (typeof k === 'string') {
        const bad = !isWellFormed(k)
          ? `key is ${NOT_UNICODE}`
          : RESERVED_KEYS.has(k)
            ? `key "${k}" is reserved`
            : k.length > 128 || FIELD_CONTROL.test(k)
              ? 'key is too long or has control characters'
              : null;
        if (bad) {
          problems.push({ path: [...path, printable(k.slice(0, 32))], message: bad });
          continue;
        }
      }
      walk(v, [...path, k], depth + 1);
    }
  };
  walk(value, [], 1);
  return problems;
}

// The tree is checked as parsed, before zod's record copies it: the copy would drop a `__proto__` key.
export const metadataSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      ctx.addIssue({ code: 'custom', message: 'must be an object' });
      return;
    }
    for (const p of metadataProblems(value))
      ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
  })
  .pipe(z.record(z.string(), z.unknown()))
  // What the API document shows: the check above runs on `unknown`, but what it accepts is a JSON object.
  .meta({ type: 'object', additionalProperties: {} });

export const eventSchema = z.strictObject({
  id: field(128)
    .regex(/^[A-Za-z0-9._:-]+$/, 'may contain only letters, digits and . _ : -')
    .optional(),
  timestamp: timestamp.optional(),
  event_type: text().refine(isEventType, 'unknown event type (custom types must start with x_)'),
  level: z.enum(LEVELS, { message: `must be one of ${LEVELS.join(', ')}` }).optional(),
  user_id: field(256).optional(),
  session_id: field(512).optional(),
  ip_address: text().max(64, 'not an IP').refine(isIp, 'not an IP').optional(),
  user_agent: field(1024).optional(),
  request_id: field(128).optional(),
  outcome: z.enum(OUTCOMES, { message: 'must be success or failure' }).optional(),
  resource_type: field(128).optional(),
  resource_id: field(256).optional(),
  action: field(128).optional(),
  metadata: metadataSchema.optional(),
});

export type IngestEvent = z.infer<typeof eventSchema>;

export const ingestBodySchema = z.union([
  z.strictObject({
    events: z
      .array(z.unknown())
      .min(1, 'must hold at least one event')
      .max(MAX_BATCH, `more than ${MAX_BATCH} events in one batch`),
  }),
  z.record(z.string(), z.unknown()),
]);
