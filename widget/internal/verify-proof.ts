// One inclusion proof checked against the item on screen: the event the server proves is the one the user
// reads, its chain hash is right, and it sits in the tree a signed checkpoint commits to. WebCrypto only.
import type { ActivityItem, ActivityProof } from '../../shared/api.js';
import {
  type Checkpoint,
  eventHash,
  fromBase64,
  fromHex,
  leafHash,
  TlogError,
  verifyInclusion,
} from '../../shared/tlog/index.js';

/** Verifies a signed note (once per distinct text, by the caller's cache) and gives its checkpoint. */
export type OpenCheckpoint = (note: string) => Promise<Checkpoint>;

const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

/** Resolves when the proof holds; throws a TlogError saying what does not. */
export async function checkProof(
  item: ActivityItem,
  reply: ActivityProof,
  open: OpenCheckpoint,
): Promise<void> {
  const event = reply?.event;
  if (!event || typeof event !== 'object') throw new TlogError('the proof carries no event');
  // A valid proof of some other event proves nothing about this one: the fields shown must be the ones chained.
  if (
    event.id !== item.id ||
    event.event_type !== item.event_type ||
    event.level !== item.level ||
    (event.outcome ?? null) !== (item.outcome ?? null) ||
    event.ts !== Date.parse(item.timestamp)
  ) {
    throw new TlogError('the proven event is not the one shown');
  }
  const { seq, leaf_index: index, tree_size: size } = reply;
  if (!isCount(seq) || event.seq !== seq || index !== seq - 1)
    throw new TlogError('the leaf index is not seq - 1');
  if (!isCount(size) || index >= size) throw new TlogError('the leaf lies outside the tree');
  if (!Array.isArray(reply.proof) || typeof reply.checkpoint !== 'string') {
    throw new TlogError('the proof is malformed');
  }
  const { hash, ...row } = event;
  if (typeof hash !== 'string' || (await eventHash(row)) !== hash) {
    throw new TlogError('the event does not match its chain hash');
  }
  const checkpoint = await open(reply.checkpoint);
  if (checkpoint.size !== size)
    throw new TlogError(`the checkpoint is of size ${checkpoint.size}, not ${size}`);
  const path = reply.proof.map((h) => fromBase64(String(h)));
  const leaf = await leafHash(fromHex(hash));
  if (!(await verifyInclusion(index, size, leaf, path, checkpoint.root))) {
    throw new TlogError('the inclusion proof does not lead to the signed root');
  }
}
