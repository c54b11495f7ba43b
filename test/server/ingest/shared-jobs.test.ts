// Batches that wait for the same group commit share one job (server/ingest/shared-job.ts): each request
// still gets its own answer, an id two of them carry is stored once, and a job that fails is run again part
// by part, so one bad request loses only itself.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as SharedJob from '../../../server/ingest/shared-job.js';
import type * as Sql from '../../../server/store/sql.js';
import { ROOT, signIn } from '../../support/server.js';
import { buildApp, type InProcessApp } from '../http/helpers.js';

const dist = async <T>(p: string): Promise<T> =>
  (await import(pathToFileURL(join(ROOT, 'dist/server', p)).href)) as T;

let a: InProcessApp;
let SharedJobs: typeof SharedJob.SharedJobs;
let sql: typeof Sql.sql;

beforeAll(async () => {
  a = await buildApp();
  ({ SharedJobs } = await dist<typeof SharedJob>('ingest/shared-job.js'));
  ({ sql } = await dist<typeof Sql>('store/sql.js'));
});
afterAll(async () => {
  await a?.close();
});

const post = (body: unknown) =>
  a.app.request('/v1/events', {
    method: 'POST',
    headers: {
      authorization: `Bearer ${a.env.RECEIPTS_INGEST_KEYS!.split(',')[0]}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });

const COUNT_IDS = () => sql('SELECT COUNT(*) AS n FROM events WHERE id LIKE ?');

describe('requests waiting for one group commit', () => {
  it('each gets its own answer, and all of them are stored once', async () => {
    const replies = await Promise.all(
      Array.from({ length: 48 }, (_, i) =>
        post({ ...signIn(`usr_shared_${i % 6}`, `hs_shared_${i}`), id: `ev_shared_single_${i}` }),
      ),
    );
    const bodies = await Promise.all(
      replies.map(async (r) => ({ status: r.status, body: (await r.json()) as { ids: string[] } })),
    );
    for (const [i, r] of bodies.entries()) {
      expect(r.status).toBe(202);
      expect(r.body).toMatchObject({ accepted: 1, duplicates: 0, ids: [`ev_shared_single_${i}`] });
    }
    const row = await a.services.store.db.get<{ n: number }>(COUNT_IDS(), ['ev_shared_single_%']);
    expect(row?.n).toBe(48);
  });

  it('an id two concurrent requests carry is accepted by one and a duplicate for the other', async () => {
    const one = { ...signIn('usr_shared_dup', 'hs_dup'), id: 'ev_shared_dup' };
    const replies = await Promise.all([
      post({ events: [one, { ...one, id: 'ev_shared_dup_a' }] }),
      post({ events: [{ ...one, id: 'ev_shared_dup_b' }, one] }),
      post(one),
    ]);
    const bodies = (await Promise.all(replies.map((r) => r.json()))) as {
      ids: string[];
      duplicate_ids: string[];
    }[];
    expect(replies.map((r) => r.status)).toEqual([202, 202, 202]);
    const accepted = bodies.flatMap((b) => b.ids).filter((id) => id === 'ev_shared_dup');
    const duplicate = bodies.flatMap((b) => b.duplicate_ids).filter((id) => id === 'ev_shared_dup');
    expect(accepted).toHaveLength(1);
    expect(duplicate).toHaveLength(2);
    const row = await a.services.store.db.get<{ n: number }>(COUNT_IDS(), ['ev_shared_dup%']);
    expect(row?.n).toBe(3);
  });

  it('a shared job that fails runs again part by part: only the bad part is lost', async () => {
    const runs: string[][] = [];
    const jobs = new SharedJobs<string, string>(
      a.services.commit,
      async (tx, parts) => {
        runs.push([...parts]);
        const out: string[] = [];
        for (const part of parts) {
          await a.services.pipeline.record(tx, {
            event_type: 'data_access',
            outcome: 'success',
            user_id: 'usr_shared_parts',
            metadata: { part },
          });
          if (part.startsWith('bad')) throw new Error(`${part} cannot be stored`);
          out.push(`stored ${part}`);
        }
        return out;
      },
      () => 1,
      100,
    );
    const outcomes = await Promise.allSettled(['p1', 'bad', 'p3'].map((p) => jobs.run(p)));
    expect(outcomes).toEqual([
      { status: 'fulfilled', value: 'stored p1' },
      { status: 'rejected', reason: new Error('bad cannot be stored') },
      { status: 'fulfilled', value: 'stored p3' },
    ]);
    expect(runs).toEqual([['p1', 'bad', 'p3'], ['p1'], ['bad'], ['p3']]);
    const stored = await a.services.store.db.all<{ metadata: string }>(
      sql("SELECT metadata FROM events WHERE event_type = 'data_access' ORDER BY seq"),
    );
    const parts = stored.map((r) => (JSON.parse(r.metadata) as { part?: string }).part).filter(Boolean);
    expect(parts).toEqual(['p1', 'p3']);
  });

  it('parts beyond the limit wait for a job of their own', async () => {
    const runs: number[][] = [];
    const jobs = new SharedJobs<number, number>(
      a.services.commit,
      async (_tx, parts) => {
        runs.push([...parts]);
        return parts.map((p) => p * 2);
      },
      (p) => p,
      10,
    );
    const results = await Promise.all([4, 5, 3, 9].map((p) => jobs.run(p)));
    expect(results).toEqual([8, 10, 6, 18]);
    expect(runs).toEqual([[4, 5], [3], [9]]);
  });
});
