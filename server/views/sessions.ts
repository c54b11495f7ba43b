// Sessions and devices as their owner sees them.
import type { DeviceInfo, DeviceType, DeviceView, SessionStatus, SessionView } from '../../shared/api.js';
import { presentDevice } from '../derive/device-names.js';
import type { SessionRow } from '../derive/sessions.js';
import { listDevices } from '../store/devices.js';
import { activeSessions, sessionOf } from '../store/sessions.js';
import type { Db } from '../store/sql.js';
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

/** The account's sessions and devices as its owner sees them; the rows come from server/store/. */
export class SessionsView {
  activeSessions(db: Db, subject: string): Promise<SessionRow[]> {
    return activeSessions(db, subject);
  }

  /** The subject's session with this id; another user's session is indistinguishable from a missing one. */
  find(db: Db, subject: string, id: string): Promise<SessionRow | undefined> {
    return sessionOf(db, subject, id);
  }

  async deviceList(db: Db, subject: string): Promise<DeviceView[]> {
    return (await listDevices(db, subject)).map((d) => ({
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
