// The hash chain's building blocks: row hashes and personal-data commitments are deterministic, independent of
// key order (RFC 8785 canonical JSON), and change with every byte of what they cover.
import { createHash, randomBytes } from 'node:crypto';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import {
  type EventRow,
  GENESIS,
  personalCommit,
  personalFieldsCommit,
  rowHash,
} from '../../../server/audit/chain.js';

const sha256 = (...parts: (string | Buffer)[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

const row: Omit<EventRow, 'hash'> = {
  seq: 7,
  id: 'evt_1',
  ts: 1_775_053_391_000,
  received_at: 1_775_053_391_123,
  event_type: 'login_success',
  level: 'INFO',
  outcome: 'success',
  subject: 'sub_x',
  session_ref: 'ab'.repeat(32),
  request_id: 'req_1',
  resource_type: null,
  resource_id: null,
  action: null,
  metadata: '{"method":"password"}',
  pii_commit: 'cd'.repeat(32),
  prev_hash: 'ef'.repeat(32),
};

describe('rowHash', () => {
  it('should be SHA-256 of prev_hash followed by the RFC 8785 canonical JSON of the row', () => {
    // Keys sorted by code unit, no whitespace, null kept: written out by hand to pin the format.
    const canonical =
      `{"action":null,"event_type":"login_success","id":"evt_1","level":"INFO",` +
      `"metadata":"{\\"method\\":\\"password\\"}","outcome":"success","pii_commit":"${'cd'.repeat(32)}",` +
      `"prev_hash":"${'ef'.repeat(32)}","received_at":1775053391123,"request_id":"req_1","resource_id":null,` +
      `"resource_type":null,"seq":7,"session_ref":"${'ab'.repeat(32)}","subject":"sub_x","ts":1775053391000}`;
    expect(rowHash(row)).toBe(sha256('ef'.repeat(32), canonical));
  });

  it('should be deterministic and independent of the order of the row object keys', () => {
    const reversed = Object.fromEntries(Object.entries(row).reverse()) as Omit<EventRow, 'hash'>;
    expect(rowHash(reversed)).toBe(rowHash(row));
    expect(rowHash({ ...row })).toBe(rowHash(row));
  });

  it('should ignore a stored hash column passed along with the row', () => {
    const withHash = { ...row, hash: 'ff'.repeat(32) } as Omit<EventRow, 'hash'>;
    expect(rowHash(withHash)).toBe(rowHash(row));
  });

  it('should change when any column changes, including null to empty and number to string', () => {
    const base = rowHash(row);
    const variants: Partial<Omit<EventRow, 'hash'>>[] = [
      { seq: 8 },
      { id: 'evt_2' },
      { ts: row.ts + 1 },
      { received_at: row.received_at + 1 },
      { event_type: 'login_failure' },
      { level: 'WARNING' },
      { outcome: null },
      { subject: null },
      { session_ref: null },
      { request_id: 'req_2' },
      { resource_type: '' },
      { resource_id: 'r' },
      { action: 'view' },
      { metadata: '{"method":"sso"}' },
      { metadata: '{"method": "password"}' },
      { pii_commit: null },
      { prev_hash: GENESIS },
    ];
    const hashes = variants.map((v) => rowHash({ ...row, ...v }));
    for (const h of hashes) expect(h).not.toBe(base);
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('should chain: the same row after a different prev_hash hashes differently', () => {
    const first = rowHash({ ...row, seq: 1, prev_hash: GENESIS });
    const second = rowHash({ ...row, seq: 2, prev_hash: first });
    expect(GENESIS).toBe('0'.repeat(64));
    expect(second).toMatch(/^[0-9a-f]{64}$/);
    expect(
      rowHash({ ...row, seq: 2, prev_hash: rowHash({ ...row, seq: 1, prev_hash: '1'.repeat(64) }) }),
    ).not.toBe(second);
  });
});

describe('rowHash and the canonicalize package', () => {
  it('should produce the same bytes as a general RFC 8785 implementation, for awkward values too', () => {
    const awkward = ['', 'é', '\u2028', '"quoted"', 'tab\tnew\nline', '😀', '\u0000', '€uro', 'ｆｕｌｌ'];
    for (let i = 0; i < 200; i++) {
      const pick = <T>(xs: T[]) => xs[i % xs.length]!;
      const row = {
        seq: i + 1,
        id: randomBytes(6).toString('hex') + pick(awkward),
        ts: 1_700_000_000_000 + i * 997,
        received_at: 1_700_000_000_000 + i,
        event_type: 'login_success',
        level: 'INFO',
        outcome: i % 3 ? 'success' : null,
        subject: i % 2 ? `sub_${i}` : null,
        session_ref: pick(awkward) || null,
        request_id: pick([...awkward].reverse()),
        resource_type: null,
        resource_id: i % 5 ? String(i) : null,
        action: pick(awkward),
        metadata: i % 4 ? JSON.stringify({ k: pick(awkward) }) : null,
        pii_commit: i % 2 ? randomBytes(32).toString('hex') : null,
        prev_hash: randomBytes(32).toString('hex'),
      };
      const expected = createHash('sha256')
        .update(row.prev_hash)
        .update(canonicalize(row) as string)
        .digest('hex');
      expect(rowHash(row)).toBe(expected);
    }
  });
});

describe('personalFieldsCommit', () => {
  it('should equal personalCommit, with and without nested values', () => {
    const salt = randomBytes(16);
    const cases = [
      { user_id: 'u1', ip: '203.0.113.7', user_agent: 'Mozilla/5.0 "x"\u2028', values: null },
      { user_id: null, ip: null, user_agent: 'é', values: null },
      {
        user_id: 'u2',
        ip: '2001:db8::1',
        user_agent: null,
        values: { 'contact.email': 'a@b.example', n: [1, 2] },
      },
    ];
    for (const c of cases) expect(personalFieldsCommit(salt, c)).toBe(personalCommit(salt, c));
  });
});

describe('personalCommit', () => {
  const salt = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

  it('should be SHA-256 of the salt followed by the canonical JSON', () => {
    const personal = { user_id: 'usr_1', ip: '203.0.113.42', user_agent: null, values: { email: 'a@b.co' } };
    expect(personalCommit(salt, personal)).toBe(
      sha256(salt, '{"ip":"203.0.113.42","user_agent":null,"user_id":"usr_1","values":{"email":"a@b.co"}}'),
    );
  });

  it('should not depend on key order at any depth', () => {
    const a = {
      user_id: 'u',
      values: { 'contact.email': 'a@b.co', 'contact.phone': '+1 555 0100', z: [1, { b: 2, a: 1 }] },
    };
    const b = {
      values: { z: [1, { a: 1, b: 2 }], 'contact.phone': '+1 555 0100', 'contact.email': 'a@b.co' },
      user_id: 'u',
    };
    expect(personalCommit(salt, a)).toBe(personalCommit(salt, b));
  });

  it('should sort keys by UTF-16 code units and serialise numbers as ECMAScript does (RFC 8785)', () => {
    const personal = { '\u20ac': 'euro', '\ud83d\ude00': 'smile', a: 1e21, b: 0.1, c: -0, d: 1.5e-7 };
    expect(personalCommit(salt, personal)).toBe(
      sha256(salt, '{"a":1e+21,"b":0.1,"c":0,"d":1.5e-7,"\u20ac":"euro","\ud83d\ude00":"smile"}'),
    );
  });

  it('should differ with another salt, and with any change of the data', () => {
    const p = { user_id: 'usr_1', ip: null };
    const other = Buffer.alloc(16, 1);
    expect(personalCommit(other, p)).not.toBe(personalCommit(salt, p));
    expect(personalCommit(salt, { ...p, ip: '203.0.113.1' })).not.toBe(personalCommit(salt, p));
    expect(personalCommit(salt, { user_id: 'usr_2', ip: null })).not.toBe(personalCommit(salt, p));
  });

  it('should not let anyone recover a short value without the salt', () => {
    // Without a salt, a commitment to a user id could be brute-forced from a list of ids.
    const unsalted = sha256('', '{"user_id":"usr_1"}');
    expect(personalCommit(salt, { user_id: 'usr_1' })).not.toBe(unsalted);
  });
});
