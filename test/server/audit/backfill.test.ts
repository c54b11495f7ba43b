// A store written before the Merkle tree existed (events, no nodes) gets its tree at start-up, and then
// verifies and proves like any other.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cli, ingest, signIn, startServer } from '../../support/server.js';
import { dropGuards } from './forge.js';

describe('start-up backfill of the Merkle tree', () => {
  it('should rebuild the tree of a store that has events but no nodes, and verify', async () => {
    const first = await startServer();
    const events = Array.from({ length: 25 }, (_, i) => signIn(`usr_b${i % 2}`, `b-${i}`));
    expect((await ingest(first, { events })).status).toBe(202);
    expect(await first.stop()).toBe(0);

    // What an older version left behind: the chain only.
    const db = new Database(first.dbPath);
    dropGuards(db);
    db.exec('DELETE FROM merkle_nodes');
    const before = (db.prepare('SELECT MAX(seq) AS n FROM events').get() as { n: number }).n;
    db.close();

    const again = await startServer({ dir: first.dir, reuseEnv: first.env });
    try {
      expect(again.output()).toContain(`added ${before} events to the Merkle tree`);
      const cp = await (await fetch(`${again.url}/v1/log/checkpoint`)).text();
      expect(Number(cp.split('\n')[1])).toBeGreaterThan(before);
    } finally {
      expect(await again.stop()).toBe(0);
    }
    const check = new Database(first.dbPath, { readonly: true });
    const nodes = (check.prepare('SELECT COUNT(*) AS n FROM merkle_nodes').get() as { n: number }).n;
    check.close();
    expect(nodes).toBeGreaterThan(before);
    const verify = cli(first.env, ['verify']);
    expect(verify.code, verify.stdout).toBe(0);
  });
});
