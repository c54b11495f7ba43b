// Never store a secret: a corpus of secret-bearing events goes in through real HTTP; afterwards not one secret
// is found in the bytes of the SQLite files (main, -wal, -shm) or in the server's log output.
import { generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, ingest, mintToken, startServer, type TestServer } from '../../support/server.js';
import { rng, ssn, withLuhn } from './corpus/random.js';

const CHROME_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const SAFARI_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url');
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Random letters and digits, with at least one of each case and a digit. */
function alnum(length: number): string {
  for (;;) {
    const s = Array.from({ length }, () => ALNUM[randomInt(ALNUM.length)]).join('');
    if (/[a-z]/.test(s) && /[A-Z]/.test(s) && /\d/.test(s)) return s;
  }
}
const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');

function jwt(): { token: string; signature: string } {
  const signature = b64url(randomBytes(32));
  const payload = b64url(JSON.stringify({ sub: `usr_${hex(4)}`, jti: hex(8), exp: 1_900_000_000 }));
  return { token: `${b64url('{"alg":"HS256","typ":"JWT"}')}.${payload}.${signature}`, signature };
}

function fakePem(label: string): { pem: string; line: string } {
  const line = randomBytes(48).toString('base64');
  return {
    pem: `-----BEGIN ${label}-----\n${line}\n${randomBytes(48).toString('base64')}\n-----END ${label}-----\n`,
    line,
  };
}

/** Luhn-valid card numbers, generated here and formatted as people type them. */
const r = rng(11);
const card = (prefix: string, length: number) =>
  withLuhn(prefix + r.chars('0123456789', length - prefix.length - 1));
const spaced = (n: string, sizes: number[], sep: string) => {
  const parts: string[] = [];
  let at = 0;
  for (const k of sizes) {
    parts.push(n.slice(at, at + k));
    at += k;
  }
  return parts.join(sep);
};
const CARDS = {
  visaSpaces: spaced(card('4', 16), [4, 4, 4, 4], ' '),
  mastercardDashes: spaced(card('55', 16), [4, 4, 4, 4], '-'),
  amexGroups: spaced(card('37', 15), [4, 6, 5], ' '),
  discoverPlain: card('6011', 16),
  jcbText: spaced(card('35', 16), [4, 4, 4, 4], ' '),
  dinersDashes: spaced(card('30', 14), [4, 4, 4, 2], '-'),
  visaNumber: card('4', 16),
};
const SSN_BY_KEY = ssn(r).join('-');
const SSN_IN_TEXT = ssn(r);

interface Case {
  name: string;
  event: Record<string, unknown>;
  /** Every string that must not reach the disk or the logs. */
  needles: string[];
  /** Field paths the `sensitive_data_redacted` event must name. */
  paths: string[];
}

