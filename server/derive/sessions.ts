// Session state derived from events. The host's session id is kept only as an HMAC under the pepper.
import { createHmac } from 'node:crypto';
import type { SessionStatus } from '../../shared/api.js';
import { SESSION_ENDING, SESSION_OPENING } from '../../shared/catalog.js';
import { timeOrderedId } from '../ids.js';
import type { Deriver, Prefetch } from '../ingest/pipeline.js';
import type { SessionBuffer } from '../store/sessions.js';

export type { SessionRow } from '../store/sessions.js';

/** What an event did to a session. */
export interface SessionChange {
  id: string;
  status: SessionStatus;
  /** Opened or ended by this event (the live stream tells the user's open pages). */
  changed: boolean;
}

export function sessionRef(pepper: Buffer, hostSessionId: string): string {
  return createHmac('sha256', pepper).update(hostSessionId).digest('base64url');
}

/** Reads a batch's sessions in one statement, before its events apply. */
export function prefetchSessions(sessions: SessionBuffer): Prefetch {
  return (tx, batch) =>
    sessions.prefetch(
      tx,
      batch.flatMap((p) => p.event.sessionRef ?? []),
    );
}

/** Applies each event to the state of its session; fills in `session`. Runs after `trackDevices`. */
export function trackSessions(sessions: SessionBuffer): Deriver {
  return async function trackSession(applied, tx) {
    const { prepared, appended } = applied;
    const e = prepared.event;
    if (!e.sessionRef) return;
    const subject = appended.subject;
    const d = prepared.device;
    const sighting = {
      ts: e.ts,
      ip_net: prepared.ipNet,
      location: prepared.location,
      browser: d?.browser ?? null,
      os: d?.os ?? null,
      device_type: d?.type ?? null,
      device_id: applied.deviceId,
    };
    const row = await sessions.touch(tx, { ...sighting, ref: e.sessionRef, subject });
    if (!row) {
      if (!subject || !SESSION_OPENING.has(e.eventType) || e.outcome === 'failure') return;
      // Time-ordered, so new rows land at the end of the id index.
      const id = timeOrderedId('ses');
      // A session belongs to one user: a ref already another subject's opens nothing.
      if (
        !(await sessions.open(tx, {
          ...sighting,
          id,
          ref: e.sessionRef,
          subject,
          host_tag: prepared.hostTag,
        }))
      )
        return;
      applied.session = { id, status: 'active', changed: true };
      return;
    }
    const ending = SESSION_ENDING.get(e.eventType);
    if (ending && row.status === 'active') {
      await sessions.end(
        tx,
        { id: row.id, ref: e.sessionRef },
        ending,
        e.ts,
        ending === 'revoked' ? 'host' : null,
      );
      applied.session = { id: row.id, status: ending, changed: true };
      return;
    }
    applied.session = { id: row.id, status: row.status, changed: false };
  };
}
