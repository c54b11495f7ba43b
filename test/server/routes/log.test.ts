// The public transparency-log routes and the proof routes, over real HTTP against the built server: what a
// witness or the browser fetches verifies with shared/tlog alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64, fromHex } from '../../../shared/tlog/base64.js';
import { eventHash } from '../../../shared/tlog/event-hash.js';
import { leafHash, verifyConsistency, verifyInclusion } from '../../../shared/tlog/merkle.js';
import { openNote, parseVkey, type Vkey } from '../../../shared/tlog/note.js';
import {
  asUser,
  cli,
  ingest,
  mintToken,
  signIn,
  startServer,
  type TestServer,
} from '../../support/server.js';

let server: TestServer;
let vkey: Vkey;
let adminKey: string;
/** Two checkpoints a witness would have seen, before and after the tree grew. */
let seen: { before: Awaited<ReturnType<typeof openNote>>; after: Awaited<ReturnType<typeof openNote>> };

beforeAll(async () => {
  server = await startServer({ env: { RECEIPTS_LOG_ORIGIN: 'receipts.test/log' } });
  const events = Array.from({ length: 9 }, (_, i) =>
    signIn(i % 2 ? 'usr_alice' : 'usr_bob', `sess_${i}`, { id: `evt_log_${i}` }),
  );
  expect((await ingest(server, { events })).status).toBe(202);
  vkey = parseVkey(await (await fetch(`${server.url}/v1/log/key`)).text());
  const created = cli(server.env, ['keys', 'create', '--name', 'auditor', '--scope', 'admin']);
  expect(created.code).toBe(0);
  adminKey = created.stdout.trim();
});

afterAll(async () => {
  await server?.stop();
});

