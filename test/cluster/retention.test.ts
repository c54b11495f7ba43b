// Retention on PostgreSQL, run by `receipts retention` as the runtime role while a server writes to the same
// database: the runtime role cannot DELETE events, so the prefix goes through receipts_prune_events, cut at
// the largest signed size. What is left verifies, its events still prove into a signed tree, and the log goes
// on from both writers.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64, fromHex } from '../../shared/tlog/base64.js';
import { leafHash, verifyInclusion } from '../../shared/tlog/merkle.js';
import { openNote, parseVkey } from '../../shared/tlog/note.js';
import { type FreshPostgres, freshPostgres, pgAvailable } from '../support/postgres.js';
import {
  asUser,
  cli,
  ingest,
  mintToken,
  serverEnv,
  signIn,
  startServer,
  type TestServer,
  tempDir,
} from '../support/server.js';

const YEAR = 365 * 86_400_000;
const OLD_USERS = 40;
const NEW_USERS = 10;

const events = (prefix: string, users: number, perUser: number, userPrefix = prefix) =>
  Array.from({ length: users * perUser }, (_, i) =>
    signIn(`usr_${userPrefix}_${i % users}`, `${prefix}-session-${i % users}-${i % 3}`, {
      id: `evt_${prefix}_${i}`,
      event_type: i % 7 === 3 ? 'login_failure' : 'login_success',
      outcome: i % 7 === 3 ? 'failure' : 'success',
      ip_address: `198.51.100.${i % 250}`,
    }),
  );

async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function eventSpan(url: string): Promise<{ n: number; min: number; max: number }> {
  const [row] = await query<{ n: string; min: string; max: string }>(
    url,
    'SELECT COUNT(*) AS n, MIN(seq) AS min, MAX(seq) AS max FROM events',
  );
  return { n: Number(row!.n), min: Number(row!.min), max: Number(row!.max) };
}

async function signedSize(server: TestServer): Promise<number> {
  const res = await fetch(`${server.url}/v1/log/checkpoint`);
  expect(res.status).toBe(200);
  return Number((await res.text()).split('\n')[1]);
}

/** Every event of the user's first page proves into the checkpoint that comes with it. */
async function expectProofs(server: TestServer, userId: string): Promise<number> {
  const vkey = parseVkey(await (await fetch(`${server.url}/v1/log/key`)).text());
  const token = await mintToken(server, { userId });
  const activity = (await (await asUser(server, token, '/v1/me/activity?limit=50')).json()) as {
    items: { id: string }[];
  };
  expect(activity.items.length).toBeGreaterThan(0);
  for (const { id } of activity.items) {
    const res = await asUser(server, token, `/v1/me/activity/${id}/proof`);
    expect(res.status, id).toBe(200);
    const p = await res.json();
    const cp = await openNote(p.checkpoint, vkey);
    const leaf = await leafHash(fromHex(p.event.hash));
    expect(await verifyInclusion(p.leaf_index, cp.size, leaf, p.proof.map(fromBase64), cp.root), id).toBe(
      true,
    );
  }
  return activity.items.length;
}