function corpus(): Case[] {
  const cases: Case[] = [];
  const add = (name: string, event: Record<string, unknown>, needles: string[], paths: string[]) =>
    cases.push({ name, event, needles, paths });
  const pw = () => `Pw-${alnum(6)}!${hex(3)}`;

  // Secret-named keys, at any depth, in any spelling.
  for (const key of ['password', 'Password', 'user_password', 'newPassword', 'passwd', 'pwd', 'passphrase']) {
    const v = pw();
    add(`key ${key}`, { metadata: { [key]: v, reason: 'changed' } }, [v], [`metadata.${key}`]);
  }
  for (const key of ['api_key', 'apiKey', 'client_secret', 'refresh_token', 'id_token', 'private_key']) {
    const v = `v_${hex(12)}`;
    add(`key ${key}`, { metadata: { [key]: v } }, [v], [`metadata.${key}`]);
  }
  {
    const v = `k_${hex(12)}`;
    add(
      'header X-Api-Key',
      { metadata: { headers: { 'X-Api-Key': v, Accept: 'text/html' } } },
      [v],
      ['metadata.headers.X-Api-Key'],
    );
  }
  {
    const v = b64url(`admin:${pw()}`);
    add(
      'nested Authorization',
      { metadata: { request: { headers: { Authorization: `Basic ${v}` } } } },
      [v],
      ['metadata.request.headers.Authorization'],
    );
  }
  {
    const v = hex(16);
    add(
      'nested Cookie',
      { metadata: { request: { headers: { Cookie: `sid=${v}; theme=dark` } } } },
      [v],
      ['metadata.request.headers.Cookie'],
    );
  }
  {
    const v = `deep-${hex(10)}`;
    add(
      'secret seven levels down',
      { metadata: { a: { b: { c: { d: { e: { secret: v } } } } } } },
      [v],
      ['metadata.a.b.c.d.e.secret'],
    );
  }
  {
    const v = `tok_${hex(12)}`;
    add(
      'token inside an array',
      { metadata: { attempts: [{ at: 1 }, { token: v }] } },
      [v],
      ['metadata.attempts[1].token'],
    );
  }
  {
    const v = `X${digits(8)}`;
    add('passport number', { metadata: { passport_number: v } }, [v], ['metadata.passport_number']);
  }
  {
    const v = `DE89${digits(18)}`;
    add('IBAN', { metadata: { payout: { iban: v } } }, [v], ['metadata.payout.iban']);
  }
  {
    const v = digits(12);
    add(
      'bank account number',
      { metadata: { bank: { account_number: v, bank_name: 'First' } } },
      [v],
      ['metadata.bank.account_number'],
    );
  }
  add(
    'cvv and otp',
    { metadata: { cvv: '737', mfa: { otp: '482917' } } },
    [],
    ['metadata.cvv', 'metadata.mfa.otp'],
  );
  add(
    'card number by key',
    { metadata: { card_number: CARDS.visaSpaces } },
    [CARDS.visaSpaces],
    ['metadata.card_number'],
  );
  add('ssn by key', { metadata: { ssn: SSN_BY_KEY } }, [SSN_BY_KEY], ['metadata.ssn']);

  // Secret-looking values under innocent keys, whole or inside free text.
  {
    const t = jwt();
    add('JWT value', { metadata: { note: t.token } }, [t.token, t.signature], ['metadata.note']);
  }
  {
    const t = jwt();
    add(
      'JWT in text',
      { metadata: { detail: `client sent ${t.token} twice` } },
      [t.signature],
      ['metadata.detail'],
    );
  }
  {
    const t = jwt();
    add('JWT as request_id', { request_id: t.token.slice(0, 128) }, [t.token.slice(0, 128)], ['request_id']);
  }
  {
    const key = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const line = key.split('\n')[1]!;
    add('PKCS#8 PEM', { metadata: { attachment: key } }, [line], ['metadata.attachment']);
  }
  for (const label of ['RSA PRIVATE KEY', 'EC PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'PGP PRIVATE KEY BLOCK']) {
    const p = fakePem(label);
    add(
      `PEM ${label}`,
      { metadata: { debug: { dump: `key follows:\n${p.pem}` } } },
      [p.line],
      ['metadata.debug.dump'],
    );
  }
  const cardNeedles = (c: string) => [c, c.replace(/\D/g, '')];
  add(
    'Visa with spaces in text',
    { metadata: { memo: `paid with ${CARDS.visaSpaces} today` } },
    cardNeedles(CARDS.visaSpaces),
    ['metadata.memo'],
  );
  add(
    'Mastercard with dashes',
    { metadata: { ref: CARDS.mastercardDashes } },
    cardNeedles(CARDS.mastercardDashes),
    ['metadata.ref'],
  );
  add('Amex in groups', { metadata: { ref: CARDS.amexGroups } }, cardNeedles(CARDS.amexGroups), [
    'metadata.ref',
  ]);
  add('Discover digits', { metadata: { ref: CARDS.discoverPlain } }, [CARDS.discoverPlain], ['metadata.ref']);
  add('JCB in text', { metadata: { memo: `card ${CARDS.jcbText} declined` } }, cardNeedles(CARDS.jcbText), [
    'metadata.memo',
  ]);
  add(
    'Diners with dashes',
    { metadata: { items: ['x', CARDS.dinersDashes] } },
    cardNeedles(CARDS.dinersDashes),
    ['metadata.items[1]'],
  );
  add(
    'card as a JSON number',
    { metadata: { value: Number(CARDS.visaNumber) } },
    [CARDS.visaNumber],
    ['metadata.value'],
  );
  add(
    'SSN in text',
    { metadata: { memo: `applicant ${SSN_IN_TEXT.join('-')} verified` } },
    [SSN_IN_TEXT.join('-'), SSN_IN_TEXT.join('')],
    ['metadata.memo'],
  );
  {
    const v = alnum(32);
    add('Bearer in text', { metadata: { raw: `Authorization: Bearer ${v}` } }, [v], ['metadata.raw']);
  }
  {
    const v = alnum(24);
    add('Bearer in user_agent', { user_agent: `curl/8.5.0 (Bearer ${v})` }, [v], ['user_agent']);
  }
  {
    const v = `${hex(12)}`;
    add('token= in user_agent', { user_agent: `MyApp/2.1 token=${v}` }, [v], ['user_agent']);
  }
  {
    const v = `AKIA${alnum(16).toUpperCase()}`;
    add('AWS access key id', { metadata: { note: `rotated ${v}` } }, [v], ['metadata.note']);
  }
  {
    const v = `${alnum(30)}/${alnum(9)}`;
    add('AWS secret access key', { metadata: { value2: v } }, [v], ['metadata.value2']);
  }
  {
    const v = `sk_live_${alnum(24)}`;
    add('Stripe key as resource_id', { resource_type: 'api_key', resource_id: v }, [v], ['resource_id']);
  }
  {
    const v = `rk_test_${alnum(24)}`;
    add('Stripe restricted key', { metadata: { stripe: v } }, [v], ['metadata.stripe']);
  }
  {
    const v = `ghp_${alnum(36)}`;
    add('GitHub classic token', { metadata: { ci: { value: v } } }, [v], ['metadata.ci.value']);
  }
  {
    const v = `github_pat_${alnum(22)}_${alnum(59)}`;
    add(
      'GitHub fine-grained token in text',
      { metadata: { log: `using ${v} for clone` } },
      [v],
      ['metadata.log'],
    );
  }
  {
    const v = `glpat-${alnum(20)}`;
    add('GitLab token', { metadata: { gitlab: v } }, [v], ['metadata.gitlab']);
  }
  {
    const v = `xoxb-${digits(12)}-${digits(13)}-${alnum(24)}`;
    add('Slack bot token', { metadata: { message: `posting with ${v}` } }, [v], ['metadata.message']);
  }
  {
    const v = `AIza${alnum(35)}`;
    add('Google API key', { metadata: { maps: v } }, [v], ['metadata.maps']);
  }
  {
    const v = `sk-proj-${alnum(40)}`;
    add('OpenAI key', { metadata: { llm: v } }, [v], ['metadata.llm']);
  }
  {
    const v = `npm_${alnum(36)}`;
    add('npm token', { metadata: { registry: v } }, [v], ['metadata.registry']);
  }
  {
    const v = `SG.${alnum(22)}.${alnum(43)}`;
    add('SendGrid key', { metadata: { mailer: v } }, [v], ['metadata.mailer']);
  }
  {
    const v = `whsec_${b64url(randomBytes(24))}`;
    add('webhook secret', { metadata: { hook: v } }, [v], ['metadata.hook']);
  }
  {
    const v = `Tr0ub4dor&${hex(4)}`;
    add(
      'password= in text',
      { metadata: { message: `login failed: password=${v} for admin` } },
      [v],
      ['metadata.message'],
    );
  }
  {
    const v = hex(14);
    add(
      'api_key: in text',
      { metadata: { message: `config api_key: ${v} loaded` } },
      [v],
      ['metadata.message'],
    );
  }
  {
    const v = pw().replace(/[!]/g, 'x');
    add(
      'credentials in a URL',
      { metadata: { callback: `https://admin:${v}@db.internal.example.com/hook` } },
      [v],
      ['metadata.callback'],
    );
  }
  {
    const v = `pg${hex(8)}`;
    add(
      'credentials in a DSN',
      { metadata: { dsn: `postgres://app:${v}@10.0.0.5:5432/prod` } },
      [v],
      ['metadata.dsn'],
    );
  }
  {
    const v = b64url(randomBytes(33)).replace(/[-_]/g, 'Q');
    add('high-entropy key', { metadata: { blob: v } }, [v], ['metadata.blob']);
  }
  {
    const v = alnum(40);
    add('high-entropy key in text', { metadata: { note: `new key ${v} issued` } }, [v], ['metadata.note']);
  }
  {
    const v = `sk_live_${alnum(24)}`;
    add('secret in action', { action: `password=${v}`.slice(0, 120) }, [v], ['action']);
  }
  {
    const v = `AKIA${alnum(16).toUpperCase()}`;
    add('secret in resource_type', { resource_type: v }, [v], ['resource_type']);
  }
  {
    const v = `sk_live_${alnum(24)}`;
    add(
      'secret as a metadata key',
      { metadata: { revoked: { [v]: true, other: 1 } } },
      [v],
      ['metadata.revoked.[redacted]'],
    );
  }
  {
    const a = pw();
    const t = jwt();
    const g = `ghp_${alnum(36)}`;
    add(
      'many secrets in one event',
      {
        request_id: `req_${hex(6)}`,
        user_agent: CHROME_UA,
        metadata: { password: a, nested: { list: [t.token, 'fine', g] }, card: CARDS.visaSpaces },
      },
      [a, t.signature, g],
      ['metadata.password', 'metadata.nested.list[0]', 'metadata.nested.list[2]', 'metadata.card'],
    );
  }
  return cases;
}

const CASES = corpus();
const ALL_NEEDLES = CASES.flatMap((c) => c.needles);

/** Values that look a bit like identifiers or keys but are not secrets: they must survive as sent. */
const BENIGN = {
  request_uuid: '3f2b8c1e-7d4a-4e1b-9c2d-5a6b7c8d9e0f',
  digest: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  at: '2026-04-01T14:23:11Z',
  order: 'ORD-2026-000123',
  note: 'Order ORD-2026-000123 shipped on 2026-04-01 to warehouse 7',
  ulid: '01JQ8Z3X4Y5W6V7T8S9R0QPNMK',
  expires: '2026-05-01',
  invoice_total: 1234567,
  count: 3,
};

interface Event {
  user_id: string;
  session_id: string;
  [key: string]: unknown;
}

function events(): Event[] {
  const out: Event[] = CASES.map((c, i) => ({
    id: `evt_secret_${i}`,
    event_type: i % 3 === 0 ? 'login_failure' : i % 3 === 1 ? 'profile_update' : 'x_secret_probe',
    outcome: i % 3 === 0 ? 'failure' : 'success',
    user_id: `usr_secret_${i}`,
    // Raw host session ids are never stored either: only their HMAC.
    session_id: `raw-session-${hex(12)}`,
    ip_address: '198.51.100.23',
    ...c.event,
  }));
  out.push({
    id: 'evt_benign',
    event_type: 'data_export',
    outcome: 'success',
    user_id: 'usr_benign',
    session_id: `raw-session-${hex(12)}`,
    ip_address: '203.0.113.9',
    user_agent: SAFARI_UA,
    request_id: 'req_9d2a1c0f3b7e4a6d',
    resource_type: 'financial_summary',
    resource_id: 'fs_2026_04',
    action: 'export',
    metadata: BENIGN,
  });
  return out;
}

/** Ingests the corpus: half one POST per event, concurrently, the rest as one batch. */
async function ingestAll(server: TestServer, all: Event[]): Promise<void> {
  const half = Math.floor(all.length / 2);
  const singles = await Promise.all(all.slice(0, half).map((e) => ingest(server, e)));
  const batch = await ingest(server, { events: all.slice(half) });
  for (const res of [...singles, batch]) expect(res.status, await res.clone().text()).toBe(202);
  expect((await batch.json()).accepted).toBe(all.length - half);
}

function storeFiles(dbPath: string): { name: string; bytes: Buffer }[] {
  return [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]
    .filter((p) => existsSync(p))
    .map((p) => ({ name: p, bytes: readFileSync(p) }));
}

/** Every needle that is found in the store's files or in the log, with where it was found. */
function leaks(dbPath: string, log: string, needles: string[]): string[] {
  const found: string[] = [];
  const files = storeFiles(dbPath);
  for (const needle of needles) {
    for (const f of files) if (f.bytes.includes(needle)) found.push(`${needle} in ${f.name}`);
    if (log.includes(needle)) found.push(`${needle} in the server log`);
  }
  return found;
}

interface ActivityItem {
  id: string;
  event_type: string;
  metadata: Record<string, unknown> | null;
  device: { browser: string | null; os: string | null; type: string | null } | null;
}

async function activity(server: TestServer, userId: string, query = ''): Promise<ActivityItem[]> {
  const token = await mintToken(server, { userId });
  const res = await asUser(server, token, `/v1/me/activity?limit=200${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: ActivityItem[] }).items;
}

describe('secrets are never stored', () => {
  const all = events();

  it('should hold a corpus of at least 50 secret-bearing events', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(50);
    expect(ALL_NEEDLES.length).toBeGreaterThan(50);
  });

  describe('after ingest and a clean SIGTERM', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer();
      await ingestAll(server, all);
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('should record a sensitive_data_redacted event naming each field, never the value', async () => {
      const missing: string[] = [];
      await Promise.all(
        CASES.map(async (c, i) => {
          if (c.paths.length === 0) return;
          const items = await activity(server, `usr_secret_${i}`, '&event_type=sensitive_data_redacted');
          expect(items, c.name).toHaveLength(1);
          const meta = items[0]!.metadata as { fields: string[]; source_event_type: string };
          for (const p of c.paths)
            if (!meta.fields.includes(p)) missing.push(`${c.name}: ${p} not in ${meta.fields}`);
          expect(meta.source_event_type).toBe(all[i]!.event_type);
          const text = JSON.stringify(items);
          for (const n of c.needles) expect(text, c.name).not.toContain(n);
        }),
      );
      expect(missing).toEqual([]);
    });

    it('should show the redacted event to its user with "[redacted]" in place of each secret', async () => {
      const items = await activity(server, 'usr_secret_0', '&event_type=login_failure');
      expect(items).toHaveLength(1);
      expect(items[0]!.metadata).toEqual({ password: '[redacted]', reason: 'changed' });
      const card = CASES.findIndex((c) => c.name === 'card as a JSON number');
      const [cardEvent] = await activity(
        server,
        `usr_secret_${card}`,
        `&event_type=${all[card]!.event_type}`,
      );
      expect(cardEvent!.metadata).toEqual({ value: '[redacted]' });
    });

    it('should leave benign values alone: UUIDs, digests, dates, order numbers, user agents', async () => {
      const items = await activity(server, 'usr_benign');
      expect(items.map((i) => i.event_type)).toEqual(['data_export']);
      expect(items[0]!.metadata).toEqual(BENIGN);
      expect(items[0]!.device).toMatchObject({
        browser: 'Safari',
        os: 'iOS',
        type: 'mobile',
        name: 'iPhone',
      });
      const db = new Database(server.dbPath, { readonly: true, fileMustExist: true });
      try {
        const row = db
          .prepare('SELECT request_id, resource_id, action FROM events WHERE id = ?')
          .get('evt_benign');
        expect(row).toEqual({
          request_id: 'req_9d2a1c0f3b7e4a6d',
          resource_id: 'fs_2026_04',
          action: 'export',
        });
        const redactions = db
          .prepare(
            "SELECT COUNT(*) AS n FROM events WHERE event_type = 'sensitive_data_redacted' AND resource_id = ?",
          )
          .get('evt_benign') as { n: number };
        expect(redactions.n).toBe(0);
      } finally {
        db.close();
      }
    });

    it('should leave no secret in the database files or the log after SIGTERM', async () => {
      expect(await server.stop()).toBe(0);
      const files = storeFiles(server.dbPath);
      const bytes = Buffer.concat(files.map((f) => f.bytes));
      // The scan can see what was stored: benign values are there in plain bytes.
      for (const v of [BENIGN.order, BENIGN.digest, BENIGN.request_uuid, SAFARI_UA])
        expect(bytes.includes(v), v).toBe(true);
      expect(server.output()).toContain('application_shutdown');
      expect(leaks(server.dbPath, server.output(), ALL_NEEDLES)).toEqual([]);
      // Raw host session ids are stored only as their HMAC.
      expect(
        leaks(
          server.dbPath,
          server.output(),
          all.map((e) => e.session_id),
        ),
      ).toEqual([]);
    });
  });

  describe('after ingest, SIGKILL and a manual WAL checkpoint', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer();
      await ingestAll(server, all);
      await server.kill();
    });

    it('should leave no secret in the WAL written before the crash', () => {
      const wal = `${server.dbPath}-wal`;
      expect(existsSync(wal)).toBe(true);
      expect(readFileSync(wal).includes(BENIGN.order)).toBe(true); // the events are in the WAL, not yet checkpointed
      expect(
        leaks(server.dbPath, server.output(), [...ALL_NEEDLES, ...all.map((e) => e.session_id)]),
      ).toEqual([]);
    });

    it('should leave no secret in the database file after wal_checkpoint(TRUNCATE)', () => {
      const db = new Database(server.dbPath);
      try {
        const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number }[];
        expect(result!.busy).toBe(0);
      } finally {
        db.close();
      }
      const wal = `${server.dbPath}-wal`;
      expect(!existsSync(wal) || readFileSync(wal).length === 0).toBe(true);
      expect(readFileSync(server.dbPath).includes(BENIGN.order)).toBe(true);
      expect(
        leaks(server.dbPath, server.output(), [...ALL_NEEDLES, ...all.map((e) => e.session_id)]),
      ).toEqual([]);
    });
  });
});
