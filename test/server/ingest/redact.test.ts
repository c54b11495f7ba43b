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
import { controlCorpus } from './corpus/controls.js';
import { iban, rng, ssn, withLuhn } from './corpus/random.js';
import { secretCorpus } from './corpus/secrets.js';

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

const r = rng(7);
const card = (prefix: string, length: number) =>
  withLuhn(prefix + r.chars('0123456789', length - prefix.length - 1));
const breakLuhn = (n: string) => n.slice(0, -1) + ((Number(n.at(-1)) + 1) % 10);
const groups = (n: string, sep: string) => n.match(/.{1,4}/g)!.join(sep);
const VISA = card('4', 16);
const MASTERCARD = card('55', 16);
const AMEX = card('37', 15);
const DISCOVER = card('6011', 16);
const [SA, SB, SC] = ssn(r);
const SSN = `${SA}-${SB}-${SC}`;
/** PEM armour lines, built so that this file holds none. */
const armour = (edge: 'BEGIN' | 'END', label: string) => `${'-'.repeat(5)}${edge} ${label}${'-'.repeat(5)}`;
const pw = r.fill('{A:10}');

describe('luhnValid', () => {
  it('should accept Luhn-valid numbers and refuse others', () => {
    for (const n of [VISA, MASTERCARD, AMEX, DISCOVER, '79927398713']) expect(luhnValid(n), n).toBe(true);
    for (const n of [VISA, MASTERCARD, AMEX, '79927398713'].map(breakLuhn))
      expect(luhnValid(n), n).toBe(false);
    expect(luhnValid('1234567812345678')).toBe(false);
  });
});

