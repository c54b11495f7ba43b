// Signing the tree head: at start-up, shutdown, each retention run, each export, on a schedule, and when the
// public checkpoint route finds the tree has grown. Each signed note is stored; all but those signed for a
// reader are also written to the server log and sent as a webhook, so copies live outside the server.
import type { EventRow } from '../audit/chain.js';
import {
  identityOf,
  latestCheckpoint,
  type SignedCheckpoint,
  signTreeHead,
  storeCheckpoint,
} from '../audit/checkpoint.js';
import type { Services } from '../services.js';
import { seqOfEventId } from '../store/checkpoints.js';
import { eventAt, readHead } from '../store/events.js';

export async function signCheckpoint(s: Services, reason: string): Promise<SignedCheckpoint> {
  return s.pipeline.transact(async (tx) => {
    const head = s.log.head();
    const latest = await latestCheckpoint(tx);
    // Nothing new since the last one: a scheduled or on-demand signing reuses it.
    if (
      latest &&
      latest.seq === head.seq &&
      latest.hash === head.hash &&
      (reason === 'schedule' || reason === 'fetch')
    )
      return latest;
    const root = await s.log.tree.reader.root(tx, head.seq);
    const checkpoint = signTreeHead(head, root, identityOf(s.config));
    await storeCheckpoint(tx, checkpoint);
    const entry = {
      event_type: 'checkpoint_signed',
      message: `signed tree size ${head.seq}`,
      reason,
      checkpoint,
    };
    // Signed for a reader (up to once a second on a busy log): that reader holds the copy, so no webhook
    // and no info line for each one.
    if (reason === 'fetch') s.logger.debug(entry);
    else {
      await s.outbox.enqueue(tx, 'checkpoint.signed', { ...checkpoint, reason }, null);
      s.logger.info(entry);
    }
    return checkpoint;
  });
}

const lastFetchSigning = new WeakMap<Services, { at: number; pending: Promise<SignedCheckpoint> | null }>();

/**
 * The checkpoint for public readers and proofs: the latest note when it covers `atLeast` leaves (default: the
 * whole tree), otherwise a new one. Signing on demand happens at most once per second, so polling cannot make
 * the server sign on every request; a reader that needs a newer size waits for the next second.
 */
export async function currentCheckpoint(s: Services, atLeast?: number): Promise<SignedCheckpoint> {
  const want = atLeast ?? (await readHead(s.store.db))?.seq ?? 0;
  const latest = await latestCheckpoint(s.store.db);
  if (latest && latest.seq >= want) return latest;
  let state = lastFetchSigning.get(s);
  if (!state) {
    state = { at: 0, pending: null };
    lastFetchSigning.set(s, state);
  }
  const wait = state.at + 1000 - Date.now();
  if (latest && atLeast === undefined && wait > 0) return latest;
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const st = state;
  st.pending ??= signCheckpoint(s, 'fetch').finally(() => {
    st.at = Date.now();
    st.pending = null;
  });
  const signed = await st.pending;
  return signed.seq >= want ? signed : currentCheckpoint(s, atLeast);
}

export interface EventProof {
  seq: number;
  leaf_index: number;
  tree_size: number;
  event: EventRow;
  proof: string[];
  checkpoint: string;
}

/** An inclusion proof for one event against a signed checkpoint that covers it. */
export async function proveEvent(s: Services, seq: number): Promise<EventProof | null> {
  const event = await eventAt(s.store.db, seq);
  if (!event) return null;
  const cp = await currentCheckpoint(s, seq);
  const proof = await s.log.tree.reader.inclusionProof(s.store.db, seq - 1, cp.seq);
  return {
    seq,
    leaf_index: seq - 1,
    tree_size: cp.seq,
    event,
    proof: proof.map((h) => h.toString('base64')),
    checkpoint: cp.note,
  };
}

/** `proveEvent` by the event's public id, for staff who name an event rather than an account. */
export async function proveEventById(s: Services, id: string): Promise<EventProof | null> {
  const seq = await seqOfEventId(s.store.db, id);
  return seq === null ? null : proveEvent(s, seq);
}
