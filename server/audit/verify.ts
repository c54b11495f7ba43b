// `receipts verify`: checks everything the chain and the tree commit to, row by row. Every events row that
// exists is walked (retention is no reason to skip), every personal-data row is checked against its event's
// commitment and subject, the stored tree is recomputed from its leaves, every signed checkpoint is checked
// against it, and the oldest kept row must be anchored by a signed checkpoint and a recorded retention cut.

import type { KeyObject } from 'node:crypto';
import { fromHex } from '../../shared/tlog/base64.js';
import type { Vkey } from '../../shared/tlog/note.js';
import { openNote, openNoteText, signatureLine } from '../../shared/tlog/note.js';
import type { Sqlite } from '../store/db.js';
import { type EventRow, GENESIS, personalFieldsCommit, rowHash } from './chain.js';
import { allCheckpoints, checkLegacySignature, retentionText } from './checkpoint.js';
import { leafHashOf, nodeHashOf, TreeReader } from './tree.js';

export type Table = 'events' | 'personal_data' | 'subjects' | 'merkle_nodes' | 'checkpoints';

export interface VerifyOk {
  ok: true;
  count: number;
  head: { seq: number; hash: string };
  /** The first kept row (1 unless retention pruned a prefix). */
  oldest: number;
  treeSize: number;
  checkpoints: number;
  personal: number;
}

export interface VerifyFailure {
  ok: false;
  table: Table;
  /** The first bad seq (tree size for checkpoints), or null when no single row is to blame. */
  badSeq: number | null;
  problem: string;
}

export type VerifyResult = VerifyOk | VerifyFailure;

export class Broken extends Error {
  constructor(
    readonly table: Table,
    readonly badSeq: number | null,
    problem: string,
  ) {
    super(problem);
  }
}

/** `retention_applied` events record each cut, in the chain itself: a prefix gone without one was deleted. */
export const RETENTION_EVENT = 'retention_applied';

export interface VerifyOptions {
  vkey: Vkey;
  /** For checkpoint rows signed before checkpoints were notes. */
  signingKey: KeyObject;
  onProgress?: (done: number, total: number) => void;
}

export async function verifyStore(sqlite: Sqlite, options: VerifyOptions): Promise<VerifyResult> {
  try {
    return await walk(sqlite, options);
  } catch (error) {
    if (error instanceof Broken)
      return { ok: false, table: error.table, badSeq: error.badSeq, problem: error.message };
    throw error;
  }
}

