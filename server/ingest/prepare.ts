// Turns a validated event into what the writer stores: redacted, personal data lifted out, device parsed,
// session id replaced by its HMAC. Pure apart from the pepper; runs before the write transaction, on a
// worker thread for most ingest bodies (see workers/).
import ipaddr from 'ipaddr.js';
import type { DeviceInfo } from '../../shared/api.js';
import { maskAddress } from '../../shared/mask.js';
import type { IngestEvent } from '../../shared/schemas/event.js';
import type { NewEvent } from '../audit/writer.js';
import { sessionRef } from '../derive/sessions.js';
import { parseUserAgent } from '../derive/user-agent.js';
import type { GeoLocator } from '../geo/index.js';
import { uuidv7 } from '../ids.js';
import { sessionTag } from '../webhooks/outbox.js';
import { liftPersonal } from './personal.js';
import { redactText, redactTree, redactUserAgent } from './redact.js';

export interface PreparedEvent {
  event: NewEvent;
  device: DeviceInfo | null;
  ipNet: string | null;
  /** JSON of the Place looked up from the full address (stored as personal data, beside it). */
  location: string | null;
  /** Paths of fields replaced by `[redacted]`. */
  redacted: string[];
  /** The host session id under the webhook secret (see `sessionTag`), when webhooks are on. */
  hostTag: string | null;
}

/** 16-byte IPv6 form of an address (IPv4 as IPv4-mapped), so ranges compare bytewise. */
export function ipKey(ip: string | ipaddr.IPv4 | ipaddr.IPv6): Buffer {
  const addr = typeof ip === 'string' ? ipaddr.process(ip) : ip;
  if (addr.kind() === 'ipv4')
    return Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...addr.toByteArray()]);
  return Buffer.from(addr.toByteArray());
}

/** The address in the three forms the store keeps, from one parse (this runs for every event). */
function addressForms(raw: string | undefined): { ip: string; ipNet: string; ipKey: Buffer } | null {
  if (!raw) return null;
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(raw);
  } catch {
    return null;
  }
  return { ip: addr.toString(), ipNet: maskAddress(addr), ipKey: ipKey(addr) };
}

/** What preparing needs besides the event: the server's secrets and where addresses are. */
export interface PrepareKeys {
  pepper: Buffer;
  webhookSecret: string | null;
  geo?: GeoLocator | null;
}

export function prepareEvent(e: IngestEvent, keys: PrepareKeys, now = Date.now()): PreparedEvent {
  const redacted: string[] = [];
  const userAgent = redactUserAgent(e.user_agent, redacted);
  const requestId = redactText(e.request_id, 'request_id', redacted) ?? null;
  const resourceType = redactText(e.resource_type, 'resource_type', redacted) ?? null;
  const resourceId = redactText(e.resource_id, 'resource_id', redacted) ?? null;
  const action = redactText(e.action, 'action', redacted) ?? null;
  const cleaned = e.metadata ? redactTree(e.metadata, 'metadata', redacted) : null;
  const lifted = cleaned ? liftPersonal(cleaned) : null;

  const address = addressForms(e.ip_address);
  const ip = address?.ip ?? null;
  const ipNet = address?.ipNet ?? null;
  const place = ip && keys.geo ? keys.geo.locate(ip, ipNet) : null;
  const location = place ? JSON.stringify(place) : null;
  const device = userAgent && userAgent !== '[redacted]' ? parseUserAgent(userAgent) : null;
  const hasPersonal = ip !== null || userAgent !== null || (lifted && Object.keys(lifted.values).length > 0);

  return {
    event: {
      id: e.id ?? uuidv7(now),
      ts: e.timestamp ? Date.parse(e.timestamp) : now,
      eventType: e.event_type,
      level: e.level ?? (e.outcome === 'failure' ? 'WARNING' : 'INFO'),
      outcome: e.outcome ?? null,
      userId: e.user_id ?? null,
      sessionRef: e.session_id ? sessionRef(keys.pepper, e.session_id) : null,
      requestId,
      resourceType,
      resourceId,
      action,
      metadata: lifted ? lifted.metadata : null,
      personal: hasPersonal
        ? {
            ip,
            ipKey: address?.ipKey ?? null,
            ipNet,
            userAgent,
            device,
            location,
            values: lifted?.values ?? {},
          }
        : null,
    },
    device,
    ipNet,
    location,
    redacted,
    hostTag: e.session_id && keys.webhookSecret ? sessionTag(keys.webhookSecret, e.session_id) : null,
  };
}
