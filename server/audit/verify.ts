// `receipts verify`: checks everything the chain and the tree commit to, row by row. Every events row that
// exists is walked (retention is no reason to skip), every personal-data row is checked against its event's
// commitment and subject, the stored tree is recomputed from its leaves, every signed checkpoint is checked
// against it, and the oldest kept row must be anchored by a signed checkpoint and a recorded retention cut.

import type { KeyObject } from 'node:crypto';
import { fromHex } from '../../shared/tlog/base64.js';
import type { Vkey } from '../../shared/tlog/note.js';
import { openNote, openNoteText, signatureLine } from '../../shared/tlog/note.js';
import { eventAt } from '../store/events.js';
import type { Db } from '../store/sql.js';
import { nodeById } from '../store/tree.js';
import {
  countEvents,
  eventsPage,
  lastEventSeq,
  lastNodeKey,
  nodesPage,
  ownEventMetadata,
  personalLinks,
  personalPage,
} from '../store/verify.js';
import { GENESIS, personalFieldsCommit, rowHash } from './chain.js';
import { allCheckpoints, type CheckpointRow, checkLegacySignature, retentionText } from './checkpoint.js';
import { leafHashOf, nodeHashOf, nodeKey, TreeReader } from './tree.js';

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

export async function verifyStore(db: Db, options: VerifyOptions): Promise<VerifyResult> {
  try {
    return await walk(db, options);
  } catch (error) {
    if (error instanceof Broken)
      return { ok: false, table: error.table, badSeq: error.badSeq, problem: error.message };
    throw error;
  }
}

/**
 * The chain's last seq and the tree's size in one state of the store. A server may be appending while
 * verify reads, but an event and its leaf commit together: when the head reads the same before and after
 * the tree's size, that size belongs to the same state. Every walk below stops there.
 */
export async function storedSizes(db: Db): Promise<{ head: number; leaves: number }> {
  for (let attempt = 0; ; attempt++) {
    const head = await lastEventSeq(db);
    const last = await lastNodeKey(db);
    const leaves = last === null ? 0 : Math.floor(last / 64) + 1;
    if ((await lastEventSeq(db)) === head || attempt >= 20) return { head, leaves };
  }
}

async function walk(db: Db, options: VerifyOptions): Promise<VerifyOk> {
  // Checkpoints first: each one read covers a tree no larger than the one read after it.
  const checkpoints = await allCheckpoints(db);
  const sizes = await storedSizes(db);
  const total = await countEvents(db);
  const treeSize = await checkTree(db, sizes.leaves);
  const chain = await checkChain(db, sizes.head, total, options.onProgress);
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
  const personal = await checkPersonal(db, sizes.head);
  const signed = await checkCheckpoints(db, checkpoints, treeSize, options);
  if (treeSize > 0 && signed.sizes.length === 0)
    throw new Broken('checkpoints', null, 'no signed checkpoint covers the log');
  if (chain.count > 0 && chain.oldest > 1) await checkAnchor(db, chain.oldest, signed.sizes, options.vkey);
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

async function storedNode(db: Db, lastLeaf: number, level: number): Promise<Buffer> {
  const hash = await nodeById(db, nodeKey(lastLeaf, level));
  if (!hash) throw new Error(`merkle node ${lastLeaf}/${level} is missing`);
  return hash;
}

/** Recomputes every stored inner node of the first `size` leaves from its children, in the order written. */
async function checkTree(db: Db, size: number): Promise<number> {
  const frontier: { level: number; hash: Buffer }[] = [];
  let leaves = 0;
  const end = size * 64;
  for (
    let page = await nodesPage(db, -1, end);
    page.length > 0;
    page = await nodesPage(db, page.at(-1)!.id, end)
  ) {
    for (const node of page) {
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
        throw new Broken(
          'merkle_nodes',
          lastLeaf + 1,
          `node ${lastLeaf}/${level} does not hash its children`,
        );
      frontier.splice(-2, 2, { level, hash: node.hash });
    }
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

/** Walks the chain through seq `through`, oldest first. */
async function checkChain(
  db: Db,
  through: number,
  total: number,
  onProgress?: (done: number, total: number) => void,
): Promise<ChainResult> {
  let count = 0;
  let oldest = 0;
  let prev: { seq: number; hash: string } | null = null;
  for (
    let page = await eventsPage(db, 0, through);
    page.length > 0;
    page = await eventsPage(db, page.at(-1)!.seq, through)
  ) {
    for (const { leaf, ...row } of page) {
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
  }
  if (onProgress && count > 0) onProgress(count, total);
  return { count, oldest, head: prev ?? { seq: 0, hash: GENESIS } };
}

/**
 * Every personal-data row: its commitment, its subject and the user's link. Rows beyond `through` (appended
 * since the walk began) are only checked for an event: theirs commits with them, so none is ever missing.
 */
async function checkPersonal(db: Db, through: number): Promise<number> {
  const links = new Map<string, string | null>();
  for (const u of await personalLinks(db)) links.set(u.user_id, u.pseudonym);
  let count = 0;
  const end = Number.MAX_SAFE_INTEGER;
  for (
    let page = await personalPage(db, 0, end);
    page.length > 0;
    page = await personalPage(db, page.at(-1)!.seq, end)
  ) {
    for (const p of page) {
      if (p.event_seq === null) throw new Broken('personal_data', p.seq, 'there is no event with this seq');
      if (p.seq > through) continue;
      count++;
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
  }
  return count;
}

async function checkCheckpoints(
  db: Db,
  rows: CheckpointRow[],
  treeSize: number,
  options: VerifyOptions,
): Promise<{ sizes: number[] }> {
  const tree = new TreeReader();
  const sizes: number[] = [];
  for (const r of rows) {
    const kept = await eventAt(db, r.seq);
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
    if (!(await tree.root(db, cp.size)).equals(Buffer.from(cp.root)))
      throw new Broken('checkpoints', r.seq, 'the stored tree does not have the signed root');
    if (cp.size > 0) {
      const leaf = await storedNode(db, cp.size - 1, 0);
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
async function checkAnchor(db: Db, oldest: number, signedSizes: number[], vkey: Vkey): Promise<void> {
  const first = await eventAt(db, oldest);
  if (!signedSizes.some((size) => size >= oldest - 1))
    throw new Broken('events', oldest, 'the oldest kept row is not covered by a signed checkpoint');
  if (!first || !leafHashOf(first.prev_hash).equals(await storedNode(db, oldest - 2, 0)))
    throw new Broken('events', oldest, "the oldest kept row's prev_hash is not the signed leaf before it");
  if (!signedSizes.includes(oldest - 1))
    throw new Broken(
      'events',
      oldest,
      `rows below seq ${oldest} are gone, but no signed checkpoint has that size`,
    );
  // Any retention run that cut exactly there and signed its cut with the log's key (an event appended later
  // by someone else, or sent by a host under the same type, cannot carry that signature).
  const records = (await ownEventMetadata(db, RETENTION_EVENT))
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
export async function verifyChain(
  db: Db,
): Promise<{ ok: true; count: number; head: { seq: number; hash: string } } | VerifyFailure> {
  const total = await countEvents(db);
  try {
    const { count, head } = await checkChain(db, await lastEventSeq(db), total);
    return { ok: true, count, head };
  } catch (error) {
    if (error instanceof Broken)
      return { ok: false, table: error.table, badSeq: error.badSeq, problem: error.message };
    throw error;
  }
}
