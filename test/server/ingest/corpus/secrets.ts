// Secret-bearing inputs, each placed where a host might put it. Built at test time from the shapes and a
// seeded generator, so the repository holds no secret-looking literal.
import { ALPHABETS, iban, type Rng, rng, ssn, withLuhn } from './random.js';
import { SHAPES, type Shape } from './shapes.js';

export interface SecretCase {
  name: string;
  /** Fields of the event that carry the secret (merged over a plain event). */
  event: Record<string, unknown>;
  /** Strings that must not be found anywhere afterwards: the secret, in every form it was sent. */
  needles: string[];
  /** `redact`: stored with the field replaced; `refuse`: a 400 naming `field`. */
  expect: 'redact' | 'refuse';
  /** The redacted field's path prefix (`metadata.note`, `request_id`) or the refused field. */
  field: string;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url');

/** A password as people choose them: words, digits, a symbol. */
function password(r: Rng): string {
  const words = ['Hunter', 'Autumn', 'Correct', 'Horse', 'Battery', 'Staple', 'Monkey', 'Dragon', 'Sunshine'];
  return `${r.pick(words)}${r.pick(words).toLowerCase()}${r.chars('0123456789', 3)}${r.pick(['!', '#', '$', '%', '&', '?'])}`;
}

function jwt(r: Rng): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify({ sub: `usr_${r.fill('{a:8}')}`, exp: 1_900_000_000 }));
  return `${header}.${payload}.${r.fill('{u:43}')}`;
}

function pem(r: Rng, label: string): { text: string; line: string } {
  const lines = Array.from({ length: 4 }, () => r.fill('{b:64}'));
  return { text: `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`, line: lines[1]! };
}

type Place = (v: string, r: Rng) => { event: Record<string, unknown>; field: string } | null;

// Where a recognisable secret may sit. Each returns null when the value does not fit the field.
const PLACES: readonly Place[] = [
  (v) => ({ event: { metadata: { note: v } }, field: 'metadata.note' }),
  (v) => ({ event: { metadata: { a: { b: ['x', { value: v }] } } }, field: 'metadata.a.b[1].value' }),
  (v) => ({ event: { metadata: { api_key: v, reason: 'rotated' } }, field: 'metadata.api_key' }),
  (v) => ({
    event: { metadata: { callback: `https://api.example.com/v1/items?page=2&key=${encodeURIComponent(v)}` } },
    field: 'metadata.callback',
  }),
  (v) => ({
    event: { metadata: { message: `rotated credential ${v} after the incident` } },
    field: 'metadata.message',
  }),
  (v) => ({
    event: { metadata: { body: JSON.stringify({ config: { value: v } }) } },
    field: 'metadata.body',
  }),
  (v) => ({
    event: {
      metadata: {
        form: `grant_type=client_credentials&client_id=app&client_secret=${encodeURIComponent(v)}`,
      },
    },
    field: 'metadata.form',
  }),
  (v) => ({
    event: {
      metadata: { request: `POST /hook HTTP/1.1\nHost: api.example.com\nX-Api-Key: ${v}\nAccept: */*` },
    },
    field: 'metadata.request',
  }),
  (v) => (v.length <= 128 ? { event: { request_id: v }, field: 'request_id' } : null),
  (v) =>
    v.length <= 256 ? { event: { resource_type: 'api_key', resource_id: v }, field: 'resource_id' } : null,
  (v) => (v.length <= 120 ? { event: { action: `rotate ${v}` }, field: 'action' } : null),
  (v) => ({ event: { user_agent: `MyApp/2.1 (key ${v})` }, field: 'user_agent' }),
  (v) => ({ event: { metadata: { items: ['first', v] } }, field: 'metadata.items[1]' }),
  (v) =>
    v.length <= 128 && !v.includes('\n')
      ? { event: { metadata: { revoked: { [v]: true } } }, field: 'metadata.revoked' }
      : null,
  (v) => ({ event: { metadata: { state: b64(JSON.stringify({ t: v })) } }, field: 'metadata.state' }),
  (v) => ({
    event: { metadata: { env: `NODE_ENV=production\nSERVICE_TOKEN=${v}\n` } },
    field: 'metadata.env',
  }),
];

