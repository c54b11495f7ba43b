// `receipts verify --checkpoint FILE`: proves the stored tree extends a signed checkpoint saved earlier, in
// O(log n) reads: a consistency proof from the saved size to the current tree, checked by shared/tlog.
import { verifyConsistency } from '../../shared/tlog/merkle.js';
import { openNote, type Vkey } from '../../shared/tlog/note.js';
import type { Db } from '../store/sql.js';
import { TreeReader } from './tree.js';
import { storedSizes } from './verify.js';

export type ConsistencyResult = { ok: true; from: number; to: number } | { ok: false; problem: string };

export async function checkSavedCheckpoint(db: Db, note: string, vkey: Vkey): Promise<ConsistencyResult> {
  let saved: Awaited<ReturnType<typeof openNote>>;
  try {
    saved = await openNote(note, vkey);
  } catch (error) {
    return {
      ok: false,
      problem: `the saved checkpoint is not valid for this log's key: ${(error as Error).message}`,
    };
  }
  const tree = new TreeReader();
  const { head, leaves: size } = await storedSizes(db);
  if (size < saved.size)
    return {
      ok: false,
      problem: `the log shrank: the saved checkpoint has ${saved.size} leaves, the tree now ${size}: its tail was truncated`,
    };
  if (head !== size && head !== 0)
    return { ok: false, problem: `the chain ends at seq ${head} but the tree has ${size} leaves` };
  let consistent = false;
  try {
    const proof = await tree.consistencyProof(db, saved.size, size);
    consistent = await verifyConsistency(saved.size, size, saved.root, await tree.root(db, size), proof);
  } catch {
    consistent = false;
  }
  if (!consistent)
    return {
      ok: false,
      problem: `the tree is not consistent with the saved checkpoint at size ${saved.size}: the log was rewritten`,
    };
  return { ok: true, from: saved.size, to: size };
}
