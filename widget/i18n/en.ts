// English messages, bundled with the component. Other locales load on demand and must have every key.

import type enAlerts from './en-alerts.js';
import type { DeviceKindNames, default as enDevices } from './en-devices.js';
import type enPrivacy from './en-privacy.js';
import type enSessions from './en-sessions.js';
import type enSupport from './en-support.js';

// `{name}` marks a placeholder; keys ending in `_one`/`_other` are plural forms picked by Intl.PluralRules.
const en = {
  tabs: 'Account activity',
  tab_activity: 'Activity',
  tab_sessions: 'Sessions',
  tab_devices: 'Devices',
  tab_privacy: 'Privacy',
  loading: 'Loading…',
  retry: 'Try again',
  refresh: 'Refresh',
  cancel: 'Cancel',

  filters: 'Show',
  filter_all: 'All',
  filter_signins: 'Sign-ins',
  filter_security: 'Security',
  filter_data: 'Data',
  loadMore: 'Load more',
  emptyActivity: 'No activity yet.',
  emptyFiltered: 'Nothing of this kind yet.',
  failed: 'Failed',
  thisDevice: 'This device',
  unknownDevice: 'Unknown device',
  deviceOn: '{browser} on {os}',
  notMe: 'This wasn’t me',
  reporting: 'Reporting…',
  reportedRevoked: 'Thanks for telling us. That session is signed out.',
  nextStep: 'Next: change your password now, then check your other sessions.',
  newSignin: 'New sign-in: {device}',
  method_password: 'Signed in with a password',
  method_passkey: 'Signed in with a passkey',
  method_sso: 'Signed in with single sign-on',
  method_magic_link: 'Signed in with an email link',
  method_otp: 'Signed in with a one-time code',
  method_oauth: 'Signed in with another account',

  ev_login_success: 'Signed in',
  ev_login_failure: 'Failed sign-in',
  ev_logout: 'Signed out',
  ev_password_change: 'Password changed',
  ev_password_reset_requested: 'Password reset requested',
  ev_mfa_enabled: 'Two-step verification turned on',
  ev_mfa_disabled: 'Two-step verification turned off',
  ev_mfa_challenge_failed: 'Two-step verification code rejected',
  ev_session_created: 'New session started',
  ev_session_expired: 'Session expired',
  ev_session_revoked: 'Session signed out remotely',
  ev_account_locked: 'Account locked',
  ev_permission_granted: 'Permission granted',
  ev_permission_revoked: 'Permission removed',
  ev_data_access: 'Your data was viewed',
  ev_data_export: 'Your data was exported',
  ev_profile_update: 'Profile updated',
  ev_rate_limit_exceeded: 'Too many attempts, slowed down',
  ev_invalid_token_presented: 'Invalid sign-in token rejected',
  ev_suspicious_pattern_detected: 'Unusual activity detected',
  ev_security: 'Blocked a suspicious request',
  ev_erasure_requested: 'Erasure of your personal data requested',
  ev_erasure_cancelled: 'Erasure request cancelled',
  ev_erasure_completed: 'Your personal data was erased',
  ev_log_accessed: 'Your records were looked up in an investigation',
  ev_sensitive_data_redacted: 'A secret was removed from a record',
  ev_alert_raised: 'Security alert raised',
  ev_activity_reported: 'You reported activity that wasn’t you',
  alert_new_device: 'new device and network',
  alert_two_networks: 'two networks at once',
  alert_new_network_export: 'export after a new-network sign-in',
  alert_failures_per_account: 'repeated failed sign-ins',
  alert_mfa_disabled: '2-step verification off',
  alert_account_locked: 'account locked',
  alert_activity_reported: 'reported as not you',
  withReason: '{what} — {reason}',
  reason_invalid_password: 'wrong password',
  reason_unknown_user: 'unknown account',
  reason_invalid_mfa_code: 'wrong verification code',
  reason_account_locked: 'account locked',
  reason_rate_limited: 'too many attempts',
  reason_password_expired: 'password expired',
  support_viewed: 'Support viewed your {what}',
  support_revoked: 'Support signed out a session',
  support_accessed: 'Support accessed your account',
  support_erasure: 'Support requested erasure of your personal data',
  support_reported: 'Support reported activity that wasn’t you',
  withTicket: '{what} — ticket {ticket}',
  res_activity: 'activity',
  res_sessions: 'sessions',
  res_devices: 'devices',
  res_alerts: 'security alerts',
  res_erasure: 'erasure requests',

  revokedOne: 'Signed out {device}.',
  revokedGone: 'That session had already ended.',
  revokedOthers_one: 'Signed out {n} other session.',
  revokedOthers_other: 'Signed out {n} other sessions.',

  alerts: 'Security alerts',

  err_network: 'Can’t connect. Check your connection and try again.',
  err_auth: 'We couldn’t confirm it’s you. Reload the page and try again.',
  offline: 'Offline: showing what was loaded. It updates by itself when the connection is back.',
  err_forbidden: 'You don’t have access to this.',
  err_not_found: 'This could not be found.',
  err_rate_limited: 'Too many requests. Wait a moment and try again.',
  err_reason: 'A ticket reference is required.',
  err_conflict: 'That is already in progress.',
  err_legal_hold: 'This account is under a legal hold, so its data can’t be erased now.',
  err_generic: 'Something went wrong on our side. Try again in a moment.',
};

export type MessageKey =
  | keyof typeof en
  | keyof typeof enPrivacy
  | keyof typeof enSupport
  | keyof typeof enAlerts
  | keyof typeof enSessions
  | keyof typeof enDevices
  | keyof DeviceKindNames;
export type Messages = Record<MessageKey, string>;
export default en;
