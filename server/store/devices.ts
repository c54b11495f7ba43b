// Devices a user has used, one row per (subject, fingerprint).
import { type Db, sql } from './sql.js';

export interface NewDevice {
  id: string;
  subject: string;
  fingerprint: string;
  browser: string | null;
  os: string | null;
  device_type: string | null;
  ts: number;
  ip_net: string | null;
  location: string | null;
}

export interface DeviceRow {
  id: string;
  browser: string | null;
  os: string | null;
  device_type: string | null;
  first_seen: number;
  last_seen: number;
  ip_net: string | null;
  location: string | null;
  /** Active sessions on it. */
  sessions: number;
}

const INSERT = sql(
  `INSERT INTO devices (id, subject, fingerprint, browser, os, device_type, first_seen, last_seen, ip_net,
     location) VALUES (@id, @subject, @fingerprint, @browser, @os, @device_type, @ts, @ts, @ip_net, @location)`,
);
// Find and touch in one statement: the common case (a device seen before) costs one round trip.
const TOUCH_KNOWN = sql({
  sqlite: `UPDATE devices SET first_seen = MIN(first_seen, @ts),
     location = CASE WHEN @ts >= last_seen AND @ip_net IS NOT NULL THEN @location ELSE location END,
     ip_net = CASE WHEN @ts >= last_seen AND @ip_net IS NOT NULL THEN @ip_net ELSE ip_net END,
     last_seen = MAX(last_seen, @ts)
   WHERE subject = @subject AND fingerprint = @fingerprint RETURNING id`,
  pg: `UPDATE devices SET first_seen = LEAST(first_seen, @ts::bigint),
     location = CASE WHEN @ts::bigint >= last_seen AND @ip_net::text IS NOT NULL THEN @location ELSE location END,
     ip_net = CASE WHEN @ts::bigint >= last_seen AND @ip_net::text IS NOT NULL THEN @ip_net ELSE ip_net END,
     last_seen = GREATEST(last_seen, @ts::bigint)
   WHERE subject = @subject AND fingerprint = @fingerprint RETURNING id`,
});
const COUNT = sql('SELECT COUNT(*) AS n FROM devices WHERE subject = ?');
const LIST = sql(
  `SELECT d.id, d.browser, d.os, d.device_type, d.first_seen, d.last_seen, d.ip_net, d.location,
     (SELECT COUNT(*) FROM sessions s WHERE s.device_id = d.id AND s.status = 'active') AS sessions
   FROM devices d WHERE d.subject = ? ORDER BY d.last_seen DESC`,
);
const DELETE_OF = sql('DELETE FROM devices WHERE subject = ?');

/** Touches the subject's device with this fingerprint; its id, or null when the subject never used it. */
export async function touchKnownDevice(
  db: Db,
  d: { subject: string; fingerprint: string; ts: number; ip_net: string | null; location: string | null },
): Promise<string | null> {
  return (await db.get<{ id: string }>(TOUCH_KNOWN, { ...d }))?.id ?? null;
}
export const insertDevice = (db: Db, d: NewDevice) => db.run(INSERT, { ...d });
export async function countDevices(db: Db, subject: string): Promise<number> {
  return (await db.get<{ n: number }>(COUNT, [subject]))?.n ?? 0;
}
export const listDevices = (db: Db, subject: string) => db.all<DeviceRow>(LIST, [subject]);
export const deleteDevicesOf = (db: Db, subject: string) => db.run(DELETE_OF, [subject]);
