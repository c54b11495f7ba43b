// The chain hash the browser recomputes is the one the server writes: SHA-256(prev_hash ‖ RFC 8785 JSON).
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { type ChainedEvent, chainPreimage, eventHash } from '../../../shared/tlog/event-hash.js';

const row: Omit<ChainedEvent, 'hash'> = {
  seq: 7,
  id: 'evt_1',
  ts: 1_775_053_391_000,
  received_at: 1_775_053_391_123,
  event_type: 'login_success',
  level: 'INFO',
  outcome: 'success',
  subject: 'sub_x',
  session_ref: 'ab'.repeat(32),
  request_id: 'req_"1"\u2028',
  resource_type: null,
  resource_id: null,
  action: null,
  metadata: '{"method":"password","name":"Zoë"}',
  pii_commit: 'cd'.repeat(32),
  prev_hash: 'ef'.repeat(32),
};

describe('eventHash', () => {
  it('should hash prev_hash followed by the RFC 8785 canonical JSON of the row', async () => {
    const expected = createHash('sha256')
      .update(row.prev_hash)
      .update(canonicalize(row) as string)
      .digest('hex');
    expect(chainPreimage(row)).toBe(row.prev_hash + canonicalize(row));
    expect(await eventHash(row)).toBe(expected);
  });

  it('should ignore properties that are not chain fields and change with any field', async () => {
    const withHash = { ...row, hash: 'ff'.repeat(32), extra: 1 } as Omit<ChainedEvent, 'hash'>;
    expect(await eventHash(withHash)).toBe(await eventHash(row));
    expect(await eventHash({ ...row, outcome: 'failure' })).not.toBe(await eventHash(row));
    expect(await eventHash({ ...row, seq: 8 })).not.toBe(await eventHash(row));
  });
});
