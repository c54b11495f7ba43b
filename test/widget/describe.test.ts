import { expect, it, describe as suite } from 'vitest';
import type { ActivityItem } from '../../shared/api.js';
import de from '../../widget/i18n/de.js';
import { describe, deviceLabel, errorKey, humanize, ticketRef } from '../../widget/internal/describe.js';
import { I18n } from '../../widget/internal/i18n.js';

const en = new I18n();
const german = new I18n(de, 'de', 'de');

function item(
  event_type: string,
  metadata: Record<string, unknown> | null = null,
  outcome: 'success' | 'failure' | null = 'success',
) {
  return { event_type, metadata, outcome } as Pick<ActivityItem, 'event_type' | 'metadata' | 'outcome'>;
}

suite('describe', () => {
  it('should say what happened in plain words', () => {
    expect(describe(item('login_success'), en)).toBe('Signed in');
    expect(describe(item('password_change'), en)).toBe('Password changed');
    expect(describe(item('mfa_enabled'), en)).toBe('Two-step verification turned on');
  });

  it('should say how the user signed in, where the host told', () => {
    expect(describe(item('login_success', { method: 'passkey' }), en)).toBe('Signed in with a passkey');
    expect(describe(item('login_success', { method: 'sso' }), german)).toBe('Mit Single Sign-on angemeldet');
    expect(describe(item('login_success', { method: 'carrier_pigeon' }), en)).toBe('Signed in');
  });

  it('should add the reason of a failed sign-in', () => {
    const failed = item('login_failure', { reason: 'invalid_password', attempt_count: 3 }, 'failure');
    expect(describe(failed, en)).toBe('Failed sign-in — wrong password');
    expect(describe(failed, german)).toBe('Anmeldung fehlgeschlagen – falsches Passwort');
  });

  it('should explain the reasons the demo and common hosts send', () => {
    expect(describe(item('login_failure', { reason: 'invalid_mfa_code' }, 'failure'), en)).toBe(
      'Failed sign-in — wrong verification code',
    );
  });

  it('should word an unknown reason from its identifier', () => {
    expect(describe(item('login_failure', { reason: 'captcha_missing' }, 'failure'), en)).toBe(
      'Failed sign-in — captcha missing',
    );
  });

  it('should not add a reason to a success', () => {
    expect(describe(item('logout', { reason: 'user_initiated' }), en)).toBe('Signed out');
  });

  it('should say which part of the account support looked at, and for which ticket', () => {
    const viewed = item('support_access', { agent: 'agent_jamie', reason: '142', action: 'viewed_sessions' });
    expect(describe(viewed, en)).toBe('Support viewed your sessions — ticket #142');
    expect(describe(item('support_access', { reason: 'Ticket #77', action: 'viewed_activity' }), en)).toBe(
      'Support viewed your activity — ticket #77',
    );
  });

  it('should speak of the customer, not "you", to a support agent', async () => {
    await import('../../widget/internal/support.js'); // brings support mode's words
    const viewed = item('support_access', { reason: '142', action: 'viewed_sessions' });
    expect(describe(viewed, en, true)).toBe('Support viewed the customer’s sessions — ticket #142');
    expect(describe(item('data_access'), en, true)).toBe('The customer’s data was viewed');
    expect(describe(item('data_access'), en)).toBe('Your data was viewed');
  });

  it('should say when support acted rather than looked', () => {
    const reason = 'ZD-1234';
    expect(describe(item('support_access', { reason, action: 'revoked_session' }), en)).toBe(
      'Support signed out a session — ticket ZD-1234',
    );
    expect(describe(item('support_access', { reason, action: 'requested_erasure' }), en)).toBe(
      'Support requested erasure of your personal data — ticket ZD-1234',
    );
    expect(describe(item('support_access', { reason, action: 'reported_activity' }), en)).toBe(
      'Support reported activity that wasn’t you — ticket ZD-1234',
    );
    expect(describe(item('support_access', {}), en)).toBe('Support accessed your account');
  });

  it('should word custom and unknown types from their names', () => {
    expect(describe(item('x_document_shared'), en)).toBe('Document shared');
    expect(describe(item('backup_completed'), en)).toBe('Backup completed');
    expect(describe(item('sql_injection_attempt_blocked'), en)).toBe('Blocked a suspicious request');
  });

  it('should pass markup in metadata through as text, untouched', () => {
    const text = describe(item('login_failure', { reason: '<img src=x onerror=alert(1)>' }, 'failure'), en);
    expect(text).toBe('Failed sign-in — <img src=x onerror=alert(1)>');
  });

  it('should ignore metadata values that are not strings', () => {
    expect(describe(item('login_failure', { reason: { nested: true } }, 'failure'), en)).toBe(
      'Failed sign-in',
    );
  });
});

