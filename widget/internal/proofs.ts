// Checks, in the browser, that every activity item shown is in the transparency log: one inclusion proof per
// item as it appears (a few requests at a time, each result kept by event id), each signed note verified once,
// and every checkpoint this page sees consistent with the others (one history, not a fork).
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ActivityItem, ActivityProof } from '../../shared/api.js';
import {
  type Checkpoint,
  fromBase64,
  openNote,
  parseVkey,
  TlogError,
  type Vkey,
  verifyConsistency,
} from '../../shared/tlog/index.js';
import { ApiError, isAbort } from './api.js';
import { checkProof } from './verify-proof.js';

/** `unchecked`: the proof could not be fetched, so nothing was learned either way. */
export type ProofState = 'checking' | 'verified' | 'failed' | 'unchecked';

/** Whether this page can check at all: a well-formed key (its id matching), and WebCrypto with Ed25519. */
export type Capability = 'starting' | 'ready' | 'no-crypto' | 'bad-key';

export interface ProofCheckOptions {
  /** The `log-key` attribute: a C2SP verifier key. */
  key: string;
  /** The items shown now; each new one is checked as it appears. */
  items(): readonly ActivityItem[];
  fetchProof(id: string, signal: AbortSignal): Promise<ActivityProof>;
  /** `GET /v1/log/consistency?from=&to=`: how the tree of `from` leaves is a prefix of that of `to`. */
  fetchConsistency(from: number, to: number, signal: AbortSignal): Promise<{ proof: string[] }>;
  /** Entries found not to match the log, once per round of checks. */
  onFailure(ids: string[]): void;
  /** Proofs fetched at once. */
  concurrency?: number;
  /** Waits before each retry of a proof that could not be fetched (network, 429, 5xx). */
  retryDelays?: readonly number[];
}

export interface Tally {
  verified: number;
  checking: number;
  unchecked: number;
  failed: ActivityItem[];
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Worth asking again: the request never got a considered answer. */
function transient(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 0 || error.status === 429 || error.status >= 500);
}

/** The verifier key, or why this page cannot check with it. */
async function prepare(text: string): Promise<Vkey | Capability> {
  let key: Vkey;
  try {
    key = parseVkey(text.trim());
  } catch (error) {
    console.warn(
      `<activity-log>: the log-key attribute is not a verifier key (${(error as Error).message}). ` +
        'Expected "<name>+<key id>+<base64 key>", as GET /v1/log/key gives it; the log is not checked.',
    );
    return 'bad-key';
  }
  // Outside a secure context there is no crypto.subtle; some browsers lack Ed25519. Then nothing is checked.
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return 'no-crypto';
  try {
    await subtle.importKey('raw', key.publicKey as BufferSource, { name: 'Ed25519' }, false, ['verify']);
  } catch {
    return 'no-crypto';
  }
  return key;
}

export class ProofCheck implements ReactiveController {
  capability: Capability = 'starting';
  readonly #states = new Map<string, ProofState>();
  /** Signed notes by text: most proofs share one checkpoint, whose signature is checked once. */
  readonly #notes = new Map<string, Promise<Checkpoint>>();
  /** Notes still being opened, under the signal of the checks that asked: an abort forgets them. */
  readonly #opening = new Set<string>();
  /** The largest checkpoint seen so far; every other one must be a prefix of it. Checked one at a time. */
  #latest: Checkpoint | undefined;
  #extending: Promise<unknown> = Promise.resolve();
  #queue: ActivityItem[] = [];
  #active = 0;
  #failures: string[] = [];
  #controller = new AbortController();
  readonly #ready: Promise<Vkey | Capability>;
  readonly #host: ReactiveControllerHost;
  readonly #options: Required<ProofCheckOptions>;

