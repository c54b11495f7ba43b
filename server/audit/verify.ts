// Walks the chain: every row must follow the one before (seq and prev_hash) and hash to what it says.
import type { Sqlite } from '../store/db.js';
import { type EventRow, GENESIS, rowHash } from './chain.js';

export type VerifyResult =
  | { ok: true; count: number; head: { seq: number; hash: string }; anchor: { seq: number; hash: string } }
  | { ok: false; count: number; badSeq: number; problem: string; head: { seq: number; hash: string } };

export function verifyChain(sqlite: Sqlite, onProgress?: (seq: number, total: number) => void): VerifyResult {
  // Pruned history is anchored by the newest retention checkpoint: the chain resumes from its hash.
  const anchor = sqlite
    .prepare<[], { seq: number; hash: string }>(
      'SELECT through_seq AS seq, hash FROM retention_checkpoints ORDER BY through_seq DESC LIMIT 1',
    )
    .get() ?? { seq: 0, hash: GENESIS };
  const total = (sqlite.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  const rows = sqlite
    .prepare<[number], EventRow>('SELECT * FROM events WHERE seq > ? ORDER BY seq')
    .iterate(anchor.seq);
  let expectedSeq = anchor.seq + 1;
  let prev = anchor.hash;
  let count = 0;
  for (const row of rows) {
    count++;
    if (row.seq !== expectedSeq) {
      return fail(count, expectedSeq, `row ${expectedSeq} is missing (next row is ${row.seq})`, prev);
    }
    if (row.prev_hash !== prev) return fail(count, row.seq, 'prev_hash does not match the row before', prev);
    const { hash, ...rest } = row;
    if (rowHash(rest) !== hash) return fail(count, row.seq, 'row content does not match its hash', prev);
    prev = hash;
    expectedSeq++;
    if (onProgress && count % 50_000 === 0) onProgress(count, total);
  }
  return { ok: true, count, head: { seq: expectedSeq - 1, hash: prev }, anchor };

  function fail(n: number, badSeq: number, problem: string, lastGood: string): VerifyResult {
    return { ok: false, count: n, badSeq, problem, head: { seq: badSeq - 1, hash: lastGood } };
  }
}
