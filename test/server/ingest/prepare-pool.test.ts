// The prepare workers, with real worker threads from the build (dist/): a body comes back from a worker as it
// would from the thread that commits, and a worker that dies mid-batch loses nothing.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Chain from '../../../server/audit/chain.js';
import type * as Geo from '../../../server/geo/index.js';
import type * as Body from '../../../server/ingest/body.js';
import type * as Pool from '../../../server/ingest/workers/pool.js';
import { ROOT } from '../../support/server.js';

const dist = async <T>(p: string): Promise<T> =>
  (await import(pathToFileURL(join(ROOT, 'dist/server', p)).href)) as T;

let PreparePool: typeof Pool.PreparePool;
let prepareBody: typeof Body.prepareBody;
let keys: Parameters<typeof Body.prepareBody>[1];
let personalFieldsCommit: typeof Chain.personalFieldsCommit;

beforeAll(async () => {
  ({ PreparePool } = await dist<typeof Pool>('ingest/workers/pool.js'));
  ({ prepareBody } = await dist<typeof Body>('ingest/body.js'));
  ({ personalFieldsCommit } = await dist<typeof Chain>('audit/chain.js'));
  const { GeoLocator } = await dist<typeof Geo>('geo/index.js');
  keys = {
    pepper: Buffer.from('a pepper for the prepare pool tests'),
    webhookSecret: 'whsec_prepare_pool_test',
    geo: new GeoLocator({ kind: 'bundled' }),
  };
});

/** A sign-in with everything preparing touches: address, user agent, session, personal and secret metadata. */
function event(i: number, note = 'hello') {
  return {
    id: `evt_pool_${i}`,
    event_type: 'login_success',
    outcome: 'success',
    timestamp: '2026-11-30T10:00:00.000Z',
    user_id: `usr_${i % 5}`,
    session_id: `sess_${i}`,
    ip_address: i % 2 ? '81.2.69.160' : '2001:4860:4860::8888',
    user_agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
    metadata: { note, contact: 'ada@example.com', password: 'hunter2', n: i },
  };
}

type Answer = Awaited<ReturnType<Pool.PreparePool['prepare']>>;

/** An answer without its salts and the commitments made with them: those are fresh for every preparation. */
function unsalted(answer: Answer): unknown {
  if (!answer.ok) return answer;
  return answer.prepared.map((p) => ({
    ...p,
    event: { ...p.event, sealed: { ...p.event.sealed, salt: null, piiCommit: null } },
  }));
}

const bytes = (body: unknown) => Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));

