// The SQLite WAL under steady ingest: the server folds it into the database file while it runs (from its
// checkpoint thread, server/store/checkpointer.ts) and starts it over, so the WAL stays bounded however many
// events arrive.
import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest, onPostgres, startServer, type TestServer } from '../support/server.js';

const BATCHES = 48;
const PER_BATCH = 500;

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ backend: 'sqlite' });
});
afterAll(async () => {
  await server?.stop();
});

const walBytes = () => {
  try {
    return statSync(`${server.dbPath}-wal`).size;
  } catch {
    return 0;
  }
};

function batch(b: number) {
  return {
    events: Array.from({ length: PER_BATCH }, (_, i) => ({
      id: `ev_wal_${b}_${i}`,
      event_type: i % 3 ? 'data_access' : 'login_success',
      outcome: 'success',
      user_id: `usr_wal_${(b * PER_BATCH + i) % 997}`,
      session_id: `hs_wal_${(b * PER_BATCH + i) % 1499}`,
      ip_address: `198.51.${b % 200}.${i % 250}`,
      metadata: { resource: `doc-${i}`, note: 'x'.repeat(200) },
    })),
  };
}

describe.skipIf(onPostgres)('the SQLite WAL under steady ingest', () => {
  it('stays bounded and is folded into the database file while the server runs', async () => {
    let peak = 0;
    let next = 0;
    const lane = async () => {
      while (next < BATCHES) {
        const res = await ingest(server, batch(next++));
        expect(res.status).toBe(202);
        peak = Math.max(peak, walBytes());
      }
    };
    await Promise.all([lane(), lane(), lane()]);
    // 24,000 events write about 350 MB of WAL frames; a WAL that never starts over would hold all of them.
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(96 * 2 ** 20);
    // In WAL mode the database file grows only when a checkpoint copies frames into it: most of the
    // events are there, without waiting for the server to stop.
    expect(statSync(server.dbPath).size).toBeGreaterThan(BATCHES * PER_BATCH * 400);
  });
});
