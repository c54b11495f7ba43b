// What happened, in plain words. Pure functions over API data; the results are only ever bound as text.
import type { ActivityItem, DeviceInfo } from '../../shared/api.js';
import type { MessageKey } from '../i18n/en.js';
import type { FailureCode } from './api.js';
import type { I18n } from './i18n.js';

const SECURITY_BLOCKED = new Set([
  'sql_injection_attempt_blocked',
  'csrf_validation_failed',
  'file_upload_rejected',
  'dependency_vulnerability_detected',
]);
/**
 * What a support agent looked at, recognised by keyword in `metadata.action` (the server writes
 * `viewed_sessions`, `revoked_session`, `requested_erasure`, `reported_activity`, …).
 */
const SUPPORT_RESOURCES = [
  ['activit', 'res_activity'],
  ['session', 'res_sessions'],
  ['device', 'res_devices'],
  ['alert', 'res_alerts'],
  ['erasure', 'res_erasure'],
] as const;

function text(value: unknown, max = 80): string {
  return typeof value === 'string' ? value.trim().slice(0, max) : '';
}

/** `document_shared` → "Document shared". */
export function humanize(identifier: string, locale = 'en'): string {
  const words = identifier.replace(/[_\-.]+/g, ' ').trim();
  return words.charAt(0).toLocaleUpperCase(locale) + words.slice(1);
}

/** "Safari on iPhone", "Firefox on Windows PC", "Chrome on Linux", "Safari", or "Unknown device". */
export function deviceLabel(device: DeviceInfo | null | undefined, i18n: I18n): string {
  const browser = device?.browser;
  // The locale's name for the kind of device; English has none of its own and uses the server's.
  const key = `dev_${device?.kind}` as MessageKey;
  const local = i18n.t(key);
  const os = local !== key ? local : device?.name || device?.os;
  if (browser && os) return i18n.t('deviceOn', { browser, os });
  return browser || os || i18n.t('unknownDevice');
}

/**
 * Only the ticket reference ("#142", "ZD-1234") from what the agent typed: anything else they wrote is a
 * note for their team, not for the customer. Nothing that looks like a reference: nothing shown.
 */
export function ticketRef(reason: string): string {
  const m = /\b([a-z][a-z0-9]{0,15}-\d+)\b|(\d+)/i.exec(reason);
  return m ? (m[1] ?? `#${m[2]}`) : '';
}

/** In support mode, the customer's history speaks of "the customer", not "you". */
function said(i18n: I18n, key: MessageKey, agent: boolean, params?: Record<string, string>): string {
  const theirs = `${key}_agent`;
  return i18n.t(agent && i18n.has(theirs) ? theirs : key, params);
}

function supportLine(meta: Record<string, unknown>, i18n: I18n, agent: boolean): string {
  const action = `${text(meta.action)} ${text(meta.resource_type)}`.toLowerCase();
  let what = said(i18n, 'support_accessed', agent);
  if (/revoke|sign.?out/.test(action)) what = i18n.t('support_revoked');
  else if (/report/.test(action)) what = said(i18n, 'support_reported', agent);
  else if (/request\w*.erasure|erase/.test(action)) what = said(i18n, 'support_erasure', agent);
  else {
    const found = SUPPORT_RESOURCES.find(([word]) => action.includes(word));
    if (found) what = said(i18n, 'support_viewed', agent, { what: i18n.t(found[1]) });
  }
  const ticket = ticketRef(text(meta.reason, 200));
  return ticket ? i18n.t('withTicket', { what, ticket }) : what;
}

/** "Signed in", "Failed sign-in — wrong password", "Support viewed your sessions — ticket #142". */
export function describe(
  item: Pick<ActivityItem, 'event_type' | 'outcome' | 'metadata'>,
  i18n: I18n,
  agent = false,
): string {
  const type = item.event_type;
  const meta = item.metadata ?? {};
  if (type === 'support_access') return supportLine(meta, i18n, agent);
  // Which alert: "Security alert raised — a sign-in from a new device and network".
  const ruleKey = `alert_${text(meta.rule, 40)}`;
  if (type === 'alert_raised' && i18n.has(ruleKey)) {
    return i18n.t('withReason', { what: i18n.t('ev_alert_raised'), reason: i18n.t(ruleKey) });
  }
  const key = `ev_${type}`;
  let what: string;
  if (i18n.has(key)) what = said(i18n, key, agent);
  else if (SECURITY_BLOCKED.has(type)) what = i18n.t('ev_security');
  // Custom `x_…` types and the service's own (rarely a user's business) read well enough from their names.
  else what = humanize(type.replace(/^x_/, ''), i18n.tag);
  // "Signed in with a passkey": the method, where the host said which.
  const methodKey = `method_${text(meta.method, 40).split('+')[0]}`;
  if (type === 'login_success' && i18n.has(methodKey)) what = i18n.t(methodKey);
  const reason = text(meta.reason, 60);
  if (reason && (item.outcome === 'failure' || type === 'login_failure')) {
    const reasonKey = `reason_${reason}`;
    const words = i18n.has(reasonKey)
      ? i18n.t(reasonKey)
      : humanize(reason, i18n.tag).toLocaleLowerCase(i18n.tag);
    return i18n.t('withReason', { what, reason: words });
  }
  return what;
}

/** The plain-words message for a failure. */
export function errorKey(code: FailureCode): MessageKey {
  switch (code) {
    case 'network':
      return 'err_network';
    case 'unauthorized':
    case 'invalid_token':
    case 'no_token':
      return 'err_auth';
    case 'forbidden':
      return 'err_forbidden';
    case 'not_found':
      return 'err_not_found';
    case 'rate_limited':
      return 'err_rate_limited';
    case 'reason_required':
      return 'err_reason';
    case 'conflict':
      return 'err_conflict';
    case 'legal_hold':
      return 'err_legal_hold';
    default:
      return 'err_generic';
  }
}