/** Polls `read` every 50 ms until `done` holds or 10 s pass; returns the last value read. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

async function proofOk(body: {
  leaf_index: number;
  tree_size: number;
  event: Parameters<typeof eventHash>[0] & { hash: string };
  proof: string[];
  checkpoint: string;
}): Promise<boolean> {
  if ((await eventHash(body.event)) !== body.event.hash) return false;
  const cp = await openNote(body.checkpoint, vkey);
  if (cp.size !== body.tree_size) return false;
  const leaf = await leafHash(fromHex(body.event.hash));
  return verifyInclusion(body.leaf_index, body.tree_size, leaf, body.proof.map(fromBase64), cp.root);
}

describe('GET /v1/log/key and /v1/log/checkpoint', () => {
  it('should serve a verifier key named for RECEIPTS_LOG_ORIGIN and a checkpoint it signed', async () => {
    expect(vkey.name).toBe('receipts.test/log');
    const res = await fetch(`${server.url}/v1/log/checkpoint`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const cp = await openNote(await res.text(), vkey);
    expect(cp.origin).toBe('receipts.test/log');
    expect(cp.size).toBeGreaterThanOrEqual(11); // migration, startup, nine events
  });

  it('should sign a new checkpoint once the tree has grown', async () => {
    const before = await openNote(await (await fetch(`${server.url}/v1/log/checkpoint`)).text(), vkey);
    expect((await ingest(server, signIn('usr_carol', 'sess_c', { id: 'evt_log_grow' }))).status).toBe(202);
    const after = await until(
      async () => openNote(await (await fetch(`${server.url}/v1/log/checkpoint`)).text(), vkey),
      (cp) => cp.size > before.size,
    );
    expect(after.size).toBeGreaterThan(before.size);
    seen = { before, after };
  });
});

describe('signing on demand', () => {
  const latest = async () => (await fetch(`${server.url}/v1/log/checkpoint`)).text();
  const grow = async (id: string) =>
    expect((await ingest(server, signIn('usr_dave', 'sess_d', { id }))).status).toBe(202);

  it('should sign a grown tree at most once a second, however often it is read', async () => {
    const sizeOf = (note: string) => Number(note.split('\n')[1]);
    const before = await latest();
    await grow('evt_log_rate_1');
    // The first read after growth signs on demand (or the next second's read does).
    const first = await until(latest, (n) => sizeOf(n) > sizeOf(before));
    const signedAt = Date.now();
    await grow('evt_log_rate_2');
    const burst = await Promise.all(Array.from({ length: 10 }, latest));
    // Still inside the second after that signing: every reader gets the note already signed.
    if (Date.now() - signedAt < 900) expect(new Set(burst)).toEqual(new Set([first]));
    // A second later the grown tree is signed.
    const after = await until(latest, (n) => sizeOf(n) > sizeOf(first));
    expect(sizeOf(after)).toBeGreaterThan(sizeOf(first));
  });
});

describe('GET /v1/log/consistency', () => {
  it('should prove an older signed checkpoint consistent with a newer one, and nothing else', async () => {
    const { before, after } = seen;
    const res = await fetch(`${server.url}/v1/log/consistency?from=${before.size}&to=${after.size}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { from: number; to: number; proof: string[] };
    expect(body).toMatchObject({ from: before.size, to: after.size });
    const proof = body.proof.map(fromBase64);
    expect(await verifyConsistency(before.size, after.size, before.root, after.root, proof)).toBe(true);
    expect(await verifyConsistency(before.size, after.size, after.root, before.root, proof)).toBe(false);
    const same = await (await fetch(`${server.url}/v1/log/consistency?from=3&to=3`)).json();
    expect(same).toEqual({ from: 3, to: 3, proof: [] });
  });

  it('should answer 400 naming the field for bad sizes', async () => {
    for (const [q, field] of [
      ['from=a&to=3', 'from'],
      ['from=1', 'to'],
      ['from=-1&to=3', 'from'],
      ['from=5&to=3', 'from'],
      ['from=1&to=99999999', 'to'],
    ] as const) {
      const res = await fetch(`${server.url}/v1/log/consistency?${q}`);
      expect(res.status, q).toBe(400);
      const body = (await res.json()) as { error: { message: string; issues: { path: string }[] } };
      expect(body.error.issues[0]?.path, q).toBe(field);
    }
  });
});

describe('GET /v1/me/activity/:id/proof', () => {
  it('should prove the user’s own event against a signed checkpoint, checkable in the browser’s way', async () => {
    const token = await mintToken(server, { userId: 'usr_alice' });
    const res = await asUser(server, token, '/v1/me/activity/evt_log_1/proof');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();
    expect(body.seq).toBe(body.leaf_index + 1);
    expect(body.event.id).toBe('evt_log_1');
    expect(await proofOk(body)).toBe(true);
    expect(await proofOk({ ...body, leaf_index: body.leaf_index + 1 })).toBe(false);
  });

  it('should answer another user’s event exactly like a missing one', async () => {
    const token = await mintToken(server, { userId: 'usr_alice' });
    const theirs = await asUser(server, token, '/v1/me/activity/evt_log_0/proof');
    const missing = await asUser(server, token, '/v1/me/activity/evt_nope/proof');
    expect(theirs.status).toBe(404);
    expect(missing.status).toBe(404);
    const strip = (b: { error: { request_id?: string } }) => ({ ...b.error, request_id: undefined });
    expect(strip(await theirs.json())).toEqual(strip(await missing.json()));
  });

  it('should prove an event for support with a reason', async () => {
    const token = await mintToken(server, { userId: 'agent_1', scope: 'support' });
    const res = await asUser(server, token, '/v1/support/users/usr_bob/activity/evt_log_2/proof', {
      headers: { 'x-support-reason': 'TICKET-42' },
    });
    expect(res.status).toBe(200);
    expect(await proofOk(await res.json())).toBe(true);
  });
});

describe('admin proofs and checkpoints', () => {
  const admin = (path: string) =>
    fetch(`${server.url}${path}`, {
      headers: { authorization: `Bearer ${adminKey}`, 'x-access-reason': 'audit AUD-7' },
    });

  it('should prove any event for an admin and answer 404 for an unknown id', async () => {
    const res = await admin('/v1/admin/events/evt_log_0/proof');
    expect(res.status).toBe(200);
    expect(await proofOk(await res.json())).toBe(true);
    expect((await admin('/v1/admin/events/evt_nope/proof')).status).toBe(404);
  });

  it('should add the signed note to the latest checkpoint', async () => {
    const body = await (await admin('/v1/admin/checkpoints/latest')).json();
    expect(body).toMatchObject({
      seq: expect.any(Number),
      hash: expect.any(String),
      signature: expect.any(String),
    });
    const cp = await openNote(body.note, vkey);
    expect(cp.size).toBe(body.seq);
  });
});
