// A full disk is not a 500: ingest answers 503 with Retry-After, /healthz says the store cannot write, the
// SDK keeps its events and retries, and once space returns writes resume, nothing acknowledged is lost and
// the chain verifies. The store lives on a small tmpfs mounted for the test (needs root).
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReceiptsClient } from '../../../client/index.js';
import { cli, ingest, signIn, startServer, type TestServer } from '../../support/server.js';

const MOUNT = mkdtempSync(join(tmpdir(), 'receipts-full-'));
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=12m', 'tmpfs', MOUNT]).status === 0;
if (!mounted) {
  console.warn('disk-full.test: cannot mount a tmpfs here (needs root); the disk-full checks are skipped');
  rmdirSync(MOUNT);
}

const FILLER = join(MOUNT, 'filler.bin');

/** Writes to a file until the filesystem refuses another byte. */
function fillDisk(): void {
  const fd = openSync(FILLER, 'a');
  const chunk = Buffer.alloc(64 * 1024, 7);
  try {
    for (;;) writeSync(fd, chunk);
  } catch {
    // ENOSPC: full, down to the last block
  }
  try {
    for (;;) writeSync(fd, chunk, 0, 512);
  } catch {
    // full
  } finally {
    closeSync(fd);
  }
}

let batchNo = 0;
/** A batch of events with some bulk, so the WAL has to grow. */
function bulkyBatch(): { ids: string[]; body: unknown } {
  batchNo++;
  const events = Array.from({ length: 100 }, (_, i) =>
    signIn(`usr_full_${i % 9}`, `full-${i % 13}`, {
      id: `evt_full_${batchNo}_${i}`,
      metadata: { note: `batch ${batchNo} event ${i} `.repeat(60) },
    }),
  );
  return { ids: events.map((e) => String((e as Record<string, unknown>).id)), body: { events } };
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!mounted)('a full disk', () => {
  let server: TestServer;
  const acknowledged: string[] = [];
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    server = await startServer({ env: { RECEIPTS_DB: join(MOUNT, 'receipts.db') } });
  });

  afterAll(async () => {
    await server?.stop();
    if (mounted) {
      spawnSync('umount', [MOUNT]);
      rmSync(MOUNT, { recursive: true, force: true });
    }
  });

  it('should answer ingest with 503 and Retry-After once the disk is full, never a 500', async () => {
    const first = bulkyBatch();
    expect((await ingest(server, first.body)).status).toBe(202);
    acknowledged.push(...first.ids);
    fillDisk();
    let refusal: Response | null = null;
    for (let i = 0; i < 200 && !refusal; i++) {
      const batch = bulkyBatch();
      const res = await ingest(server, batch.body);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 202) acknowledged.push(...batch.ids);
      else if (res.status === 503) refusal = res;
      else throw new Error(`unexpected ${res.status}: ${await res.text()}`);
    }
    expect(refusal, JSON.stringify([...statuses])).not.toBeNull();
    expect(refusal!.headers.get('retry-after')).toMatch(/^\d+$/);
    const body = (await refusal!.json()) as { error: { code: string; request_id: string } };
    expect(body.error.code).toBe('unavailable');
    expect(body.error.request_id).toBeTruthy();
  });

  it('should say on /healthz that the store cannot write', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { reason: string }).reason).toMatch(/cannot write/);
  });

  it('should keep refusing while full, and the SDK should keep its event and deliver it once space returns', async () => {
    const again = await ingest(server, bulkyBatch().body);
    expect(again.status).toBe(503);
    const refusals = () => server.output().split('store_full').length - 1;
    const seen = refusals();
    const client = createReceiptsClient({
      url: server.url,
      ingestKey: server.ingestKey,
      flushIntervalMs: 10,
      retryBaseMs: 50,
      maxRetries: 10,
      onError: () => undefined,
    });
    const pending = client.record({
      event_type: 'login_success',
      user_id: 'usr_full_sdk',
      outcome: 'success',
      metadata: { note: 'sent while the disk was full '.repeat(100) },
    });
    // The SDK's first attempt met the full disk…
    await until('the SDK to be refused', () => refusals() > seen);
    // …then space returns.
    rmSync(FILLER);
    const id = await pending;
    acknowledged.push(id);
    await client.close();

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const batch = bulkyBatch();
    expect((await ingest(server, batch.body)).status).toBe(202);
    acknowledged.push(...batch.ids);
  });

  it('should have lost nothing it acknowledged, and the chain should verify', async () => {
    expect(await server.stop()).toBe(0);
    const db = new Database(server.dbPath, { readonly: true });
    try {
      const has = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM events WHERE id = ?');
      const missing = acknowledged.filter((id) => has.get(id)!.n !== 1);
      expect(missing).toEqual([]);
    } finally {
      db.close();
    }
    const verify = cli(server.env, ['verify']);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });
});