  constructor(host: ReactiveControllerHost, options: ProofCheckOptions) {
    this.#host = host;
    this.#options = { concurrency: 4, retryDelays: [1000, 4000], ...options };
    this.#ready = prepare(options.key).then((key) => {
      this.capability = typeof key === 'string' ? key : 'ready';
      host.requestUpdate();
      return key;
    });
    host.addController(this);
  }

  state(id: string): ProofState | undefined {
    return this.#states.get(id);
  }

  /** How the items shown stand. */
  tally(items: readonly ActivityItem[]): Tally {
    const tally: Tally = { verified: 0, checking: 0, unchecked: 0, failed: [] };
    for (const item of items) {
      const state = this.#states.get(item.id) ?? 'checking';
      if (state === 'failed') tally.failed.push(item);
      else tally[state]++;
    }
    return tally;
  }

  /** Whatever is shown and not yet asked about is queued, before each render. */
  hostUpdate(): void {
    if (this.capability === 'bad-key' || this.capability === 'no-crypto') return;
    for (const item of this.#options.items()) {
      if (this.#states.has(item.id)) continue;
      this.#states.set(item.id, 'checking');
      this.#queue.push(item);
    }
    this.#pump();
  }

  hostDisconnected(): void {
    this.#abort();
    // What was still being checked starts again on reconnect; what was learned stays.
    for (const [id, state] of this.#states) if (state === 'checking') this.#states.delete(id);
  }

  /** A different account or server: nothing learned applies any more. */
  reset(): void {
    this.#abort();
    this.#states.clear();
    this.#notes.clear();
    this.#latest = undefined;
    this.#host.requestUpdate();
  }

  /** Asks again for the proofs that could not be fetched. */
  retry(): void {
    for (const [id, state] of this.#states) if (state === 'unchecked') this.#states.delete(id);
    this.#host.requestUpdate();
  }

  stop(): void {
    this.#abort();
    this.#host.removeController(this);
  }

  #abort(): void {
    for (const note of this.#opening) this.#notes.delete(note);
    this.#opening.clear();
    this.#controller.abort();
    this.#controller = new AbortController();
    this.#queue = [];
    this.#active = 0;
    this.#failures = [];
  }

  #pump(): void {
    const signal = this.#controller.signal;
    while (this.#active < this.#options.concurrency && this.#queue.length > 0) {
      const item = this.#queue.shift() as ActivityItem;
      this.#active++;
      void this.#check(item, signal).then((state) => {
        if (signal.aborted) return;
        this.#active--;
        if (state) this.#states.set(item.id, state);
        if (state === 'failed') this.#failures.push(item.id);
        if (this.#active === 0 && this.#queue.length === 0 && this.#failures.length > 0) {
          this.#options.onFailure(this.#failures);
          this.#failures = [];
        }
        this.#pump();
        this.#host.requestUpdate();
      });
    }
  }

  /** The item's state once its proof is in; undefined when this page cannot check. Never rejects. */
  async #check(item: ActivityItem, signal: AbortSignal): Promise<ProofState | undefined> {
    const key = await this.#ready;
    if (typeof key === 'string') return undefined;
    let reply: ActivityProof;
    try {
      reply = await this.#fetch(item.id, signal);
    } catch (error) {
      if (signal.aborted || isAbort(error)) return undefined;
      // The server listed this event and says it has no proof of it: that is a failure, not a hiccup.
      return error instanceof ApiError && error.code === 'not_found' ? 'failed' : 'unchecked';
    }
    try {
      await checkProof(item, reply, (note) => this.#open(note, key, signal));
      return 'verified';
    } catch (error) {
      if (signal.aborted) return undefined;
      // A consistency proof that could not be fetched proves nothing either way.
      return error instanceof ApiError || isAbort(error) ? 'unchecked' : 'failed';
    }
  }

  async #fetch(id: string, signal: AbortSignal): Promise<ActivityProof> {
    for (const delay of this.#options.retryDelays) {
      try {
        return await this.#options.fetchProof(id, signal);
      } catch (error) {
        if (!transient(error) || signal.aborted) throw error;
      }
      await wait(delay, signal);
    }
    return this.#options.fetchProof(id, signal);
  }

  #open(note: string, key: Vkey, signal: AbortSignal): Promise<Checkpoint> {
    // A check cut off on its way here must not leave a note opening under its dead signal for the next ones.
    signal.throwIfAborted();
    let checkpoint = this.#notes.get(note);
    if (!checkpoint) {
      const opening = openNote(note, key).then((cp) => this.#extend(cp, signal));
      checkpoint = opening;
      this.#notes.set(note, opening);
      this.#opening.add(note);
      // What failed for want of an answer is asked again next time; what failed to verify stays failed.
      opening.then(
        () => {
          if (this.#notes.get(note) === opening) this.#opening.delete(note);
        },
        (error: unknown) => {
          if (this.#notes.get(note) !== opening) return;
          this.#opening.delete(note);
          if (!(error instanceof TlogError)) this.#notes.delete(note);
        },
      );
    }
    return checkpoint;
  }

  /**
   * A log shown to one page must be one history: a checkpoint is accepted only if it and the largest one so
   * far are consistent (RFC 9162 §2.1.4), so the server cannot prove some events in one tree and some in a
   * fork. One at a time, so that two new checkpoints are never both compared with the same older one only.
   */
  #extend(cp: Checkpoint, signal: AbortSignal): Promise<Checkpoint> {
    const run = this.#extending.then(async () => {
      // After a reset the answer belongs to another server's log: it must not become this one's latest.
      signal.throwIfAborted();
      const latest = this.#latest;
      if (latest) {
        const [older, newer] = latest.size <= cp.size ? [latest, cp] : [cp, latest];
        const proof =
          older.size === newer.size || older.size === 0
            ? []
            : (await this.#options.fetchConsistency(older.size, newer.size, signal)).proof;
        if (!Array.isArray(proof)) throw new TlogError('the consistency proof is malformed');
        const path = proof.map((h) => fromBase64(String(h)));
        if (!(await verifyConsistency(older.size, newer.size, older.root, newer.root, path))) {
          throw new TlogError(`the checkpoints of sizes ${older.size} and ${newer.size} are not one history`);
        }
        if (newer !== cp) return cp;
      }
      signal.throwIfAborted();
      this.#latest = cp;
      return cp;
    });
    this.#extending = run.catch(() => undefined);
    return run;
  }
}