// Where a key with no fixed prefix sits beside its vendor's name.
const VENDOR_PLACES: readonly ((
  v: string,
  vendor: string,
) => { event: Record<string, unknown>; field: string })[] = [
  (v, vendor) => ({ event: { metadata: { [`${vendor}_api_key`]: v } }, field: `metadata.${vendor}_api_key` }),
  (v, vendor) => ({ event: { metadata: { [vendor]: { key: v } } }, field: `metadata.${vendor}.key` }),
  (v, vendor) => ({
    event: { metadata: { env: `NODE_ENV=production\n${vendor.toUpperCase()}_API_KEY=${v}\n` } },
    field: 'metadata.env',
  }),
  (v, vendor) => ({ event: { metadata: { [`${vendor}Key`]: v } }, field: `metadata.${vendor}Key` }),
  (v, vendor) => ({
    event: { metadata: { config: `{"${vendor}_secret": "${v}"}` } },
    field: 'metadata.config',
  }),
  (v, vendor) => ({
    event: { metadata: { [`${vendor}_auth_token`]: v } },
    field: `metadata.${vendor}_auth_token`,
  }),
];

function shapeCases(r: Rng): SecretCase[] {
  const cases: SecretCase[] = [];
  SHAPES.forEach((shape: Shape, i) => {
    const v = r.fill(shape.template);
    const placeFor = (k: number) => {
      if (shape.vendor) return VENDOR_PLACES[k % VENDOR_PLACES.length]!(v, shape.vendor);
      for (let j = 0; j < PLACES.length; j++) {
        const placed = PLACES[(k + j) % PLACES.length]!(v, r);
        if (placed) return placed;
      }
      throw new Error('no place');
    };
    // Every shape in two places, so each place sees many shapes.
    for (const k of [i, i + 5]) {
      const placed = placeFor(k);
      cases.push({ name: `${shape.name} (${placed.field})`, ...placed, needles: [v], expect: 'redact' });
    }
  });
  return cases;
}

