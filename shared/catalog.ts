// The event catalogue: the event types a host may send (unknown types only as `x_…`).

export const EVENT_TYPES = {
  auth: [
    'login_success',
    'login_failure',
    'logout',
    'password_change',
    'password_reset_requested',
    'mfa_enabled',
    'mfa_disabled',
    'mfa_challenge_failed',
    'session_created',
    'session_expired',
    'session_revoked',
    'account_locked',
    'permission_granted',
    'permission_revoked',
  ],
  data: ['data_access', 'data_export', 'profile_update'],
  security: [
    'rate_limit_exceeded',
    'invalid_token_presented',
    'sql_injection_attempt_blocked',
    'csrf_validation_failed',
    'suspicious_pattern_detected',
    'file_upload_rejected',
    'dependency_vulnerability_detected',
  ],
  system: [
    'application_startup',
    'application_shutdown',
    'config_change',
    'deployment',
    'database_migration_run',
    'backup_completed',
    'backup_failed',
    'dependency_updated',
  ],
  receipts: [
    'erasure_requested',
    'erasure_cancelled',
    'erasure_completed',
    'support_access',
    'log_accessed',
    'sensitive_data_redacted',
    'alert_raised',
    'activity_reported',
    'retention_applied',
  ],
} as const;

export type EventCategory = keyof typeof EVENT_TYPES;
export type KnownEventType = (typeof EVENT_TYPES)[EventCategory][number];
export type CustomEventType = `x_${string}`;
export type EventType = KnownEventType | CustomEventType;

export const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set(Object.values(EVENT_TYPES).flat());
export const CUSTOM_EVENT_TYPE = /^x_[a-z0-9_]{1,64}$/;

export function isEventType(value: string): value is EventType {
  return KNOWN_EVENT_TYPES.has(value) || CUSTOM_EVENT_TYPE.test(value);
}

export function categoryOf(type: string): EventCategory | 'custom' {
  for (const [category, types] of Object.entries(EVENT_TYPES)) {
    if ((types as readonly string[]).includes(type)) return category as EventCategory;
  }
  return 'custom';
}

export const LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;
export type Level = (typeof LEVELS)[number];

export const OUTCOMES = ['success', 'failure'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Events that open a session when they carry a `session_id`. */
export const SESSION_OPENING: ReadonlySet<string> = new Set(['session_created', 'login_success']);
/** Events that end the session they carry, and the status each leaves it in. */
export const SESSION_ENDING: ReadonlyMap<string, 'ended' | 'expired' | 'revoked'> = new Map([
  ['logout', 'ended'],
  ['session_expired', 'expired'],
  ['session_revoked', 'revoked'],
]);