async function walk(sqlite: Sqlite, options: VerifyOptions): Promise<VerifyOk> {
  const total = (sqlite.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  const treeSize = checkTree(sqlite);
  const chain = checkChain(sqlite, total, options.onProgress);
  // A retention run always leaves its own event behind, so a tree over no rows means rows were deleted.
  if (chain.count === 0 && treeSize > 0)
    throw new Broken('events', null, `the tree has ${treeSize} leaves but no events remain`);
  if (chain.count > 0 && treeSize > chain.head.seq)
    throw new Broken(
      'events',
      chain.head.seq + 1,
      `the tree has ${treeSize} leaves but the chain ends at seq ${chain.head.seq}: rows were removed from its tail`,
    );
  if (chain.count > 0 && treeSize < chain.head.seq)
    throw new Broken(
      'merkle_nodes',
      treeSize + 1,
      `the tree ends at ${treeSize} leaves but the chain goes on to seq ${chain.head.seq}`,
    );
  const personal = checkPersonal(sqlite);
  const signed = await checkCheckpoints(sqlite, treeSize, options);
  if (treeSize > 0 && signed.sizes.length === 0)
    throw new Broken('checkpoints', null, 'no signed checkpoint covers the log');
  if (chain.count > 0 && chain.oldest > 1)
    await checkAnchor(sqlite, chain.oldest, signed.sizes, options.vkey);
  return {
    ok: true,
    count: chain.count,
    head: chain.head,
    oldest: chain.oldest,
    treeSize,
    checkpoints: signed.sizes.length,
    personal,
  };
}

/** Recomputes every stored inner node from its children, in the order the writer wrote them. */
function checkTree(sqlite: Sqlite): number {
  const frontier: { level: number; hash: Buffer }[] = [];
  let leaves = 0;
  for (const node of sqlite
    .prepare<[], { id: number; hash: Buffer }>('SELECT id, hash FROM merkle_nodes ORDER BY id')
    .iterate()) {
    const lastLeaf = Math.floor(node.id / 64);
    const level = node.id % 64;
    if (level === 0) {
      if (lastLeaf !== leaves)
        throw new Broken('merkle_nodes', leaves + 1, `leaf ${leaves} is missing from the tree`);
      pendingMerge(frontier, leaves);
      frontier.push({ level: 0, hash: node.hash });
      leaves++;
      continue;
    }
    const right = frontier[frontier.length - 1];
    const left = frontier[frontier.length - 2];
    if (lastLeaf !== leaves - 1 || !left || !right || left.level !== level - 1 || right.level !== level - 1)
      throw new Broken(
        'merkle_nodes',
        lastLeaf + 1,
        `node ${lastLeaf}/${level} is not where the tree has one`,
      );
    if (!nodeHashOf(left.hash, right.hash).equals(node.hash))
      throw new Broken('merkle_nodes', lastLeaf + 1, `node ${lastLeaf}/${level} does not hash its children`);
    frontier.splice(-2, 2, { level, hash: node.hash });
  }
  pendingMerge(frontier, leaves);
  return leaves;
}

function pendingMerge(frontier: { level: number }[], leaves: number): void {
  const n = frontier.length;
  if (n >= 2 && frontier[n - 1]?.level === frontier[n - 2]?.level)
    throw new Broken('merkle_nodes', leaves, `a parent node above leaf ${leaves - 1} is missing`);
}

interface ChainResult {
  count: number;
  oldest: number;
  head: { seq: number; hash: string };
}

function checkChain(
  sqlite: Sqlite,
  total: number,
  onProgress?: (done: number, total: number) => void,
): ChainResult {
  const rows = sqlite
    .prepare<[], EventRow & { leaf: Buffer | null }>(
      'SELECT e.*, n.hash AS leaf FROM events e LEFT JOIN merkle_nodes n ON n.id = (e.seq - 1) * 64 ORDER BY e.seq',
    )
    .iterate();
  let count = 0;
  let oldest = 0;
  let prev: { seq: number; hash: string } | null = null;
  for (const { leaf, ...row } of rows) {
    count++;
    if (prev === null) {
      oldest = row.seq;
      if (row.seq === 1 && row.prev_hash !== GENESIS)
        throw new Broken('events', 1, 'the first row does not start from the genesis hash');
    } else {
      if (row.seq !== prev.seq + 1)
        throw new Broken('events', prev.seq + 1, `row ${prev.seq + 1} is missing (next row is ${row.seq})`);
      if (row.prev_hash !== prev.hash)
        throw new Broken('events', row.seq, 'prev_hash does not match the row before');
    }
    const { hash, ...rest } = row;
    if (rowHash(rest) !== hash) throw new Broken('events', row.seq, 'row content does not match its hash');
    if (!leaf) throw new Broken('merkle_nodes', row.seq, 'the event has no leaf in the tree');
    if (!leafHashOf(hash).equals(leaf))
      throw new Broken('merkle_nodes', row.seq, "the leaf does not match the event's hash");
    prev = { seq: row.seq, hash };
    if (onProgress && count % 50_000 === 0) onProgress(count, total);
  }
  if (onProgress && count > 0) onProgress(count, total);
  return { count, oldest, head: prev ?? { seq: 0, hash: GENESIS } };
}

interface PersonalRow {
  seq: number;
  subject: string | null;
  salt: Buffer;
  user_id: string | null;
  ip: string | null;
  user_agent: string | null;
  values: string | null;
  pii_commit: string | null;
  event_subject: string | null;
  event_seq: number | null;
}

function checkPersonal(sqlite: Sqlite): number {
  const pseudonymOf = sqlite.prepare<[string], { pseudonym: string }>(
    'SELECT pseudonym FROM subjects WHERE user_id = ?',
  );
  const links = new Map<string, string | null>();
  // Read the links first: one statement iterates at a time on a connection.
  const rows = sqlite.prepare<[], PersonalRow>(
    `SELECT p.seq, p.subject, p.salt, p.user_id, p.ip, p.user_agent, p."values", e.pii_commit,
       e.subject AS event_subject, e.seq AS event_seq
     FROM personal_data p LEFT JOIN events e ON e.seq = p.seq ORDER BY p.seq`,
  );
  for (const u of sqlite
    .prepare<[], { user_id: string }>('SELECT DISTINCT user_id FROM personal_data WHERE user_id IS NOT NULL')
    .all())
    links.set(u.user_id, pseudonymOf.get(u.user_id)?.pseudonym ?? null);
  let count = 0;
  for (const p of rows.iterate()) {
    count++;
    if (p.event_seq === null) throw new Broken('personal_data', p.seq, 'there is no event with this seq');
    let values: Record<string, unknown> | null = null;
    try {
      values = p.values === null ? null : (JSON.parse(p.values) as Record<string, unknown>);
    } catch {
      throw new Broken('personal_data', p.seq, 'its values are not JSON');
    }
    const commit = personalFieldsCommit(p.salt, {
      user_id: p.user_id,
      ip: p.ip,
      user_agent: p.user_agent,
      values,
    });
    if (commit !== p.pii_commit)
      throw new Broken('personal_data', p.seq, "does not match the event's commitment");
    if (p.subject !== p.event_subject)
      throw new Broken('personal_data', p.seq, "its subject is not the event's subject");
    if (p.user_id !== null) {
      const pseudonym = links.get(p.user_id);
      if (pseudonym !== p.event_subject)
        throw new Broken(
          'subjects',
          p.seq,
          pseudonym
            ? "the user's pseudonym in subjects is not the event's subject"
            : 'the user named by the personal data has no pseudonym in subjects',
        );
    }
  }
  return count;
}

async function checkCheckpoints(
  sqlite: Sqlite,
  treeSize: number,
  options: VerifyOptions,
): Promise<{ sizes: number[] }> {
  const tree = new TreeReader(sqlite);
  const rows = [...allCheckpoints(sqlite)];
  const eventHash = sqlite.prepare<[number], { hash: string }>('SELECT hash FROM events WHERE seq = ?');
  const sizes: number[] = [];
  for (const r of rows) {
    const kept = eventHash.get(r.seq);
    if (r.note === null) {
      if (!checkLegacySignature(r, options.signingKey))
        throw new Broken('checkpoints', r.seq, 'the signature does not verify');
      if (kept && kept.hash !== r.hash)
        throw new Broken('checkpoints', r.seq, 'the signed head is not the row at this seq');
      continue;
    }
    let cp: Awaited<ReturnType<typeof openNote>>;
    try {
      cp = await openNote(r.note, options.vkey);
    } catch (error) {
      throw new Broken('checkpoints', r.seq, `the signed note does not verify: ${(error as Error).message}`);
    }
    if (cp.size !== r.seq)
      throw new Broken('checkpoints', r.seq, `the note signs tree size ${cp.size}, not ${r.seq}`);
    if (cp.size > treeSize)
      throw new Broken(
        'checkpoints',
        r.seq,
        `the note signs ${cp.size} leaves but the tree has ${treeSize}: its tail was removed`,
      );
    if (!tree.root(cp.size).equals(Buffer.from(cp.root)))
      throw new Broken('checkpoints', r.seq, 'the stored tree does not have the signed root');
    if (cp.size > 0) {
      const leaf = tree.node(cp.size - 1, 0);
      if (!leafHashOf(r.hash).equals(leaf) || (kept && kept.hash !== r.hash))
        throw new Broken('checkpoints', r.seq, 'the recorded chain hash is not the signed leaf');
    }
    sizes.push(cp.size);
  }
  return { sizes };
}

/**
 * A pruned prefix must end where the log says it was cut: at a signed tree size (so the signed root commits to
 * the leaf before the oldest row, which must be its prev_hash), recorded by a retention event in the chain.
 */
async function checkAnchor(sqlite: Sqlite, oldest: number, signedSizes: number[], vkey: Vkey): Promise<void> {
  const first = sqlite
    .prepare<[number], { prev_hash: string }>('SELECT prev_hash FROM events WHERE seq = ?')
    .get(oldest);
  const tree = new TreeReader(sqlite);
  if (!signedSizes.some((size) => size >= oldest - 1))
    throw new Broken('events', oldest, 'the oldest kept row is not covered by a signed checkpoint');
  if (!first || !leafHashOf(first.prev_hash).equals(tree.node(oldest - 2, 0)))
    throw new Broken('events', oldest, "the oldest kept row's prev_hash is not the signed leaf before it");
  if (!signedSizes.includes(oldest - 1))
    throw new Broken(
      'events',
      oldest,
      `rows below seq ${oldest} are gone, but no signed checkpoint has that size`,
    );
  // Any retention run that cut exactly there and signed its cut with the log's key (an event appended later
  // by someone else, or sent by a host under the same type, cannot carry that signature).
  const records = sqlite
    .prepare<[string], { metadata: string | null }>(
      'SELECT metadata FROM events WHERE event_type = ? AND subject IS NULL ORDER BY seq DESC',
    )
    .all(RETENTION_EVENT)
    .map((r) => {
      try {
        return JSON.parse(r.metadata ?? 'null') as { through_seq?: unknown; signature?: unknown } | null;
      } catch {
        return null;
      }
    })
    .filter((r) => r?.through_seq === oldest - 1);
  if (records.length === 0)
    throw new Broken(
      'events',
      oldest,
      `rows below seq ${oldest} are gone, but no retention run in the chain cut there`,
    );
  const text = retentionText(vkey.name, oldest - 1, first.prev_hash);
  for (const record of records) {
    try {
      const line = signatureLine(vkey.name, vkey.keyId, fromHex(String(record?.signature)));
      await openNoteText(`${text}\n${line}`, vkey);
      return;
    } catch {
      // not this one
    }
  }
  throw new Broken(
    'events',
    oldest,
    `the retention run that cut below seq ${oldest} is not signed by the log's key`,
  );
}

/** The chain alone (seq, prev_hash, row hashes), for callers that check nothing else. */
export function verifyChain(
  sqlite: Sqlite,
): { ok: true; count: number; head: { seq: number; hash: string } } | VerifyFailure {
  const total = (sqlite.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  try {
    const { count, head } = checkChain(sqlite, total);
    return { ok: true, count, head };
  } catch (error) {
    if (error instanceof Broken)
      return { ok: false, table: error.table, badSeq: error.badSeq, problem: error.message };
    throw error;
  }
}
