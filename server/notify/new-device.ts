// `signin.new_device`: a sign-in from a device the account had not used, told to the host by webhook with
// a revoke link it can put in an email. The account's very first device is not news.
import { presentDevice } from '../derive/device-names.js';
import type { Deriver } from '../ingest/pipeline.js';
import { countDevices } from '../store/devices.js';
import { placeFrom } from '../views/place.js';
import type { Outbox } from '../webhooks/outbox.js';
import { createRevokeLink } from './revoke-links.js';

export function newDeviceNotice(deps: { outbox: Outbox; publicUrl: string }): Deriver {
  return async function noticeNewDevice(applied, tx): Promise<void> {
    const e = applied.prepared.event;
    const subject = applied.appended.subject;
    if (!deps.outbox.enabled || e.eventType !== 'login_success' || e.outcome === 'failure') return;
    if (!applied.newDevice || !subject || !applied.session || !applied.prepared.device) return;
    if ((await countDevices(tx, subject)) < 2) return;
    const token = await createRevokeLink(tx, applied.session.id, subject);
    await deps.outbox.enqueue(
      tx,
      'signin.new_device',
      {
        user_id: e.userId,
        session_tag: applied.prepared.hostTag,
        device: presentDevice(applied.prepared.device),
        location: placeFrom(applied.prepared.location),
        occurred_at: new Date(e.ts).toISOString(),
        revoke_url: `${deps.publicUrl}/v1/revoke/${token}`,
      },
      subject,
    );
  };
}
