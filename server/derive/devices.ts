// Devices a user has used, derived from successful events that carry a user agent.

import { timeOrderedId } from '../ids.js';
import type { Deriver, Prefetch } from '../ingest/pipeline.js';
import type { DeviceBuffer } from '../store/devices.js';
import { deviceFingerprint } from './user-agent.js';

/** Reads the devices a batch's successful events name in one statement, before its events apply. */
export function prefetchDevices(devices: DeviceBuffer): Prefetch {
  return (tx, batch) =>
    devices.prefetch(
      tx,
      batch.flatMap((p) =>
        p.device && p.event.userId && p.event.outcome !== 'failure'
          ? { userId: p.event.userId, fingerprint: deviceFingerprint(p.device) }
          : [],
      ),
    );
}

/** Records the device of each successful event; fills in `deviceId`, and `newDevice` on first sight. */
export function trackDevices(devices: DeviceBuffer): Deriver {
  return async function trackDevice(applied, tx) {
    const { prepared, appended } = applied;
    const e = prepared.event;
    const device = prepared.device;
    if (!appended.subject || !device || e.outcome === 'failure') return;
    const fingerprint = deviceFingerprint(device);
    const sighting = {
      subject: appended.subject,
      fingerprint,
      ts: e.ts,
      ip_net: prepared.ipNet,
      location: prepared.location,
    };
    const existing = await devices.touch(tx, sighting);
    if (existing) {
      applied.deviceId = existing;
      return;
    }
    // Time-ordered, so new rows land at the end of the id index.
    const id = timeOrderedId('dev');
    devices.add({ ...sighting, id, browser: device.browser, os: device.os, device_type: device.type });
    applied.deviceId = id;
    applied.newDevice = true;
  };
}
