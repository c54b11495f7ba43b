// Redaction rules: secret-named keys, secret-looking values, Luhn, and the tree walk that records field paths.
import { describe, expect, it } from 'vitest';
import {
  isSecretKey,
  looksSecret,
  luhnValid,
  REDACTED,
  redactText,
  redactTree,
} from '../../../server/ingest/redact.js';

describe('isSecretKey', () => {
  it.each([
    'password',
    'Password',
    'user_password',
    'newPassword',
    'passwd',
    'pwd',
    'passphrase',
    'secret',
    'client_secret',
    'token',
    'refresh_token',
    'idToken',
    'authorization',
    'Authorization',
    'auth',
    'cookie',
    'Set-Cookie',
    'api_key',
    'apiKey',
    'X-Api-Key',
    'access_key',
    'private_key',
    'signingKey',
    'credentials',
    'card',
    'card_number',
    'creditCard',
    'cvv',
    'cvc',
    'security_code',
    'ssn',
    'social_security_number',
    'passport_number',
    'iban',
    'account_number',
    'routingNumber',
    'session_id',
    'sessionId',
    'sid',
    'pin',
    'otp',
    'mfa_code',
    'jwt',
    'pan',
  ])('should treat %s as a secret key', (key) => {
    expect(isSecretKey(key)).toBe(true);
  });

  it.each([
    'reason',
    'attempt_count',
    'shipping',
    'shipping_address',
    'pinned',
    'spinner',
    'author',
    'sidebar',
    'side',
    'captain',
    'company',
    'panel',
    'description',
    'cardholder_name',
    'session',
    'method',
    'country',
    'order_id',
  ])('should not treat %s as a secret key', (key) => {
    expect(isSecretKey(key)).toBe(false);
  });
});

describe('luhnValid', () => {
  it('should accept Luhn-valid numbers and refuse others', () => {
    for (const n of [
      '4111111111111111',
      '5555555555554444',
      '378282246310005',
      '6011111111111117',
      '79927398713',
    ])
      expect(luhnValid(n), n).toBe(true);
    for (const n of [
      '4111111111111112',
      '5555555555554445',
      '378282246310006',
      '79927398710',
      '1234567812345678',
    ])
      expect(luhnValid(n), n).toBe(false);
  });
});