/** The classes that slipped past a list of names and prefixes. */
function classCases(r: Rng): SecretCase[] {
  const cases: SecretCase[] = [];
  const add = (name: string, event: Record<string, unknown>, needles: string[], field: string) =>
    cases.push({ name, event, needles, expect: 'redact', field });
  const refuse = (name: string, event: Record<string, unknown>, needles: string[], field: string) =>
    cases.push({ name, event, needles, expect: 'refuse', field });

  // Secrets inside longer strings.
  for (const param of [
    'access_token',
    'client_secret',
    'pass',
    'password',
    'api_key',
    'token',
    'sig',
    'refresh_token',
  ]) {
    const v =
      param === 'sig'
        ? r.fill('{b:43}=')
        : param === 'pass' || param === 'password'
          ? password(r)
          : r.fill('{A:24}');
    add(
      `?${param}= in a URL`,
      {
        metadata: {
          url: `https://app.example.com/callback?state=xyz&${param}=${encodeURIComponent(v)}&lang=en`,
        },
      },
      [encodeURIComponent(v), v],
      'metadata.url',
    );
  }
  {
    const v = r.fill('{A:30}');
    add(
      '#access_token= in a URL fragment',
      { metadata: { redirect: `https://app.example.com/#access_token=${v}&token_type=bearer` } },
      [v],
      'metadata.redirect',
    );
  }
  {
    const v = password(r);
    add(
      'a JSON body held in a string',
      { metadata: { body: JSON.stringify({ username: 'ada', password: v }) } },
      [v],
      'metadata.body',
    );
  }
  {
    const v = password(r);
    add(
      'a nested JSON body held in a string',
      { metadata: { payload: `{"user": {"login": "ada", "credentials": {"pw": "${v}"}}}` } },
      [v],
      'metadata.payload',
    );
  }
  {
    const v = password(r);
    add(
      'a form body',
      { metadata: { raw_body: `username=ada&password=${encodeURIComponent(v)}&remember=1` } },
      [encodeURIComponent(v)],
      'metadata.raw_body',
    );
  }
  {
    const v = `${r.pick(['correct', 'purple', 'silent'])}-${r.pick(['horse', 'river', 'falcon'])}-${r.pick(['battery', 'lamp', 'stone'])}-${r.chars('0123456789', 2)}`;
    add(
      'passphrase: in text',
      { metadata: { note: `imported key, passphrase: ${v}` } },
      [v],
      'metadata.note',
    );
  }
  {
    const v = password(r);
    add(
      'password = in a log line',
      { metadata: { log: `db connect failed (user=app password = ${v})` } },
      [v],
      'metadata.log',
    );
  }
  {
    const v = r.fill('{h:32}');
    add(
      'a Cookie: header line',
      { metadata: { headers: `Cookie: sid=${v}; theme=dark` } },
      [v],
      'metadata.headers',
    );
  }
  {
    const v = r.fill('{u:40}');
    add(
      'Set-Cookie: in a raw response',
      {
        metadata: {
          response: `HTTP/1.1 302 Found\nLocation: /home\nSet-Cookie: session=${v}; Path=/; HttpOnly`,
        },
      },
      [v],
      'metadata.response',
    );
  }
  {
    const v = r.fill('{A:32}');
    add(
      'Authorization: Bearer in a raw request',
      { metadata: { request: `GET /v1/me HTTP/1.1\nAuthorization: Bearer ${v}` } },
      [v],
      'metadata.request',
    );
  }
  {
    const v = r.fill('{A:24}');
    add('X-Auth-Token: header line', { metadata: { dump: `X-Auth-Token: ${v}` } }, [v], 'metadata.dump');
  }
  {
    const v = b64(`svc-backup:${password(r)}`);
    add(
      'Proxy-Authorization: Basic',
      { metadata: { dump: `Proxy-Authorization: Basic ${v}` } },
      [v],
      'metadata.dump',
    );
  }
  {
    const pw = password(r);
    const v = b64(`ada:${pw}`);
    add(
      'base64 of user:password, no Basic',
      { metadata: { credentials_hint: 'n/a', blob: v } },
      [v, pw],
      'metadata.blob',
    );
  }
  {
    const pw = password(r);
    const v = b64(`deploy:${pw}`);
    add(
      'base64 of user:password in text',
      { metadata: { note: `header value was ${v} (decoded on the proxy)` } },
      [v],
      'metadata.note',
    );
  }
  {
    const v = r.fill('{A:36}');
    add(
      'curl command with a token header',
      { metadata: { cmd: `curl -H "Authorization: token ${v}" https://api.example.com` } },
      [v],
      'metadata.cmd',
    );
  }
  {
    const pw = password(r);
    add(
      'a password in an XML body',
      { metadata: { soap: `<login><user>ada</user><password>${pw}</password></login>` } },
      [pw],
      'metadata.soap',
    );
    const q = password(r);
    add(
      'a password as a command-line flag',
      { metadata: { argv: `mysql --user app --password ${q} prod` } },
      [q],
      'metadata.argv',
    );
    const c = password(r);
    add(
      'curl -u user:password',
      { metadata: { cmd: `curl -u deploy:${c} https://ci.example.com/api` } },
      [c],
      'metadata.cmd',
    );
    const j = password(r);
    add(
      'JSON kept as a JSON string',
      { metadata: { raw: JSON.stringify(JSON.stringify({ user: 'ada', password: j })) } },
      [j],
      'metadata.raw',
    );
  }
  {
    const pw = password(r);
    add(
      'an email:password combo line',
      { metadata: { leak_check: `found ada.l@example.com:${pw} in a dump` } },
      [pw],
      'metadata.leak_check',
    );
  }
  {
    const n = withLuhn(`4${r.chars('0123456789', 14)}`);
    const dashed = n.match(/.{1,4}/g)!.join('\u2013');
    add('a card number with en dashes', { metadata: { memo: `card ${dashed}` } }, [dashed], 'metadata.memo');
  }
  {
    const pw = password(r);
    add(
      'credentials in a DSN',
      { metadata: { dsn: `postgres://app:${encodeURIComponent(pw)}@10.0.0.5:5432/prod` } },
      [encodeURIComponent(pw)],
      'metadata.dsn',
    );
  }
  {
    const pw = password(r);
    add(
      'a connection string with Password=',
      { metadata: { conn: `Server=db;Database=app;User Id=app;Password=${pw};` } },
      [pw],
      'metadata.conn',
    );
  }
  {
    const t = jwt(r);
    add(
      'a JWT in text',
      { metadata: { detail: `client sent ${t} twice` } },
      [t.split('.')[2]!],
      'metadata.detail',
    );
  }
  for (const label of [
    'RSA PRIVATE KEY',
    'EC PRIVATE KEY',
    'OPENSSH PRIVATE KEY',
    'PGP PRIVATE KEY BLOCK',
    'ENCRYPTED PRIVATE KEY',
  ]) {
    const p = pem(r, label);
    add(`PEM ${label}`, { metadata: { attachment: { content: p.text } } }, [p.line], 'metadata.attachment');
  }
  {
    const v = JSON.stringify({
      type: 'service_account',
      project_id: 'demo',
      private_key_id: r.fill('{h:40}'),
    });
    add(
      'a Google service-account JSON',
      { metadata: { uploaded: v } },
      [JSON.parse(v).private_key_id],
      'metadata.uploaded',
    );
  }

  // Numbers in other spellings.
  const card = (prefix: string, length: number) =>
    withLuhn(prefix + r.chars('0123456789', length - prefix.length - 1));
  const groups = (n: string, sep: string) => n.match(/.{1,4}/g)!.join(sep);
  for (const [brand, prefix, length] of [
    ['Visa', '4', 16],
    ['Mastercard', `5${1 + r.int(5)}`, 16],
    ['Mastercard 2-series', '2221', 16],
    ['Amex', '37', 15],
    ['Discover', '6011', 16],
    ['JCB', '35', 16],
    ['UnionPay', '62', 19],
    ['Diners', '36', 14],
  ] as const) {
    const n = card(prefix, length);
    const sep = r.pick(['.', ' ', '-', '']);
    const spelled = groups(n, sep);
    add(
      `${brand} card number with "${sep}"`,
      { metadata: { memo: `paid with ${spelled} today` } },
      [spelled, n],
      'metadata.memo',
    );
  }
  {
    const n = card('4', 16);
    add(
      'a card number with dots',
      { metadata: { ref: groups(n, '.') } },
      [groups(n, '.'), n],
      'metadata.ref',
    );
    add('a card number as a JSON number', { metadata: { value: Number(n) } }, [n], 'metadata.value');
  }
  for (const [country, bban] of [
    ['DE', () => r.chars('0123456789', 18)],
    ['GB', () => `NWBK${r.chars('0123456789', 14)}`],
    ['FR', () => r.chars('0123456789', 23)],
    ['NL', () => `ABNA${r.chars('0123456789', 10)}`],
    ['ES', () => r.chars('0123456789', 20)],
    ['IT', () => `X${r.chars('0123456789', 22)}`],
  ] as const) {
    const compact = iban(country, bban());
    const spaced = compact.match(/.{1,4}/g)!.join(' ');
    add(`IBAN ${country} compact`, { metadata: { payout_ref: compact } }, [compact], 'metadata.payout_ref');
    add(
      `IBAN ${country} spaced in text`,
      { metadata: { note: `refund to ${spaced} requested` } },
      [spaced, compact],
      'metadata.note',
    );
  }
  {
    const compact = iban('DE', r.chars('0123456789', 18));
    add(
      'IBAN in lower case',
      { metadata: { account: compact.toLowerCase() } },
      [compact.toLowerCase()],
      'metadata.account',
    );
  }
  for (const key of ['tax_id', 'ssn', 'taxpayerId', 'social_security_number', 'national_id']) {
    const [a, b, c] = ssn(r);
    add(
      `an SSN without separators under ${key}`,
      { metadata: { [key]: `${a}${b}${c}` } },
      [`${a}${b}${c}`],
      `metadata.${key}`,
    );
  }
  for (const sep of ['-', ' ', '.']) {
    const [a, b, c] = ssn(r);
    const v = [a, b, c].join(sep);
    add(`an SSN with "${sep}" under an innocent key`, { metadata: { ref: v } }, [v], 'metadata.ref');
  }
  {
    const [a, b, c] = ssn(r);
    add(
      'an SSN named in text',
      { metadata: { note: `SSN ${a}${b}${c} on file` } },
      [`${a}${b}${c}`],
      'metadata.note',
    );
  }
  {
    const [a, b, c] = ssn(r);
    add(
      'an SSN with spaces that could pass for a phone number',
      { metadata: { contact_ref: `${a} ${b} ${c}` } },
      [`${a} ${b} ${c}`],
      'metadata.contact_ref',
    );
  }
  for (const text of ['passport number X{d:8}', 'Passport No. {d:9}', 'passport: C{U:8}']) {
    const v = r.fill(text);
    const core = v.split(/[\s:.]+/).pop()!;
    add(
      `a passport number in text (${text})`,
      { metadata: { note: `verified ${v} at the desk` } },
      [core],
      'metadata.note',
    );
  }
  {
    const v = r.fill('X{d:8}');
    add(
      'a passport number under passport_number',
      { metadata: { passport_number: v } },
      [v],
      'metadata.passport_number',
    );
    const w = r.fill('P{d:8}');
    add(
      'a passport number nested under passport',
      { metadata: { passport: { country: 'DE', number: w } } },
      [w],
      'metadata.passport.number',
    );
  }

  // Key names a list misses or that are disguised.
  for (const key of [
    'pw',
    'pass',
    'PASSWORD',
    'pass_word',
    'security_answer',
    'smtp_pass',
    'db_password',
    'Pass-Word',
    'user.password',
    'newPwd',
    'passwd2',
    'pin_code',
  ]) {
    const v = password(r);
    add(`key ${key}`, { metadata: { [key]: v } }, [v], `metadata.${key}`);
  }
  for (const key of [
    'bearer',
    'private',
    'auth',
    'privateKey',
    'signing_secret',
    'client-secret',
    'ApiKey',
    'x-api-key',
    'mailgun_key',
    'license_key',
    'hmac',
  ]) {
    const v = r.fill('{A:28}');
    add(`key ${key}`, { metadata: { [key]: v } }, [v], `metadata.${key}`);
  }
  for (const [label, key] of [
    ['Cyrillic а in password', 'p\u0430ssword'],
    ['Greek ο in password', 'passw\u03bfrd'],
    ['full-width password', 'ｐａｓｓｗｏｒｄ'],
    ['Cyrillic е in secret', 's\u0435cret'],
    ['digits for letters', 'passw0rd'],
    ['digits for letters in a token name', 'auth_t0ken'],
    ['zero-width space in token', 'to\u200bken'],
    ['full-width API key', 'ａｐｉ＿ｋｅｙ'],
  ] as const) {
    const v = password(r);
    add(`key with ${label}`, { metadata: { [key]: v } }, [v], `metadata.${key}`);
  }
  {
    const v = r.fill('ghp_{A:36}');
    const hidden = `${v.slice(0, 12)}\u200b${v.slice(12)}`;
    add(
      'a zero-width space inside a GitHub token',
      { metadata: { note: hidden } },
      [hidden, v.slice(12)],
      'metadata.note',
    );
    const w = r.fill('sk_live_{A:24}');
    const soft = `${w.slice(0, 10)}\u00ad${w.slice(10)}`;
    add(
      'a soft hyphen inside a Stripe key',
      { metadata: { note: soft } },
      [soft, w.slice(10)],
      'metadata.note',
    );
    const f = r.fill('glpat-{A:20}');
    const wide = [...f].map((ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0)).join('');
    add('a GitLab token in full-width letters', { metadata: { note: wide } }, [wide], 'metadata.note');
  }
  for (const [key, v] of [
    ['pin', 4821],
    ['cvv', 737],
    ['otp', 482917],
    ['security_code', 1234],
  ] as const) {
    add(`a ${key} as a JSON number`, { metadata: { [key]: v } }, [], `metadata.${key}`);
  }

  // Fields that were never scanned.
  {
    const v = r.fill('ghp_{A:36}');
    refuse('a GitHub token as the event id', { id: v }, [v], 'id');
    const u = r.fill('sk_live_{A:24}');
    refuse('a Stripe key as the user id', { user_id: u }, [u], 'user_id');
    const s = r.fill('AKIA{2:16}');
    refuse('an AWS key id as the session id', { session_id: s }, [s], 'session_id');
    const t = r.fill('glpat-{u:20}');
    refuse('a GitLab token in a custom event type', { event_type: `x_${t}` }, [t], 'event_type');
    const c = groups(card('4', 16), ' ');
    refuse('a card number as the user id', { user_id: c }, [c], 'user_id');
    const j = jwt(r);
    refuse('a JWT as the event id', { id: j.slice(0, 128) }, [j.slice(0, 128)], 'id');
  }
  {
    const v = r.fill('xoxb-{d:12}-{d:13}-{A:24}');
    add('a Slack token as request_id', { request_id: v }, [v], 'request_id');
    const w = r.fill('{A:40}');
    add('a generated key as resource_id', { resource_id: w }, [w], 'resource_id');
    const p = password(r);
    add('password= in action', { action: `login password=${p}` }, [p], 'action');
    const k = r.fill('AKIA{2:16}');
    add('an AWS key id as resource_type', { resource_type: k }, [k], 'resource_type');
    const b = r.fill('{A:32}');
    add('a bearer token in the user agent', { user_agent: `curl/8.5.0 (Bearer ${b})` }, [b], 'user_agent');
  }

  // Keys whose entropy alone does not show them: base62 and base64 keys that drew no digit (a
  // 32-character base62 key does about once in 280), and keys in one case — base32 (a TOTP seed of 20
  // bytes is 32 characters), Crockford's base32, base36 — under names that say nothing.
  for (const [alphabet, what, lengths, name] of [
    [ALPHABETS['2']!, 'base32', [32, 40, 52], 'reference'],
    [ALPHABETS.C!, "Crockford's base32", [32, 40, 52], 'reference'],
    [ALPHABETS.a!, 'base36', [32, 40, 52], 'reference'],
    [ALPHABETS.L!, 'letters', [32, 44, 64], 'blob'],
    [`${ALPHABETS.L}+/`, 'base64 without digits', [32, 44, 64], 'blob'],
    [`${ALPHABETS.L}-_`, 'base64url without digits', [32, 44, 64], 'blob'],
  ] as const) {
    for (const n of lengths) {
      const v = r.chars(alphabet, n);
      add(`a ${n}-character key of ${what}`, { metadata: { [name]: v } }, [v], `metadata.${name}`);
      const w = r.chars(alphabet, n);
      add(
        `a ${n}-character key of ${what} in text`,
        { metadata: { note: `new key ${w} issued` } },
        [w],
        'metadata.note',
      );
    }
  }
  return cases;
}

export function secretCorpus(seed = 20261201): SecretCase[] {
  const r = rng(seed);
  return [...shapeCases(r), ...classCases(r)];
}
