// Sessions and devices as their owner sees them.
import type { DeviceInfo, DeviceType, DeviceView, SessionStatus, SessionView } from '../../shared/api.js';
import type { SessionRow } from '../derive/sessions.js';
import { presentDevice } from '../derive/user-agent.js';
import type { Sqlite } from '../store/db.js';
import { placeFrom } from './place.js';

function deviceOf(r: {
  browser: string | null;
  os: string | null;
  device_type: string | null;
}): DeviceInfo | null {
  if (!r.browser && !r.os && !r.device_type) return null;
  return presentDevice({ browser: r.browser, os: r.os, type: r.device_type as DeviceType | null });
}

export function toSessionView(r: SessionRow, currentRef: string | null): SessionView {
  return {
    id: r.id,
    status: r.status as SessionStatus,
    created_at: new Date(r.created_at).toISOString(),
    last_seen_at: new Date(r.last_seen_at).toISOString(),
    device: deviceOf(r),
    ip: r.ip_net,
    location: placeFrom(r.location),
    current: currentRef !== null && r.ref === currentRef,
  };
}

interface DeviceRow {
  id: string;
  browser: string | null;
  os: string | null;
  device_type: string | null;
  first_seen: number;
  last_seen: number;
  ip_net: string | null;
  location: string | null;
  sessions: number;
}

export class SessionsView {
  private readonly active;
  private readonly one;
  private readonly devices;

  constructor(sqlite: Sqlite) {
    this.active = sqlite.prepare<[string], SessionRow>(
      "SELECT * FROM sessions WHERE subject = ? AND status = 'active' ORDER BY last_seen_at DESC",
    );
    this.one = sqlite.prepare<[string, string], SessionRow>(
      'SELECT * FROM sessions WHERE id = ? AND subject = ?',
    );
    this.devices = sqlite.prepare<[string], DeviceRow>(
      `SELECT d.id, d.browser, d.os, d.device_type, d.first_seen, d.last_seen, d.ip_net, d.location,
         (SELECT COUNT(*) FROM sessions s WHERE s.device_id = d.id AND s.status = 'active') AS sessions
       FROM devices d WHERE d.subject = ? ORDER BY d.last_seen DESC`,
    );
  }

  activeSessions(subject: string): SessionRow[] {
    return this.active.all(subject);
  }

  /** The subject's session with this id; another user's session is indistinguishable from a missing one. */
  find(subject: string, id: string): SessionRow | undefined {
    return this.one.get(id, subject);
  }

  deviceList(subject: string): DeviceView[] {
    return this.devices.all(subject).map((d) => ({
      id: d.id,
      device: presentDevice({ browser: d.browser, os: d.os, type: d.device_type as DeviceType | null }),
      first_seen: new Date(d.first_seen).toISOString(),
      last_seen: new Date(d.last_seen).toISOString(),
      ip: d.ip_net,
      location: placeFrom(d.location),
      sessions: d.sessions,
    }));
  }
}