describe('looksSecret', () => {
  const jwt =
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
  it.each([
    ['a JWT', jwt],
    ['a JWT inside text', `header was ${jwt}, rejected`],
    ['a PEM private key', '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----'],
    ['an RSA PEM key', '-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----'],
    ['a PGP private key block', '-----BEGIN PGP PRIVATE KEY BLOCK-----\nabc'],
    ['a bearer string', 'Bearer abcdefgh12345678'],
    ['a basic auth header', 'Authorization: Basic dXNlcjpwYXNzd29yZA=='],
    ['an SSN', '078-05-1120'],
    ['an SSN in text', 'applicant 219-09-9999 verified'],
    ['a Visa number with spaces', '4111 1111 1111 1111'],
    ['a Mastercard number with dashes', '5555-5555-5555-4444'],
    ['an Amex number in groups', '3782 822463 10005'],
    ['a card number in text', 'paid with 6011111111111117 today'],
    ['a Stripe key', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'],
    ['a Stripe test key', 'pk_test_TYooMQauvdEDq54NiTphI7jx'],
    ['an AWS access key id', 'AKIAIOSFODNN7EXAMPLE'],
    ['an AWS secret access key', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['a GitHub token', 'ghp_1234567890abcdefghijklmnopqrstuvwxyzAB'],
    ['a GitHub fine-grained token', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnop'],
    ['a GitLab token', 'glpat-abcdefghij1234567890'],
    ['a Slack token', 'xoxb-123456789012-1234567890123-abcdefghij'],
    ['a Google API key', 'AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY'],
    ['an OpenAI-style key', 'sk-proj-abcdefghijklmnopqrstuvwx'],
    ['an npm token', 'npm_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['a SendGrid key', 'SG.abcdefghijklmnopqrst.abcdefghijklmnopqrstuvwxyz'],
    ['a webhook secret', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    ['our own ingest key', 'rcpt_ik_abcdefghijklmnop1234'],
    ['credentials in a URL', 'https://admin:hunter22@db.example.com/x'],
    ['credentials in a DSN', 'postgres://app:s3cret@10.0.0.5:5432/prod'],
    ['password= in text', 'login failed: password=Tr0ub4dor&3 for admin'],
    ['api_key: in text', 'config api_key: abc123 loaded'],
    ['a high-entropy key', 'Zx9qL2mP7vR4tY8wK3nB6cF1hJ5gD0sA'],
  ])('should catch %s', (_, value) => {
    expect(looksSecret(value)).toBe(true);
  });

  it.each([
    ['a UUID', '3f2b8c1e-7d4a-4e1b-9c2d-5a6b7c8d9e0f'],
    ['a sha256 hex digest', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['an ISO date', '2026-04-01T14:23:11Z'],
    ['an order number', 'ORD-2026-000123'],
    ['a ULID', '01JQ8Z3X4Y5W6V7T8S9R0QPNMK'],
    ['a request id', 'req_9d2a1c0f3b7e4a6d'],
    [
      'a Chrome user agent',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    ],
    [
      'a Safari user agent',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    ],
    ['a 16-digit number that fails Luhn', '4111 1111 1111 1112'],
    ['a phone number', '+1 (555) 010-9999'],
    ['a sentence about passwords', 'the user changed their password'],
    ['a URL without credentials', 'https://example.com/account?tab=security'],
    ['a short string', 'Bearer x'],
    ['an SSN-shaped invalid number', '000-12-3456'],
  ])('should let %s through', (_, value) => {
    expect(looksSecret(value)).toBe(false);
  });
});

describe('redactTree', () => {
  it('should replace secret-named keys at any depth and secret-looking values, recording only paths', () => {
    const input = {
      reason: 'invalid_password',
      password: 'hunter22',
      request: { headers: { Authorization: 'Basic abc', Accept: 'text/html' } },
      attempts: [{ at: 1 }, { token: 'tok_123' }],
      note: 'card 4111 1111 1111 1111',
      amount: 4242424242424242,
      count: 3,
    };
    const fields: string[] = [];
    const out = redactTree(input, 'metadata', fields);
    expect(out).toEqual({
      reason: 'invalid_password',
      password: REDACTED,
      request: { headers: { Authorization: REDACTED, Accept: 'text/html' } },
      attempts: [{ at: 1 }, { token: REDACTED }],
      note: REDACTED,
      amount: REDACTED,
      count: 3,
    });
    expect(fields.sort()).toEqual(
      [
        'metadata.password',
        'metadata.request.headers.Authorization',
        'metadata.attempts[1].token',
        'metadata.note',
        'metadata.amount',
      ].sort(),
    );
    expect(JSON.stringify(fields)).not.toMatch(/hunter22|Basic abc|tok_123|4111/);
  });

  it('should redact a whole subtree under a secret-named key', () => {
    const fields: string[] = [];
    expect(redactTree({ credentials: { user: 'a', pass: 'b' } }, 'metadata', fields)).toEqual({
      credentials: REDACTED,
    });
    expect(fields).toEqual(['metadata.credentials']);
  });

  it('should keep booleans, nulls and empty strings under secret-named keys: they carry no secret', () => {
    const fields: string[] = [];
    const input = { password_set: true, mfa_code: null, token: '', pin: false };
    expect(redactTree(input, 'metadata', fields)).toEqual(input);
    expect(fields).toEqual([]);
  });

  it('should replace a secret used as a key, without naming it in the path', () => {
    const key = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
    const other = 'ghp_1234567890abcdefghijklmnopqrstuvwxyzAB';
    const fields: string[] = [];
    const out = redactTree({ revoked: { [key]: true, [other]: 'x', plain: 1 } }, 'metadata', fields);
    expect(out).toEqual({ revoked: { [REDACTED]: REDACTED, '[redacted 2]': REDACTED, plain: 1 } });
    expect(fields).toEqual(['metadata.revoked.[redacted]', 'metadata.revoked.[redacted 2]']);
    expect(JSON.stringify([out, fields])).not.toContain('sk_live');
  });

  it('should not modify its input', () => {
    const input = { password: 'hunter22', nested: { token: 'abc' } };
    const copy = structuredClone(input);
    redactTree(input, 'metadata', []);
    expect(input).toEqual(copy);
  });

  it('should leave a tree without secrets equal to itself', () => {
    const input = { a: [1, 'two', { three: null }], b: { c: 'ORD-2026-000123' }, d: 1.5 };
    const fields: string[] = [];
    expect(redactTree(input, 'metadata', fields)).toEqual(input);
    expect(fields).toEqual([]);
  });
});

describe('redactText', () => {
  it('should redact a secret-looking text field and record its name', () => {
    const fields: string[] = [];
    expect(redactText('curl/8 Bearer abcdefgh12345678', 'user_agent', fields)).toBe(REDACTED);
    expect(redactText('req_123', 'request_id', fields)).toBe('req_123');
    expect(redactText(undefined, 'resource_id', fields)).toBeUndefined();
    expect(fields).toEqual(['user_agent']);
  });
});
