// Devices a user has used, derived from successful events that carry a user agent.

import { randomId } from '../ids.js';
import type { Deriver } from '../ingest/pipeline.js';
import { insertDevice, touchKnownDevice } from '../store/devices.js';
import { deviceFingerprint } from './user-agent.js';

/** Records the device of each successful event; fills in `deviceId`, and `newDevice` on first sight. */
export const trackDevices: Deriver = async (applied, tx) => {
  const { prepared, appended } = applied;
  const e = prepared.event;
  const device = prepared.device;
  if (!appended.subject || !device || e.outcome === 'failure') return;
  const fingerprint = deviceFingerprint(device);
  const existing = await touchKnownDevice(tx, {
    subject: appended.subject,
    fingerprint,
    ts: e.ts,
    ip_net: prepared.ipNet,
    location: prepared.location,
  });
  if (existing) {
    applied.deviceId = existing;
    return;
  }
  const id = randomId('dev');
  await insertDevice(tx, {
    id,
    subject: appended.subject,
    fingerprint,
    browser: device.browser,
    os: device.os,
    device_type: device.type,
    ts: e.ts,
    ip_net: prepared.ipNet,
    location: prepared.location,
  });
  applied.deviceId = id;
  applied.newDevice = true;
};