suite('deviceLabel', () => {
  it('should join browser and OS, or use whichever is known', () => {
    expect(deviceLabel({ browser: 'Firefox', os: 'Windows', type: 'desktop' }, en)).toBe(
      'Firefox on Windows',
    );
    expect(deviceLabel({ browser: 'Safari', os: null, type: null }, en)).toBe('Safari');
    expect(deviceLabel({ browser: null, os: 'iOS', type: 'mobile' }, en)).toBe('iOS');
    expect(deviceLabel(null, en)).toBe('Unknown device');
    expect(deviceLabel({ browser: 'Chrome', os: 'macOS', type: 'desktop' }, german)).toBe('Chrome auf macOS');
  });

  it('should name the kind of device in the reader’s language', () => {
    const pixel = {
      browser: 'Chrome',
      os: 'Android',
      type: 'mobile',
      kind: 'android_phone',
      name: 'Android phone',
    } as const;
    expect(deviceLabel(pixel, en)).toBe('Chrome on Android phone');
    expect(deviceLabel(pixel, german)).toBe('Chrome auf Android-Smartphone');
    const iphone = { browser: 'Safari', os: 'iOS', type: 'mobile', kind: 'iphone', name: 'iPhone' } as const;
    expect(deviceLabel(iphone, en)).toBe('Safari on iPhone');
  });
});

suite('ticketRef and humanize', () => {
  it('should number bare ticket ids and drop a repeated "ticket"', () => {
    expect(ticketRef('142')).toBe('#142');
    expect(ticketRef('ticket 142')).toBe('#142');
    expect(ticketRef('Ticket: #9')).toBe('#9');
    expect(ticketRef('TICKET-142')).toBe('TICKET-142');
    expect(ticketRef('')).toBe('');
  });

  it('should keep the agent’s free-text note out of the reference the customer sees', () => {
    expect(ticketRef('ZD-1234 customer sounds confused, probably their husband')).toBe('ZD-1234');
    expect(ticketRef('called about 5512; thinks the laptop was stolen')).toBe('#5512');
    expect(ticketRef('just checking')).toBe('');
  });

  it('should turn identifiers into a sentence-case phrase', () => {
    expect(humanize('document_shared')).toBe('Document shared');
    expect(humanize('two-words.here')).toBe('Two words here');
  });
});

suite('errorKey', () => {
  it('should explain each failure in plain words', () => {
    expect(en.t(errorKey('network'))).toMatch(/connect/i);
    expect(errorKey('unauthorized')).toBe('err_auth');
    expect(errorKey('invalid_token')).toBe('err_auth');
    expect(errorKey('no_token')).toBe('err_auth');
    expect(errorKey('rate_limited')).toBe('err_rate_limited');
    expect(errorKey('legal_hold')).toBe('err_legal_hold');
    expect(errorKey('internal')).toBe('err_generic');
    expect(errorKey('http')).toBe('err_generic');
  });
});

suite('alerts in the activity', () => {
  it('should say which alert was raised', () => {
    expect(describe(item('alert_raised', { rule: 'new_device' }), en)).toBe(
      'Security alert raised — new device and network',
    );
    expect(describe(item('alert_raised', { rule: 'x_unknown' }), en)).toBe('Security alert raised');
  });
});