describe('prepare pool', () => {
  let pool: Pool.PreparePool;

  beforeAll(() => {
    pool = new PreparePool({ size: 2, keys });
  });

  afterAll(async () => {
    await pool.close();
  });

  it('should answer a batch from a worker exactly as it is prepared inline, addresses as Buffers', async () => {
    const body = bytes({ events: Array.from({ length: 50 }, (_, i) => event(i)) });
    const viaWorker = await pool.prepare(body);
    expect(pool.threads).toBe(2);
    expect(unsalted(viaWorker)).toEqual(unsalted(prepareBody(body, keys)));
    if (!viaWorker.ok) throw new Error('refused');
    // In order, redacted, located through the shared database bytes, the address key a Buffer again.
    expect(viaWorker.prepared.map((p) => p.event.id)).toEqual(
      Array.from({ length: 50 }, (_, i) => `evt_pool_${i}`),
    );
    const first = viaWorker.prepared[1]!;
    expect(first.redacted).toEqual(['metadata.password']);
    expect(JSON.parse(first.location!)).toMatchObject({ country: 'GB', city: 'London' });
    expect(Buffer.isBuffer(first.event.personal?.ipKey)).toBe(true);
    expect(first.hostTag).toMatch(/\S/);
    // Sealed on the worker: canonical metadata, and a commitment the stored personal data will open.
    const { sealed, personal, userId } = first.event;
    const canonical = JSON.parse(sealed!.metadata!) as Record<string, unknown>;
    expect(canonical).toEqual(first.event.metadata);
    expect(Object.keys(canonical), 'RFC 8785: keys in order').toEqual(Object.keys(canonical).sort());
    expect(Buffer.isBuffer(sealed?.salt)).toBe(true);
    expect(sealed?.values).toBe(JSON.stringify(personal?.values));
    const opened = personalFieldsCommit(sealed!.salt!, {
      user_id: userId,
      ip: personal!.ip,
      user_agent: personal!.userAgent,
      values: personal!.values,
    });
    expect(sealed?.piiCommit).toBe(opened);
    const salts = new Set(viaWorker.prepared.map((p) => p.event.sealed?.salt?.toString('hex')));
    expect(salts.size, 'every event its own salt').toBe(50);
  });

  it('should refuse a body as inline does: not JSON, and invalid events with every issue', async () => {
    for (const body of [
      bytes('{"events": ['),
      bytes(''),
      bytes({ events: [event(1), { event_type: 'x', bogus: 1 }, { ...event(3), ip_address: 'nowhere' }] }),
      bytes({ events: [] }),
    ]) {
      const viaWorker = await pool.prepare(body);
      expect(viaWorker.ok).toBe(false);
      expect(unsalted(viaWorker)).toEqual(unsalted(prepareBody(body, keys)));
    }
  });

  it('should keep requests apart when many are in flight at once', async () => {
    const bodies = Array.from({ length: 20 }, (_, r) =>
      bytes({ events: Array.from({ length: 10 }, (_, i) => event(r * 10 + i)) }),
    );
    const answers = await Promise.all(bodies.map((b) => pool.prepare(b)));
    answers.forEach((a, r) => {
      expect(unsalted(a)).toEqual(unsalted(prepareBody(bodies[r]!, keys)));
    });
  });
});

describe('a worker that dies mid-batch', () => {
  it('should lose nothing: the batch is prepared inline, and a new worker serves the next body', async () => {
    const crashes: Error[] = [];
    // The real worker, whose thread ends on a body over 1 MB: a crash in the middle of a batch.
    const pool = new PreparePool({
      size: 1,
      keys,
      script: new URL('../../fixtures/workers/dies-on-large-body.mjs', import.meta.url),
      onCrash: (e) => crashes.push(e),
    });
    try {
      const small = bytes({ events: [event(1)] });
      expect(unsalted(await pool.prepare(small))).toEqual(unsalted(prepareBody(small, keys)));
      expect(pool.threads).toBe(1);

      const long = 'x'.repeat(4000);
      const huge = bytes({
        events: Array.from({ length: 1000 }, (_, i) => ({
          ...event(i),
          metadata: { a: long, b: long, c: long, d: long, n: i },
        })),
      });
      expect(huge.byteLength).toBeGreaterThan(1_000_000);
      const answer = await pool.prepare(huge);
      expect(crashes.map((e) => e.message)).toEqual(['prepare worker exited (70)']);
      // Every event, in order, as inline.
      expect(unsalted(answer)).toEqual(unsalted(prepareBody(huge, keys)));

      // The pool keeps serving from a fresh worker.
      const after = bytes({ events: [event(2), event(3)] });
      expect(unsalted(await pool.prepare(after))).toEqual(unsalted(prepareBody(after, keys)));
      expect(pool.threads).toBe(1);
      expect(crashes).toHaveLength(1);
    } finally {
      await pool.close();
    }
  });

  it('should prepare inline what is still in flight when the pool closes', async () => {
    const pool = new PreparePool({ size: 1, keys });
    const body = bytes({ events: Array.from({ length: 200 }, (_, i) => event(i)) });
    const pending = pool.prepare(body);
    await pool.close();
    expect(unsalted(await pending)).toEqual(unsalted(prepareBody(body, keys)));
    expect(pool.threads).toBe(0);
    // Closed: what comes after is prepared inline.
    expect(unsalted(await pool.prepare(body))).toEqual(unsalted(prepareBody(body, keys)));
    expect(pool.threads).toBe(0);
  });
});
