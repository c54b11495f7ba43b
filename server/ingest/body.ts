// An ingest body from bytes to prepared events: decode, parse, validate, prepare. The same steps inline and on
// a worker thread, so a body is answered alike wherever it ran.
import type { ValidationIssue } from '../../shared/errors.js';
import { seal } from '../audit/chain.js';
import { type PreparedEvent, type PrepareKeys, prepareEvent } from './prepare.js';
import { validateIngestBody } from './validate.js';

/** Events of one body, prepared in order, ready for `Pipeline.ingest`. */
export interface PreparedBatch {
  ok: true;
  prepared: PreparedEvent[];
}

export type PreparedBody =
  | PreparedBatch
  | { ok: false; error: 'invalid_json' }
  | { ok: false; error: 'invalid_events'; issues: ValidationIssue[] };

export function prepareBody(bytes: Uint8Array, keys: PrepareKeys): PreparedBody {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  let body: unknown;
  try {
    // An empty body is answered like any other body that is not an event.
    body = text.trim() === '' ? undefined : JSON.parse(text);
  } catch {
    return { ok: false, error: 'invalid_json' };
  }
  const validated = validateIngestBody(body);
  if (!validated.ok) return { ok: false, error: 'invalid_events', issues: validated.issues };
  return { ok: true, prepared: validated.events.map((e) => sealed(prepareEvent(e, keys))) };
}

/**
 * A host event is final once prepared (Receipts' own events are still added to, and are sealed by the
 * writer): canonical metadata and the personal commitment, which do not depend on the chain, are made
 * here, off the thread that chains.
 */
function sealed(p: PreparedEvent): PreparedEvent {
  p.event.sealed = seal(p.event);
  return p;
}
