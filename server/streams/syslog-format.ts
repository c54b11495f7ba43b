// RFC 5424 syslog messages, framed with RFC 6587 octet counting ("<length> <message>"), as RFC 5425 sends
// them over TLS too. One message per audit event (MSGID = event_type, MSG = the event as JSON) and one per
// signed checkpoint (MSGID = checkpoint, MSG = {"checkpoint": note}).
import { hostname } from 'node:os';
import type { StreamRecord } from './records.js';

/** Our private enterprise number's SD-ID, as the contract names it. */
export const SD_ID = 'receipts@32473';

const FACILITY_AUDIT = 13; // RFC 5424 "log audit"
const FACILITY_USER = 1;
const SEVERITY: Record<string, number> = { DEBUG: 7, INFO: 6, WARNING: 4, ERROR: 3, CRITICAL: 2 };

/** HOSTNAME, APP-NAME, PROCID and MSGID are PRINTUSASCII without spaces, of bounded length, or "-". */
function header(value: string, max: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return clean === '' ? '-' : clean;
}

/** SD-PARAM values escape `"`, `\` and `]` with a backslash (RFC 5424 §6.3.3). */
export function sdValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** JSON with everything outside printable ASCII escaped, so no receiver rewrites or splits it. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

const HOST = header(hostname(), 255);

function message(pri: number, ts: number, msgid: string, sd: string, msg: string): string {
  return `<${pri}>1 ${new Date(ts).toISOString()} ${HOST} receipts ${process.pid} ${header(msgid, 32)} ${sd} ${msg}`;
}

function sd(params: Record<string, string | number | null | undefined>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}="${sdValue(String(v))}"`);
  return `[${SD_ID} ${parts.join(' ')}]`;
}

/** One stream record as an RFC 5424 message (without framing). */
export function syslogMessage(record: StreamRecord): string {
  if (record.kind === 'checkpoint') {
    return message(
      FACILITY_AUDIT * 8 + SEVERITY.INFO!,
      Date.now(),
      'checkpoint',
      sd({ tree_size: record.size, checkpoint_id: record.id }),
      asciiJson({ checkpoint: record.note }),
    );
  }
  const e = record.event;
  const b = record.beside;
  return message(
    FACILITY_AUDIT * 8 + (SEVERITY[e.level] ?? SEVERITY.INFO!),
    e.ts,
    e.event_type,
    sd({
      seq: e.seq,
      hash: e.hash,
      ip: b.ip,
      browser: b.browser,
      os: b.os,
      device_type: b.device_type,
      user_id: b.user_id,
      user_agent: b.user_agent,
    }),
    asciiJson(e),
  );
}

/** A line of the server's own log (JSON, already redacted) as an RFC 5424 message. */
export function logLineMessage(line: string): string {
  let level = 'INFO';
  let eventType = 'log';
  let ts = Date.now();
  try {
    const parsed = JSON.parse(line) as { level?: unknown; event_type?: unknown; timestamp?: unknown };
    if (typeof parsed.level === 'string') level = parsed.level;
    if (typeof parsed.event_type === 'string') eventType = parsed.event_type;
    if (typeof parsed.timestamp === 'string' && !Number.isNaN(Date.parse(parsed.timestamp)))
      ts = Date.parse(parsed.timestamp);
  } catch {
    // Not JSON: sent as it is.
  }
  const msg = line.replace(/\n$/, '').replace(/[\u0000-\u001f\u007f]/g, ' ');
  return message(FACILITY_USER * 8 + (SEVERITY[level] ?? SEVERITY.INFO!), ts, eventType, '-', msg);
}

/** RFC 6587 octet counting: the length in bytes, a space, the message. */
export function frame(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `), body]);
}
