// Prepare workers: ingest bodies are parsed, validated and prepared on the other cores, so the thread that
// commits only appends. Single events go too: the round trip costs the main thread less than preparing one
// (measured: about 1.1 ms of main-thread CPU per single POST through a worker, 1.6 ms inline). Workers write
// nothing: a body whose worker dies is prepared again inline, and a new worker takes its place.
import { WorkerPool } from '../../worker-pool.js';
import { type PreparedBody, prepareBody } from '../body.js';
import type { PreparedEvent, PrepareKeys } from '../prepare.js';
import type { WorkerSetup } from './messages.js';

export interface PreparePoolOptions {
  /** Worker threads; 0 prepares every body inline. */
  size: number;
  /** The server's secrets and locator; each worker opens the locator's database itself. */
  keys: PrepareKeys;
  /** Told when a worker dies (it is replaced; its bodies are prepared inline). */
  onCrash?: (error: Error) => void;
  /** The worker module; the server's own by default (the tests give one that dies on a large body). */
  script?: URL;
}

export class PreparePool {
  private readonly pool: WorkerPool<Uint8Array, PreparedBody>;

  constructor(opts: PreparePoolOptions) {
    const { pepper, webhookSecret, geo } = opts.keys;
    const setup: WorkerSetup = {
      pepper,
      webhookSecret,
      geo: { source: geo ? geo.source : { kind: 'off' } },
    };
    this.pool = new WorkerPool({
      name: 'prepare worker',
      size: opts.size,
      script: opts.script ?? new URL('./worker.js', import.meta.url),
      workerData: setup,
      // A body's garbage dies young: a 4 MB nursery (V8's default is 16 MB per semi-space) keeps each worker
      // about 40 MB smaller at the same rate (100k events in 1000-event batches, measured).
      youngGenerationMb: 4,
      inline: async (bytes) => prepareBody(bytes, opts.keys),
      // Copied, not transferred: the bytes stay here in case the worker dies before it answers. A view into a
      // larger buffer (Node pools small ones) is cut out first, or the whole buffer would be copied.
      post: (bytes) =>
        bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
          ? bytes
          : new Uint8Array(bytes),
      revive: (body) => (body.ok ? { ok: true, prepared: body.prepared.map(revive) } : body),
      onCrash: opts.onCrash,
    });
  }

  /** Threads running now (they start with the first body that needs one). */
  get threads(): number {
    return this.pool.threads;
  }

  /** A request body, prepared (or refused as it would be inline). Rejects only if preparing threw. */
  prepare(bytes: Uint8Array): Promise<PreparedBody> {
    return this.pool.run(bytes);
  }

  /** Stops the workers; bodies still on them are prepared inline, so no caller is left waiting. */
  close(): Promise<void> {
    return this.pool.close();
  }
}

/** Structured clone turns Buffers into plain Uint8Arrays; the store wants Buffers back. */
function revive(p: PreparedEvent): PreparedEvent {
  const { personal, sealed } = p.event;
  if (personal?.ipKey) personal.ipKey = asBuffer(personal.ipKey);
  if (sealed?.salt) sealed.salt = asBuffer(sealed.salt);
  return p;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
