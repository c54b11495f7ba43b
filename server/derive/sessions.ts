// Session state derived from events. The host's session id is kept only as an HMAC under the pepper.
import { createHmac } from 'node:crypto';
import type { DeviceInfo, SessionStatus } from '../../shared/api.js';
import { SESSION_ENDING, SESSION_OPENING } from '../../shared/catalog.js';
import { randomId } from '../ids.js';
import type { Sqlite } from '../store/db.js';

export interface SessionSighting {
  subject: string | null;
  ref: string | null;
  eventType: string;
  outcome: string | null;
  ts: number;
  ipNet: string | null;
  /** JSON of the address's Place, stored and cleared with `ip_net`. */
  location: string | null;
  device: DeviceInfo | null;
  deviceId: string | null;
  hostTag: string | null;
}

export interface SessionRow {
  id: string;
  ref: string;
  subject: string;
  status: SessionStatus;
  created_at: number;
  last_seen_at: number;
  ip_net: string | null;
  location: string | null;
  browser: string | null;
  os: string | null;
  device_type: string | null;
  device_id: string | null;
  ended_at: number | null;
  revoked_by: string | null;
  host_tag: string | null;
}

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

export class SessionTracker {
  private readonly byRef;
  private readonly open;
  private readonly seen;
  private readonly end;

  constructor(sqlite: Sqlite) {
    this.byRef = sqlite.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE ref = ?');
    this.open = sqlite.prepare(
      `INSERT INTO sessions (id, ref, subject, status, created_at, last_seen_at, ip_net, location, browser, os,
         device_type, device_id, host_tag) VALUES (?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.seen = sqlite.prepare(
      `UPDATE sessions SET
         location = CASE WHEN @ts >= last_seen_at AND @ip_net IS NOT NULL THEN @location ELSE location END,
         ip_net = CASE WHEN @ts >= last_seen_at AND @ip_net IS NOT NULL THEN @ip_net ELSE ip_net END,
         browser = COALESCE(browser, @browser), os = COALESCE(os, @os), device_type = COALESCE(device_type, @device_type),
         device_id = COALESCE(device_id, @device_id),
         last_seen_at = MAX(last_seen_at, @ts)
       WHERE id = @id`,
    );
    this.end = sqlite.prepare(
      `UPDATE sessions SET status = @status, ended_at = @ts, revoked_by = @by WHERE id = @id AND status = 'active'`,
    );
  }

  find(ref: string): SessionRow | undefined {
    return this.byRef.get(ref);
  }

  /** Applies one event to session state. Returns the session it touched, and whether it opened or ended. */
  observe(s: SessionSighting): SessionChange | undefined {
    if (!s.ref) return undefined;
    const row = this.byRef.get(s.ref);
    if (row && s.subject && row.subject !== s.subject) return undefined; // a session belongs to one user
    if (!row) {
      if (!s.subject || !SESSION_OPENING.has(s.eventType) || s.outcome === 'failure') return undefined;
      const id = randomId('ses');
      const d = s.device;
      this.open.run(
        id,
        s.ref,
        s.subject,
        s.ts,
        s.ts,
        s.ipNet,
        s.location,
        d?.browser ?? null,
        d?.os ?? null,
        d?.type ?? null,
        s.deviceId,
        s.hostTag,
      );
      return { id, status: 'active', changed: true };
    }
    this.seen.run({
      id: row.id,
      ts: s.ts,
      ip_net: s.ipNet,
      location: s.location,
      browser: s.device?.browser ?? null,
      os: s.device?.os ?? null,
      device_type: s.device?.type ?? null,
      device_id: s.deviceId,
    });
    const ending = SESSION_ENDING.get(s.eventType);
    if (ending && row.status === 'active') {
      this.end.run({ id: row.id, status: ending, ts: s.ts, by: ending === 'revoked' ? 'host' : null });
      return { id: row.id, status: ending, changed: true };
    }
    return { id: row.id, status: row.status, changed: false };
  }

  /** Marks a session revoked by someone (the user, support, a report). Returns false if it was not active. */
  revoke(id: string, by: string, at: number): boolean {
    return this.end.run({ id, status: 'revoked', ts: at, by }).changes > 0;
  }
}
