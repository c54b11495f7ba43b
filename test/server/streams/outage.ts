// The scenario every stream destination goes through in the tests: a few thousand events ingested while
// the receiver goes away and comes back, and while Receipts itself stops and starts again.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { CLI, ingest, signIn, startServer, type TestServer } from '../../support/server.js';

export interface Receiver {
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Makes the receiver fail without going away (an HTTP 503), where it can. */
  fail?(on: boolean): void;
}

export interface Outcome {
  /** The highest seq in the store once Receipts stopped for good. */
  head: number;
  /** Verifier key of the log, when the server publishes one. */
  vkey: string | null;
  outputs: string[];
}

let users = 0;

async function ingestEvents(server: TestServer, n: number): Promise<void> {
  for (let done = 0; done < n; done += 100) {
    const events = Array.from({ length: Math.min(100, n - done) }, (_, i) =>
      signIn(`usr_stream_${users++ % 50}`, `sess_${done + i}`, {
        ip_address: '203.0.113.42',
        metadata: { email: 'someone@example.com', attempt: i },
      }),
    );
    const res = await ingest(server, { events });
    expect(res.status).toBe(202);
  }
  // A checkpoint signed now (the route signs one when the tree has grown) goes down the stream too.
  expect((await fetch(`${server.url}/v1/log/checkpoint`)).status).toBe(200);
}

export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  ms = 30_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

async function metric(server: TestServer, name: string): Promise<number | null> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const m = new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : null;
}

export async function streamThroughOutages(
  receiver: Receiver,
  env: Record<string, string>,
): Promise<Outcome> {
  const first = await startServer({ env });
  const outputs: string[] = [];
  try {
    await ingestEvents(first, 800);
    // The receiver fails, then goes away while events keep coming: the lag grows, ingest never waits.
    if (receiver.fail) {
      receiver.fail(true);
      await ingestEvents(first, 300);
      await until('the stream reports the failure', () => first.output().includes('"stream_down"'));
      receiver.fail(false);
    }
    await receiver.stop();
    await ingestEvents(first, 700);
    await until('the stream says it is down', () => first.output().includes('"stream_down"'));
    await until('the lag shows', async () => ((await metric(first, 'receipts_stream_lag_events')) ?? 0) > 0);
    expect(await metric(first, 'receipts_stream_up')).toBe(0);
    const metrics = await (await fetch(`${first.url}/metrics`)).text();
    expect(metrics).toMatch(
      /^receipts_stream_last_error_timestamp_seconds\{destination="[^"]+",error="[^"]+"\} \d/m,
    );
    await receiver.start();
    await ingestEvents(first, 500);
    await until('the stream is back', () => first.output().includes('"stream_up"'));
  } finally {
    await first.stop();
    outputs.push(first.output());
  }
  // Receipts restarts on the same store and resumes from the cursor; then it is killed mid-stream, with
  // no clean close: what it had written but not yet seen taken is sent again by the next start.
  const second = await startServer({ dir: first.dir, reuseEnv: first.env });
  try {
    await ingestEvents(second, 700);
  } finally {
    await second.kill();
    outputs.push(second.output());
  }
  const third = await startServer({ dir: first.dir, reuseEnv: first.env });
  let vkey: string | null = null;
  try {
    await ingestEvents(third, 300);
    await until(
      'the destination has taken everything',
      async () => (await metric(third, 'receipts_stream_lag_events')) === 0,
    );
    const key = await fetch(`${third.url}/v1/log/key`);
    vkey = key.ok ? (await key.text()).trim() : null;
  } finally {
    await third.stop();
    outputs.push(third.output());
  }
  const db = new Database(first.dbPath, { readonly: true });
  const head = (db.prepare('SELECT MAX(seq) AS s FROM events').get() as { s: number }).s;
  const cursor = db.prepare('SELECT last_seq FROM stream_cursors').get() as { last_seq: number };
  db.close();
  // The shutdown event and checkpoint went down the stream before Receipts exited.
  expect(cursor.last_seq).toBe(head);
  expect(outputs[0]!.match(/"stream_down"/g)).toHaveLength(1);
  return { head, vkey, outputs };
}

/** Each seq the file holds, in order of arrival once duplicates are dropped, must be 1…head. */
export function expectEverySeq(seqs: number[], head: number): void {
  const seen = new Set<number>();
  const order: number[] = [];
  for (const s of seqs) {
    if (!seen.has(s)) {
      seen.add(s);
      order.push(s);
    }
  }
  expect(order.length).toBe(head);
  expect(order.every((s, i) => s === i + 1)).toBe(true);
}

export function streamCheck(file: string, vkey: string | null) {
  const r = spawnSync(process.execPath, [CLI, 'stream-check', file, ...(vkey ? ['--key', vkey] : [])], {
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Writes `lines` to a new file beside `file` and runs stream-check on it. */
export function streamCheckLines(file: string, name: string, lines: string[], vkey: string | null) {
  const out = join(file, '..', name);
  writeFileSync(out, lines.join('\n'));
  return streamCheck(out, vkey);
}