describe('looksSecret', () => {
  const jwt = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"1234567890"}').toString('base64url')}.${r.fill('{u:43}')}`;
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  it.each([
    ['a JWT', jwt],
    ['a JWT inside text', `header was ${jwt}, rejected`],
    [
      'a PEM private key',
      `${armour('BEGIN', 'PRIVATE KEY')}\n${r.fill('{b:40}')}\n${armour('END', 'PRIVATE KEY')}`,
    ],
    ['an RSA PEM key', `${armour('BEGIN', 'RSA PRIVATE KEY')}\nabc\n${armour('END', 'RSA PRIVATE KEY')}`],
    ['a PGP private key block', `${armour('BEGIN', 'PGP PRIVATE KEY BLOCK')}\nabc`],
    ['a bearer string', `Bearer ${r.fill('{A:16}')}`],
    ['a basic auth header', `Authorization: Basic ${b64('user:password')}`],
    ['an SSN', SSN],
    ['an SSN in text', `applicant ${SSN} verified`],
    ['an SSN with spaces', `${SA} ${SB} ${SC}`],
    ['an SSN with dots', `${SA}.${SB}.${SC}`],
    ['an SSN named in text', `SSN ${SA}${SB}${SC} on file`],
    ['a Visa number with spaces', groups(VISA, ' ')],
    ['a Mastercard number with dashes', groups(MASTERCARD, '-')],
    ['a card number with dots', groups(VISA, '.')],
    ['an Amex number in groups', `${AMEX.slice(0, 4)} ${AMEX.slice(4, 10)} ${AMEX.slice(10)}`],
    ['a card number in text', `paid with ${DISCOVER} today`],
    ['an IBAN', iban('DE', r.chars('0123456789', 18))],
    [
      'a spaced IBAN in text',
      `refund to ${groups(iban('GB', `NWBK${r.chars('0123456789', 14)}`), ' ')} please`,
    ],
    ['a passport number in text', 'passport number X12345678'],
    ['a passport number said in a sentence', 'her passport number is C01X00T47'],
    ['a Stripe key', r.fill('sk_live_{A:24}')],
    ['a Stripe test key', r.fill('pk_test_{A:24}')],
    ['an AWS access key id', r.fill('AKIA{U:16}')],
    ['an AWS secret access key', `${r.fill('{A:30}')}/${r.fill('{A:9}')}`],
    ['a GitHub token', r.fill('ghp_{A:36}')],
    ['a GitHub token with a zero-width space', r.fill('ghp_{A:10}\u200b{A:26}')],
    [
      'a GitHub token in full-width letters',
      [...r.fill('ghp_{A:36}')].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join(''),
    ],
    ['a GitHub fine-grained token', r.fill('github_pat_{A:22}_{A:30}')],
    ['a GitLab token', r.fill('glpat-{A:20}')],
    ['a Slack token', r.fill('xoxb-{d:12}-{d:13}-{A:10}')],
    ['a Google API key', r.fill('AIza{u:35}')],
    ['an OpenAI-style key', r.fill('sk-proj-{A:24}')],
    ['an npm token', r.fill('npm_{A:36}')],
    ['a SendGrid key', r.fill('SG.{A:20}.{A:26}')],
    ['a Shopify token', r.fill('shpat_{h:32}')],
    ['a webhook secret', r.fill('whsec_{A:32}')],
    ['our own ingest key', r.fill('rcpt_ik_{A:20}')],
    ['credentials in a URL', `https://admin:${pw}@db.example.com/x`],
    ['credentials in a DSN', `postgres://app:${pw}@10.0.0.5:5432/prod`],
    ['password= in text', 'login failed: password=Tr0ub4dor&3 for admin'],
    ['api_key: in text', 'config api_key: abc123 loaded'],
    ['passphrase: in text', 'passphrase: correct-horse-battery'],
    ['an access_token in a URL query', 'https://app.example.com/cb?access_token=abc123XYZdef&x=1'],
    ['pass= in a URL query', 'https://x.example/login?user=ada&pass=hunter2'],
    ['a JSON body in a string', '{"username":"ada","password":"hunter2"}'],
    ['a form body', 'user=ada&password=hunter2&remember=1'],
    ['a Cookie header line', 'GET / HTTP/1.1\nCookie: sid=abcdef123456; theme=dark'],
    ['base64 of user:password', b64('admin:hunter2')],
    ['a key kept base64-encoded', b64(r.fill('{A:32}'))],
    ['a 32-hex key beside its vendor', `TWILIO_AUTH_TOKEN=${r.fill('{h:32}')}`],
    ['a high-entropy key', r.fill('{A:32}')],
    ['an email:password combo', `ada@example.com:${pw}`],
    ['a card number with en dashes', groups(VISA, '\u2013')],
    ['a password after a form field in a log line', `failed (user=app password = ${pw})`],
  ])('should catch %s', (_, value) => {
    expect(looksSecret(value)).toBe(true);
  });

  it.each([
    ['a UUID', '3f2b8c1e-7d4a-4e1b-9c2d-5a6b7c8d9e0f'],
    ['a sha256 hex digest', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['a 32-hex trace id', '4bf92f3577b34da6a3ce929d0e0e4736'],
    ['an ISO date', '2026-04-01T14:23:11Z'],
    ['an order number', 'ORD-2026-000123'],
    ['a ULID', '01JQ8Z3X4Y5W6V7T8S9R0QPNMK'],
    ['a request id', 'req_9d2a1c0f3b7e4a6d'],
    ['an ISBN', '978-0-306-40615-7'],
    ['an alphabet', 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'],
    [
      'a Chrome user agent',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    ],
    [
      'a Safari user agent',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    ],
    ['a 16-digit number that fails Luhn', groups(breakLuhn(VISA), ' ')],
    ['a phone number', '+1 (555) 010-9999'],
    ['a sentence about passwords', 'the user changed their password'],
    ['a sentence about tokens', 'Bearer token missing; see the token rotation policy'],
    ['a URL without credentials', 'https://example.com/account?tab=security'],
    ['a search for a password policy', 'https://example.com/search?q=password+policy&page=2'],
    ['a short string', 'Bearer x'],
    ['an SSN-shaped invalid number', '000-12-3456'],
    ['a git remote', 'git@github.com:org/repo.git'],
    ['a base64 cursor', Buffer.from('{"id":123,"ts":"2026-04-01"}').toString('base64')],
    ['a base64 URL', Buffer.from('https://example.com/orders?page=2').toString('base64url')],
    ['an address with a port', 'user ada@example.com:8080'],
    ['a validation message', 'Password: must contain at least 12 characters'],
  ])('should let %s through', (_, value) => {
    expect(looksSecret(value)).toBe(false);
  });
});

describe('secret-naming keys', () => {
  it.each([
    ['pw', 'hunter2'],
    ['pass', 'hunter2'],
    ['p\u0430ssword', 'hunter2'], // Cyrillic а
    ['ｐａｓｓｗｏｒｄ', 'hunter2'],
    ['to\u200bken', 'abc'],
    ['bearer', 'abc'],
    ['tax_id', '219099999'],
    ['passport', 'X12345678'],
    ['private', r.fill('{A:20}')],
    ['private', 'hunter2'],
    ['auth', 'Hunter123!'],
    ['passw0rd', 'hunter2'],
    ['pin', '4242'],
    ['datadog_key', r.fill('{h:32}')],
    ['auth', r.fill('{A:20}')],
  ])('should redact %s: %s', (key, value) => {
    const fields: string[] = [];
    expect(redactTree({ [key]: value }, 'metadata', fields)).toEqual({ [key]: REDACTED });
    expect(fields).toEqual([`metadata.${key}`]);
  });

  it.each([
    ['password_policy', 'min 12 chars'],
    ['token_count', 1500],
    ['tokens', 1500],
    ['passport_country', 'DE'],
    ['card_brand', 'visa'],
    ['card_last4', '4242'],
    ['card', 'Visa •••• 4242'],
    ['card', { brand: 'visa', last4: '4242', exp_month: 12 }],
    ['auth_method', 'password'],
    ['token_type', 'Bearer'],
    ['idempotency_key', '3f2b8c1e-7d4a-4e1b-9c2d-5a6b7c8d9e0f'],
    ['password_changed_at', '2026-04-01T14:23:11Z'],
    ['stripe_customer_id', 'cus_NffrFeUfNV2Hib'],
    ['password_policy', { min_length: 12, enforced: 'strict', symbols: true }],
    ['card_number', '4242'],
    ['auth', 'basic'],
    ['keys_page', 'https://example.com/settings/api-keys?page=2'],
    ['s3_key', 'uploads/2026/04/receipt.pdf'],
    ['private', 'yes'],
    ['token_usage', { prompt: 230, completion: 57 }],
  ])('should keep %s: %j', (key, value) => {
    const fields: string[] = [];
    expect(redactTree({ [key]: value }, 'metadata', fields)).toEqual({ [key]: value });
    expect(fields).toEqual([]);
  });

  it('should read a number under a card key as a card number', () => {
    const fields: string[] = [];
    expect(
      redactTree({ card: { number: '12345678' }, passport: { number: 'X12345678' } }, 'metadata', fields),
    ).toEqual({
      card: { number: REDACTED },
      passport: { number: REDACTED },
    });
  });
});

describe('redactTree', () => {
  it('should replace secret-named keys at any depth and secret-looking values, recording only paths', () => {
    const input = {
      reason: 'invalid_password',
      password: 'hunter22',
      request: { headers: { Authorization: 'Basic abc', Accept: 'text/html' } },
      attempts: [{ at: 1 }, { token: 'tok_123' }],
      note: `card ${groups(VISA, ' ')}`,
      amount: Number(VISA),
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
    expect(JSON.stringify(fields)).not.toMatch(/hunter22|Basic abc|tok_123/);
    expect(JSON.stringify(fields)).not.toContain(VISA.slice(0, 8));
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
    const key = r.fill('sk_live_{A:24}');
    const other = r.fill('ghp_{A:36}');
    const fields: string[] = [];
    const out = redactTree({ revoked: { [key]: true, [other]: 'x', plain: 1 } }, 'metadata', fields);
    expect(out).toEqual({ revoked: { [REDACTED]: REDACTED, '[redacted 2]': REDACTED, plain: 1 } });
    expect(fields).toEqual(['metadata.revoked.[redacted]', 'metadata.revoked.[redacted 2]']);
    expect(JSON.stringify([out, fields])).not.toContain('sk_live');
  });

  it('should keep undefined values, as the server log passes them', () => {
    const fields: string[] = [];
    expect(redactTree({ query: { ip: undefined, token: undefined, user_id: 'usr_1' } }, '', fields)).toEqual({
      query: { ip: undefined, token: undefined, user_id: 'usr_1' },
    });
    expect(fields).toEqual([]);
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
    expect(redactText(`curl/8 Bearer ${r.fill('{A:16}')}`, 'user_agent', fields)).toBe(REDACTED);
    expect(redactText('req_123', 'request_id', fields)).toBe('req_123');
    expect(redactText(undefined, 'resource_id', fields)).toBeUndefined();
    expect(fields).toEqual(['user_agent']);
  });
});

describe('random identifiers', () => {
  it('should not take digits inside hex ids and UUIDs for card numbers, IBANs or SSNs', () => {
    const ids = rng(21);
    const flagged: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const hex = ids.fill('{h:24}');
      const uuid = `${ids.fill('{h:8}')}-${ids.fill('{h:4}')}-4${ids.fill('{h:3}')}-a${ids.fill('{h:3}')}-${ids.fill('{h:12}')}`;
      for (const v of [`raw-session-${hex}`, uuid, hex.toUpperCase()]) if (looksSecret(v)) flagged.push(v);
    }
    expect(flagged).toEqual([]);
  });
});

describe('a text judged again', () => {
  // Harmless texts are remembered; a secret must be caught every time it comes, however often it repeats.
  const texts = (): string[] => {
    const out: string[] = [];
    const walk = (v: unknown) => {
      if (typeof v === 'string') out.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    for (const c of secretCorpus()) walk(c.event);
    for (const c of controlCorpus()) walk(c.value);
    return out;
  };

  it('should get the same verdict on every pass over the secret and control corpora', () => {
    const all = texts();
    const first = all.map((t) => looksSecret(t));
    expect(first.filter(Boolean).length, 'the corpus holds secrets').toBeGreaterThan(100);
    expect(first.filter((v) => !v).length, 'and harmless texts').toBeGreaterThan(100);
    for (let pass = 0; pass < 2; pass++) expect(all.map((t) => looksSecret(t))).toEqual(first);
  });

  it('should catch a secret that follows many harmless texts, and after it was caught before', () => {
    const needle = texts().find((t) => t.length <= 256 && looksSecret(t));
    expect(needle, 'a secret short enough to be remembered, were it remembered').toBeDefined();
    const ids = rng(7);
    for (let i = 0; i < 10_000; i++) looksSecret(`order-${ids.fill('{h:24}')}`);
    expect(looksSecret(needle!)).toBe(true);
    expect(looksSecret(needle!)).toBe(true);
  });
});
