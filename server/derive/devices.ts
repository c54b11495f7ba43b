// Devices a user has used, derived from successful events that carry a user agent.
import type { DeviceInfo } from '../../shared/api.js';
import { randomId } from '../ids.js';
import type { Sqlite } from '../store/db.js';
import { deviceFingerprint } from './user-agent.js';

export interface DeviceSighting {
  subject: string;
  device: DeviceInfo;
  ts: number;
  ipNet: string | null;
  /** JSON of the address's Place, kept with `ip_net`. */
  location: string | null;
}

export class DeviceTracker {
  private readonly find;
  private readonly insert;
  private readonly touch;

  constructor(sqlite: Sqlite) {
    this.find = sqlite.prepare<[string, string], { id: string }>(
      'SELECT id FROM devices WHERE subject = ? AND fingerprint = ?',
    );
    this.insert = sqlite.prepare(
      `INSERT INTO devices (id, subject, fingerprint, browser, os, device_type, first_seen, last_seen, ip_net,
         location) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.touch = sqlite.prepare(
      `UPDATE devices SET first_seen = MIN(first_seen, @ts),
         location = CASE WHEN @ts >= last_seen AND @ip_net IS NOT NULL THEN @location ELSE location END,
         ip_net = CASE WHEN @ts >= last_seen AND @ip_net IS NOT NULL THEN @ip_net ELSE ip_net END,
         last_seen = MAX(last_seen, @ts)
       WHERE id = @id`,
    );
  }

  /** Records a sighting; returns the device id and whether the user had never used this device before. */
  observe(s: DeviceSighting): { id: string; isNew: boolean } {
    const fp = deviceFingerprint(s.device);
    const existing = this.find.get(s.subject, fp);
    if (existing) {
      this.touch.run({ id: existing.id, ts: s.ts, ip_net: s.ipNet, location: s.location });
      return { id: existing.id, isNew: false };
    }
    const id = randomId('dev');
    this.insert.run(
      id,
      s.subject,
      fp,
      s.device.browser,
      s.device.os,
      s.device.type,
      s.ts,
      s.ts,
      s.ipNet,
      s.location,
    );
    return { id, isNew: true };
  }
}
