// Validation of an ingest body: every problem, with its path, or the events ready to prepare.
import type { ZodError } from 'zod';
import type { ValidationIssue } from '../../shared/errors.js';
import { eventSchema, type IngestEvent, MAX_BATCH } from '../../shared/schemas/event.js';
import { identifierLooksSecret, looksSecret } from '../privacy/detector.js';

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

export function zodIssues(error: ZodError, prefix: readonly PropertyKey[] = []): ValidationIssue[] {
  return error.issues.map((i) => ({
    path: formatPath([...prefix, ...i.path]) || '(body)',
    message: i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : i.message,
  }));
}

const SECRET_IN_IDENTIFIER =
  'looks like a secret (a key, token, password or card number); send an identifier instead';

/**
 * Fields the event cannot lose: a secret there cannot be replaced without losing the event, so the event
 * is refused. Only formats that are certainly secrets count (a random id is not taken for a key); a JWT is
 * allowed as a host session id, which is stored only as its HMAC.
 */
export function secretIdentifierIssues(
  e: IngestEvent,
  prefix: readonly PropertyKey[] = [],
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const refuse = (field: string) =>
    issues.push({ path: formatPath([...prefix, field]), message: SECRET_IN_IDENTIFIER });
  if (e.id !== undefined && identifierLooksSecret(e.id, { jwt: true })) refuse('id');
  if (e.event_type.startsWith('x_') && looksSecret(e.event_type.slice(2))) refuse('event_type');
  if (e.user_id !== undefined && identifierLooksSecret(e.user_id, { jwt: true })) refuse('user_id');
  if (e.session_id !== undefined && identifierLooksSecret(e.session_id, { jwt: false })) refuse('session_id');
  return issues;
}

export type Validated = { ok: true; events: IngestEvent[] } | { ok: false; issues: ValidationIssue[] };

/** Accepts one event or `{"events": [...]}`; a single bad event rejects the whole body. */
export function validateIngestBody(body: unknown): Validated {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return {
      ok: false,
      issues: [{ path: '(body)', message: 'must be an event object or {"events": [...]}' }],
    };
  }
  const isBatch = 'events' in body;
  if (!isBatch) {
    const parsed = eventSchema.safeParse(body);
    if (!parsed.success) return { ok: false, issues: zodIssues(parsed.error) };
    const refused = secretIdentifierIssues(parsed.data);
    return refused.length > 0 ? { ok: false, issues: refused } : { ok: true, events: [parsed.data] };
  }
  const { events, ...rest } = body as { events: unknown };
  const issues: ValidationIssue[] = [];
  for (const key of Object.keys(rest)) issues.push({ path: key, message: 'unknown field in a batch body' });
  if (!Array.isArray(events))
    return { ok: false, issues: [...issues, { path: 'events', message: 'must be an array' }] };
  if (events.length === 0)
    return { ok: false, issues: [...issues, { path: 'events', message: 'must hold at least one event' }] };
  if (events.length > MAX_BATCH) {
    return {
      ok: false,
      issues: [
        ...issues,
        { path: 'events', message: `more than ${MAX_BATCH} events in one batch (${events.length})` },
      ],
    };
  }
  const out: IngestEvent[] = [];
  events.forEach((event, i) => {
    const parsed = eventSchema.safeParse(event);
    if (!parsed.success) {
      if (issues.length < 500) issues.push(...zodIssues(parsed.error, ['events', i]));
      return;
    }
    const refused = secretIdentifierIssues(parsed.data, ['events', i]);
    if (refused.length === 0) out.push(parsed.data);
    else if (issues.length < 500) issues.push(...refused);
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, events: out };
}