describe.skipIf(!pgAvailable)('retention on PostgreSQL (set RECEIPTS_TEST_PG to run)', () => {
  let db: FreshPostgres;
  let server: TestServer;
  /** The runtime role's configuration, with no owner: what a one-off command on a locked-down host has. */
  let runtimeEnv: Record<string, string>;
  let signed: number;
  let before: { n: number; min: number; max: number };
  let run: ReturnType<typeof cli>;
  let took: number;

  beforeAll(async () => {
    db = await freshPostgres();
    const env = serverEnv(tempDir('receipts-pg-retention-'), {
      RECEIPTS_DB: db.url,
      RECEIPTS_DB_OWNER: db.ownerUrl,
    });
    server = await startServer({ reuseEnv: env });
    runtimeEnv = { ...env, RECEIPTS_RETENTION_AUDIT_DAYS: '1' };
    delete runtimeEnv.RECEIPTS_DB_OWNER;

    const old = events('old', OLD_USERS, 25);
    for (let k = 0; k < old.length; k += 500)
      expect((await ingest(server, { events: old.slice(k, k + 500) })).status).toBe(202);
    // A reader's fetch signs the tree over the old events (at most once a second: ask until it covers them).
    const deadline = Date.now() + 10_000;
    for (signed = await signedSize(server); signed < old.length; signed = await signedSize(server)) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((res) => setTimeout(res, 100));
    }
    // Events after the last signed size: retention may not cut into them, however old it deems them.
    // Some of them by users whose older events the cut takes.
    expect((await ingest(server, { events: events('new', NEW_USERS, 10) })).status).toBe(202);
    expect((await ingest(server, { events: events('again', NEW_USERS, 3, 'old') })).status).toBe(202);
    before = await eventSpan(db.ownerUrl);

    const started = performance.now();
    run = cli(runtimeEnv, ['retention', '--as-of', new Date(Date.now() + 10 * YEAR).toISOString()]);
    took = performance.now() - started;
    console.log(`retention on PostgreSQL: ${before.n} events, pruned in ${(took / 1000).toFixed(1)} s`);
  });

  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('should prune the prefix through the largest signed size, and say so', async () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`audit events: removed ${signed} (through seq ${signed})`);
    const after = await eventSpan(db.ownerUrl);
    expect(after.min).toBe(signed + 1);
    // What was after the cut is all there, and the cut's record follows it.
    expect(after.n).toBe(before.max - signed + 1);
    expect(after.max).toBe(before.max + 1);
    const [cut] = await query<{ through_seq: string }>(
      db.ownerUrl,
      'SELECT MAX(through_seq) AS through_seq FROM retention_checkpoints',
    );
    expect(Number(cut!.through_seq)).toBe(signed);
    const personal = await query<{ n: string }>(
      db.ownerUrl,
      'SELECT COUNT(*) AS n FROM personal_data WHERE seq <= $1',
      [signed],
    );
    expect(Number(personal[0]!.n)).toBe(0);
  });

  it('should record the cut as retention_applied in the chain', async () => {
    const rows = await query<{ seq: string; metadata: string }>(
      db.ownerUrl,
      "SELECT seq, metadata FROM events WHERE event_type = 'retention_applied'",
    );
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]!.seq)).toBe(before.max + 1);
    const metadata =
      typeof rows[0]!.metadata === 'string' ? JSON.parse(rows[0]!.metadata) : rows[0]!.metadata;
    expect(metadata).toMatchObject({ through_seq: signed, pruned: signed });
    expect(metadata.signature).toMatch(/^[0-9a-f]{128}$/);
  });

  it('should let the server go on writing after the command’s record, and still prove what is left', async () => {
    // The server's chain continues from the head the command wrote, not from the one it last knew.
    expect((await ingest(server, { events: events('after', 5, 4) })).status).toBe(202);
    const span = await eventSpan(db.ownerUrl);
    expect(span.max).toBe(before.max + 1 + 20);
    // A user with no events before the cut, one whose oldest events went with it, one from after it.
    expect(await expectProofs(server, 'usr_new_3')).toBe(10);
    expect(await expectProofs(server, 'usr_old_7')).toBe(3);
    expect(await expectProofs(server, 'usr_after_2')).toBe(4);
  });

  it('should verify as the runtime role, from the retention checkpoint on', async () => {
    expect(await server.stop()).toBe(0);
    const verify = cli(runtimeEnv, ['verify']);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(new RegExp(`^log intact: \\d+ events from seq ${signed + 1},`));
  });

  it('should refuse the runtime role a DELETE on events outright', async () => {
    await expect(query(db.url, 'DELETE FROM events')).rejects.toThrow(/permission denied for table events/);
    await expect(query(db.url, 'DELETE FROM events WHERE seq = $1', [signed + 1])).rejects.toThrow(
      /permission denied for table events/,
    );
    expect((await eventSpan(db.ownerUrl)).min).toBe(signed + 1);
  });
});
