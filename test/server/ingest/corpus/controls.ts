// Ordinary values that must pass unchanged: identifiers, digests, dates, words, URLs without credentials,
// book numbers, and harmless values under keys that merely mention a secret.
import { ALPHABETS, isbn13, type Rng, rng } from './random.js';

export interface Control {
  key: string;
  value: unknown;
}

function uuid4(r: Rng): string {
  const h = r.chars(ALPHABETS.h!, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[r.int(4)]}${h.slice(17, 20)}-${h.slice(20)}`;
}

function uuid7(r: Rng): string {
  const ms = (1_780_000_000_000 + r.int(1e9)).toString(16).padStart(12, '0');
  const h = r.chars(ALPHABETS.h!, 20);
  return `${ms.slice(0, 8)}-${ms.slice(8)}-7${h.slice(0, 3)}-${'89ab'[r.int(4)]}${h.slice(3, 6)}-${h.slice(8, 20)}`;
}

/** A 16-digit order number that is not a card number (its Luhn check fails). */
function orderNumber(r: Rng): string {
  for (;;) {
    const n = `4${r.chars(ALPHABETS.d!, 15)}`;
    let sum = 0;
    for (let i = 0; i < 16; i++) {
      let d = Number(n[15 - i]);
      if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    if (sum % 10 !== 0) return n;
  }
}

export function controlCorpus(seed = 424242): Control[] {
  const r = rng(seed);
  const out: Control[] = [];
  const add = (key: string, value: unknown) => out.push({ key, value });

  // Identifiers and digests.
  for (let i = 0; i < 4; i++) add(`uuid_${i}`, uuid4(r));
  for (let i = 0; i < 2; i++) add(`event_uuid_${i}`, uuid7(r));
  for (let i = 0; i < 3; i++) add(`ulid_${i}`, `01J${r.chars(ALPHABETS.C!, 23)}`);
  for (const key of ['commit', 'sha', 'revision', 'git_sha']) add(key, r.chars(ALPHABETS.h!, 40));
  add('short_sha', r.chars(ALPHABETS.h!, 7));
  for (const key of ['checksum', 'sha256', 'digest', 'file_checksum']) add(key, r.chars(ALPHABETS.h!, 64));
  add('md5', r.chars(ALPHABETS.h!, 32));
  add('trace_id', r.chars(ALPHABETS.h!, 32));
  add('span_id', r.chars(ALPHABETS.h!, 16));
  add('etag', `W/"${r.chars(ALPHABETS.h!, 32)}"`);
  add('idempotency_key', uuid4(r));
  add('cache_key', 'user:8f3k2p:profile');
  add('primary_key', 'id');
  add('sort_key', 'created_at');
  add('request_ref', `req_${r.chars(ALPHABETS.h!, 16)}`);
  add('payment_intent', `pi_${r.fill('{A:24}')}`);
  add('stripe_customer_id', `cus_${r.fill('{A:14}')}`);
  add('tracking_number', `1Z${r.chars('0123456789ABCDEFGHJKLMNPRSTUVWXYZ', 16)}`);
  add('key_id', 'kid_2026_04');
  add('card_fingerprint', r.fill('{A:16}'));

  // Order numbers, amounts, versions.
  add('order', 'ORD-2026-000123');
  add('order_number', orderNumber(r));
  add('invoice', 'INV-2026-04-0042');
  add('purchase_order', 'PO 4500012345');
  add('ticket', '#100234');
  add('amount', 1234.56);
  add('invoice_total', 1234567);
  add('price', 'EUR 1,234.56');
  add('version', 'v1.2.3');
  add('build', '2.14.0-beta.1');
  add('attempt_count', 3);

  // Dates and times.
  add('at', '2026-04-01T14:23:11Z');
  add('expires', '2026-05-01');
  add('local_date', '01.04.2026');
  add('slash_date', '2026/04/01');
  add('time', '14:23:11');
  add('duration', 'PT15M');
  add('password_changed_at', '2026-03-30T09:00:00+02:00');
  add('passport_expiry', '2031-05-01');

  // Words and sentences.
  for (const [key, text] of [
    ['reason', 'invalid_password'],
    ['message', 'The password must be changed every 90 days.'],
    ['notice', 'Token expired; please sign in again.'],
    ['receipt', 'Your card ending in 4242 was charged'],
    ['reminder', 'Passport renewal reminder sent'],
    ['event', 'secret santa signup'],
    ['ops', 'key rotation completed'],
    ['error', 'Bearer token missing'],
    ['error_detail', 'Authorization header missing'],
    ['ui', 'cookie banner dismissed'],
    ['summary', 'user changed their password'],
    ['audit', 'API key created for project Phoenix'],
    ['support', 'PIN reset requested by the user'],
    ['session_note', 'session expired after 30 minutes of inactivity'],
    ['title', 'Login from a new device'],
    ['mfa', 'Two-factor authentication enabled'],
    ['hint', 'Use a passphrase of four or more words'],
    ['doc', 'See the token rotation policy'],
    ['status_line', 'status: ok, retries: 2'],
    ['greeting', 'Willkommen zurück, schön dich zu sehen'],
    ['japanese', 'パスワードが変更されました'],
    ['log', 'GET /v1/me/activity 200 12ms'],
    ['path', 'uploads/2026/04/receipt.pdf'],
    ['file', '/var/log/app.log'],
    ['validation', 'Password: must contain at least 12 characters'],
    ['token_help', 'Token: paste it from your settings page'],
    ['remote', 'ssh://git.example.com:2222/org/repo.git'],
    ['meeting', 'Meet at 10:30 in room 4'],
    ['argv', 'ls --color auto --format long'],
    ['entrypoint', 'run --password-file /run/secrets/db'],
    ['html', '<b>bold</b> and <i>italic</i>'],
    ['cursor', Buffer.from('{"id":123,"ts":"2026-04-01"}').toString('base64')],
    ['encoded_url', Buffer.from('https://example.com/orders?page=2').toString('base64url')],
    // Long names without digits, as code, docs and other languages write them.
    ['component', 'RuleWithNoVueVForTemplateKeyOnChildOptions'],
    ['handler', 'XMLHttpRequestEventTargetEventMap'],
    ['cookie_rule', 'CacheControlNoStoreHTTPOnlyCookieModified'],
    ['class', 'com.example.AbstractSingletonProxyFactoryBeanTests'],
    ['constant', 'MAX_SUPPORTED_PACKED_COUNTS_ARRAY_LENGTH'],
    ['platforms', 'FreeBSD/NetBSD/OpenBSD/PC-BSD/GhostBSD/DragonFly'],
    ['mdn', 'https://developer.mozilla.org/en-US/docs/Web/API/FileReaderSync/readAsDataURL'],
    ['pangram', 'TheQuickBrownFoxJumpsOverTheLazyDog'],
    ['company', 'DonaudampfschifffahrtsgesellschaftsKapitaen'],
    ['employer', 'PrzedsiebiorstwoWielobranzoweKrzysztofSzczepanski'],
  ] as const)
    add(key, text);

  // URLs without credentials.
  for (const [key, url] of [
    ['url', 'https://example.com/account?tab=security'],
    ['link', 'https://shop.example.com/orders/ORD-2026-000123?utm_source=email&utm_campaign=spring'],
    ['docs', 'https://docs.example.com/api#authentication'],
    ['reset_page', 'https://example.com/reset?step=2'],
    ['asset', 'https://cdn.example.com/assets/app.3f2b8c1e.js'],
    ['search', 'https://example.com/search?q=password+policy&page=2'],
    ['commit_url', `https://git.example.com/org/repo/commit/${r.chars(ALPHABETS.h!, 40)}`],
    ['keys_page', 'https://example.com/settings/api-keys?page=2'],
  ] as const)
    add(key, url);

  // Book numbers.
  const isbn = isbn13(r);
  add(
    'isbn',
    `${isbn.slice(0, 3)}-${isbn.slice(3, 4)}-${isbn.slice(4, 7)}-${isbn.slice(7, 12)}-${isbn.slice(12)}`,
  );
  add('isbn13', isbn13(r));
  add('book', `ISBN ${isbn13(r)}`);
  add('isbn10', '0-306-40615-2');

  // Harmless values under keys that name or mention a secret.
  add('card_brand', 'visa');
  add('card_last4', '4242');
  add('card_last_four', '1117');
  add('card', { brand: 'mastercard', last4: '4444', exp_month: 12, exp_year: 2030, funding: 'credit' });
  add('payment_method', 'Visa •••• 4242');
  add('card_display', 'Amex ending in 0005');
  add('masked_card', '**** **** **** 4242');
  add('token_count', 1500);
  add('tokens', 1500);
  add('prompt_tokens', 230);
  add('max_tokens', 4096);
  add('failed_password_count', 2);
  add('api_key_count', 5);
  add('password_policy', 'min 12 chars');
  add('password_min_length', 12);
  add('password_strength', 'strong');
  add('password_expires_days', 90);
  add('password_set', true);
  add('password_reset', 'requested');
  add('mfa_enabled', true);
  add('token_type', 'Bearer');
  add('token_expires_in', 3600);
  add('auth_method', 'password');
  add('auth_provider', 'google');
  add('auth_level', 'aal2');
  add('authenticated', true);
  add('passport_country', 'DE');
  add('nationality', 'FR');
  add('cookie_consent', 'accepted');
  add('secret_question_set', false);
  add('keyboard_layout', 'de');
  add('passenger_count', 2);
  add('author', 'ada');
  add('pinned', true);
  add('tokenizer', 'bpe');
  add('api_key_label', 'ci deploy');
  add('api_key_prefix', 'rcpt_ik_2f3');
  add('pass_rate', 0.93);
  add('secret_question', 'first pet');
  add('private_note', 'customer called about billing');
  add('pin_attempts', 2);
  add('key', 'Enter');
  add('mfa_method', 'totp');
  add('auth_type', 'oauth2');

  // Digests and ids inside paths of names: judged by the names around them.
  add('fix', `https://github.com/TimothyGu/generator-function/commit/${r.chars(ALPHABETS.h!, 40)}`);
  add(
    'ci_job',
    'https://github.com/open-telemetry/semantic-conventions/actions/runs/9753949763/job/26920038674',
  );
  add('unit', `service/tmux-spawn-${uuid4(r)}`);
  add(
    'source',
    `https://github.com/kubernetes/cri-api/blob/${r.chars(ALPHABETS.h!, 40)}/pkg/apis/runtime/v1/api.proto`,
  );
  add('gl_format', 'COMPRESSED_SRGB8_ALPHA8_ASTC_10x10_KHR');
  return out;
}
