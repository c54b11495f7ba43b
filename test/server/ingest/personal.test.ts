// Personal data inside metadata is lifted out of the chained event and can be restored, or reads "[erased]".
import { describe, expect, it } from 'vitest';
import {
  ERASED,
  isPersonalKey,
  liftPersonal,
  looksPersonal,
  PERSONAL,
  restorePersonal,
} from '../../../server/ingest/personal.js';

const asIs = (v: unknown) => v;

describe('isPersonalKey and looksPersonal', () => {
  it('should recognise personal keys', () => {
    for (const k of [
      'email',
      'contactEmail',
      'first_name',
      'lastName',
      'full_name',
      'name',
      'phone',
      'mobile',
      'address',
      'street',
      'postal_code',
      'zip',
      'date_of_birth',
      'dob',
      'ip',
      'client_ip',
      'city',
      'username',
    ])
      expect(isPersonalKey(k), k).toBe(true);
    for (const k of [
      'reason',
      'plan',
      'method',
      'attempt_count',
      'ship',
      'zipper',
      'description',
      'tip',
      'order_id',
    ])
      expect(isPersonalKey(k), k).toBe(false);
  });

  it('should recognise personal values: email addresses, phone numbers, IPs', () => {
    for (const v of [
      'ada@example.com',
      'write to ada.l@example.co.uk please',
      '+44 20 7946 0958',
      '(555) 010-9999',
      '203.0.113.42',
      '2001:db8::1',
    ])
      expect(looksPersonal(v), v).toBe(true);
    for (const v of [
      'ORD-2026-000123',
      '2026-04-01',
      'invalid_password',
      '12345',
      'v1.2.3',
      'user@localhost',
    ])
      expect(looksPersonal(v), v).toBe(false);
  });

  it('should answer for long values with and without an address (the search starts only where one can)', () => {
    // Tried from every position inside the run, 50 000 characters took seconds (past the test's timeout
    // for the set below); from run starts, a millisecond.
    const long = 'x'.repeat(50_000);
    for (const v of [long, `${long}@`, `a@${long}`, `${long} ${long}`])
      expect(looksPersonal(v), v.slice(0, 8)).toBe(false);
    expect(looksPersonal(`${long}@example.com`)).toBe(true);
  });
});

describe('liftPersonal', () => {
  it('should lift an email out, keeping the key with a placeholder', () => {
    const { metadata, values } = liftPersonal({ email: 'ada@example.com', plan: 'pro' });
    expect(metadata).toEqual({ email: PERSONAL, plan: 'pro' });
    expect(values).toEqual({ email: 'ada@example.com' });
  });

  it('should lift personal keys and personal-looking values at any depth, by path', () => {
    const { metadata, values } = liftPersonal({
      contact: { phone: '+1 555 010 9999', preferred: 'sms' },
      note: 'asked to reply to ada@example.com',
      seen_from: ['203.0.113.9', 'web'],
      profile: { name: { first: 'Ada', last: 'Lovelace' } },
      count: 3,
    });
    expect(metadata).toEqual({
      contact: { phone: PERSONAL, preferred: 'sms' },
      note: PERSONAL,
      seen_from: [PERSONAL, 'web'],
      profile: { name: PERSONAL },
      count: 3,
    });
    expect(values).toEqual({
      'contact.phone': '+1 555 010 9999',
      note: 'asked to reply to ada@example.com',
      'seen_from[0]': '203.0.113.9',
      'profile.name': { first: 'Ada', last: 'Lovelace' },
    });
    expect(JSON.stringify(metadata)).not.toMatch(/ada@|Lovelace|203\.0\.113|555/);
  });

  it('should keep booleans, nulls and empty strings under personal keys', () => {
    const input = { email_verified: true, phone: null, name: '' };
    const { metadata, values } = liftPersonal(input);
    expect(metadata).toEqual(input);
    expect(values).toEqual({});
  });

  it('should leave metadata without personal data as it is', () => {
    const input = { reason: 'invalid_password', attempt_count: 3, tags: ['a', 'b'] };
    expect(liftPersonal(input)).toEqual({ metadata: input, values: {} });
  });
});

describe('restorePersonal', () => {
  const original = {
    email: 'ada@example.com',
    contact: { phone: '+1 555 010 9999' },
    ips: ['203.0.113.9'],
    plan: 'pro',
  };
  const lifted = liftPersonal(original);

  it('should put the values back, through the given display function', () => {
    expect(restorePersonal(lifted.metadata, lifted.values, asIs)).toEqual(original);
    const seen: string[] = [];
    const masked = restorePersonal(lifted.metadata, lifted.values, (v, path) => {
      seen.push(path);
      return `<${String(v).length}>`;
    });
    expect(masked).toEqual({ email: '<15>', contact: { phone: '<15>' }, ips: ['<11>'], plan: 'pro' });
    expect(seen.sort()).toEqual(['contact.phone', 'email', 'ips[0]']);
  });

  it('should read "[erased]" once the values are gone', () => {
    expect(restorePersonal(lifted.metadata, null, asIs)).toEqual({
      email: ERASED,
      contact: { phone: ERASED },
      ips: [ERASED],
      plan: 'pro',
    });
    expect(ERASED).toBe('[erased]');
  });

  it('should read "[erased]" for a path whose value is missing, and restore the others', () => {
    const { email: _gone, ...rest } = lifted.values;
    expect(restorePersonal(lifted.metadata, rest, asIs)).toEqual({ ...original, email: ERASED });
  });

  it('should survive a round trip through JSON, as stored', () => {
    const stored = JSON.parse(JSON.stringify(lifted.metadata)) as unknown;
    const values = JSON.parse(JSON.stringify(lifted.values)) as Record<string, unknown>;
    expect(restorePersonal(stored, values, asIs)).toEqual(original);
  });
});
