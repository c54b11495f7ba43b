// Investigation and evidence exports with a chain of custody, through the admin API and the CLI.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peterNeumann } from '../../shared/tlog/vectors.js';
import {
  asUser,
  cli,
  ingest,
  mintToken,
  signIn,
  startServer,
  type TestServer,
  tempDir,
} from '../../support/server.js';

let server: TestServer;
let adminKey: string;
let vkey: string;
const incidentIds: string[] = [];

async function admin(path: string, init: RequestInit = {}, reason: string | null = 'case IR-2026-17') {
  const send = () =>
    fetch(`${server.url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${adminKey}`,
        'content-type': 'application/json',
        ...(reason ? { 'x-access-reason': reason } : {}),
      },
    });
  try {
    return await send();
  } catch (error) {
    // The CLI runs before this one block the test's event loop for seconds; the server may close the idle
    // keep-alive connection meanwhile, and the request then goes out on a socket already closed: it never
    // reached the server, so it is sent again on a new one.
    if ((error as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw error;
    return send();
  }
}

beforeAll(async () => {
  server = await startServer();
  const created = cli(server.env, ['keys', 'create', '--name', 'ir-team', '--scope', 'admin']);
  expect(created.code).toBe(0);
  adminKey = created.stdout.trim();
  vkey = (await (await fetch(`${server.url}/v1/log/key`)).text()).trim();
  // Background noise, then a scripted incident from 198.51.100.0/24 against three accounts.
  const noise = Array.from({ length: 40 }, (_, i) =>
    signIn(`usr_bg_${i % 5}`, `bg-${i}`, {
      ip_address: `203.0.113.${i}`,
      timestamp: new Date(Date.parse('2026-04-01T08:00:00Z') + i * 60_000).toISOString(),
    }),
  );
  expect((await ingest(server, { events: noise })).status).toBe(202);
  const incident = ['usr_a', 'usr_b', 'usr_c', 'usr_a', 'usr_b'].map((user, i) => ({
    id: `incident_${i}`,
    event_type: i < 3 ? 'login_failure' : 'login_success',
    outcome: i < 3 ? 'failure' : 'success',
    user_id: user,
    ip_address: `198.51.100.${10 + i}`,
    timestamp: new Date(Date.parse('2026-04-01T09:00:00Z') + i * 30_000).toISOString(),
    metadata: { email: `${user}@example.com` },
  }));
  incidentIds.push(...incident.map((e) => e.id));
  // Interleave with noise so the range query has to pick them out.
  expect((await ingest(server, { events: incident })).status).toBe(202);
  expect(
    (
      await ingest(
        server,
        signIn('usr_bg_9', 'bg-late', { ip_address: '198.51.101.3', timestamp: '2026-04-01T09:01:00Z' }),
      )
    ).status,
  ).toBe(202);
});

afterAll(async () => {
  await server?.stop();
});

describe('investigation', () => {
  it('should return exactly the incident events by CIDR range, oldest first, with full IPs', async () => {
    const res = await admin(
      '/v1/admin/events?cidr=198.51.100.0/24&from=2026-04-01T00:00:00Z&to=2026-04-02T00:00:00Z',
    );
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.items.map((e: { id: string }) => e.id)).toEqual(incidentIds);
    expect(body.items[0]).toMatchObject({
      ip: '198.51.100.10',
      user_id: 'usr_a',
      metadata: { email: 'usr_a@example.com' },
    });
  });

  it('should page through a range with next_cursor, each event once, oldest first, ending in null', async () => {
    const base = '/v1/admin/events?cidr=198.51.100.0/24&limit=2';
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const res = await admin(cursor ? `${base}&cursor=${encodeURIComponent(cursor)}` : base);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { items: { id: string }[]; next_cursor: string | null };
      pages.push(body.items.map((e) => e.id));
      cursor = body.next_cursor;
    } while (cursor !== null && pages.length < 10);
    expect(pages).toEqual([incidentIds.slice(0, 2), incidentIds.slice(2, 4), incidentIds.slice(4)]);
  });

  it('should find events by exact IP and by account', async () => {
    const byIp = await (await admin('/v1/admin/events?ip=198.51.100.12')).json();
    expect(byIp.items.map((e: { id: string }) => e.id)).toEqual(['incident_2']);
    const byUser = await (await admin('/v1/admin/events?user_id=usr_b')).json();
    expect(byUser.items.map((e: { id: string }) => e.id)).toEqual(['incident_1', 'incident_4']);
  });

  it('should record each query as log_accessed with who and why, visible to the account looked at', async () => {
    await admin('/v1/admin/events?user_id=usr_c');
    const token = await mintToken(server, { userId: 'usr_c' });
    const activity = await (await asUser(server, token, '/v1/me/activity?event_type=log_accessed')).json();
    expect(activity.items.length).toBeGreaterThanOrEqual(1);
    expect(activity.items[0].metadata).toMatchObject({
      accessed_by: 'admin:ir-team',
      reason: 'case IR-2026-17',
    });
  });

  it('should refuse without a reason, and refuse user, support and ingest credentials', async () => {
    expect((await admin('/v1/admin/events?ip=198.51.100.12', {}, null)).status).toBe(400);
    for (const scope of ['user', 'support'] as const) {
      const token = await mintToken(server, { userId: 'usr_a', scope });
      const res = await fetch(`${server.url}/v1/admin/events?ip=198.51.100.12`, {
        headers: { authorization: `Bearer ${token}`, 'x-access-reason': 'curious' },
      });
      expect(res.status).toBe(401);
    }
    const withIngest = await fetch(`${server.url}/v1/admin/events?ip=198.51.100.12`, {
      headers: { authorization: `Bearer ${server.ingestKey}`, 'x-access-reason': 'curious' },
    });
    expect(withIngest.status).toBe(403);
  });
});

describe('evidence export', () => {
  let dir: string;

  beforeAll(() => {
    dir = join(tempDir('receipts-export-'), 'case');
    const out = cli(server.env, [
      'export',
      '--ip',
      '198.51.100.11',
      '--out',
      dir,
      '--reason',
      'case IR-2026-17',
    ]);
    expect(out.code, out.stderr).toBe(0);
  });

  it('should verify with sha256sum -c and with verify-export', () => {
    const sums = execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' });
    expect(sums).toContain('events.jsonl: OK');
    const check = cli(server.env, ['verify-export', dir, '--key', vkey]);
    expect(check.code, check.stdout).toBe(0);
    expect(check.stdout).toContain('export intact: 1 events verified');
  });

  it('should carry the events, one proof each and the signed checkpoint, and nothing about anyone else', () => {
    expect(readdirSync(dir).sort()).toEqual(['SHA256SUMS', 'checkpoint.txt', 'events.jsonl', 'proofs.jsonl']);
    const events = readFileSync(join(dir, 'events.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    const proofs = readFileSync(join(dir, 'proofs.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.map((e) => e.personal.ip)).toEqual(['198.51.100.11']);
    expect(proofs.map((p) => p.seq)).toEqual(events.map((e) => e.seq));
    // Proofs hold hashes only: no other event, pseudonym or address travels with them.
    const all = readdirSync(dir)
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    expect(all).not.toMatch(/usr_bg_|203\.0\.113\.|usr_a\b|usr_c\b/);
    expect(Object.keys(proofs[0]).sort()).toEqual(['leaf_index', 'proof', 'seq', 'tree_size']);
  });

  it('should refuse an export whose checkpoint was signed by another key', () => {
    const copy = tempDir('receipts-export-key-');
    for (const f of readdirSync(dir)) writeFileSync(join(copy, f), readFileSync(join(dir, f)));
    const stranger = peterNeumann.vkey;
    const r = cli(server.env, ['verify-export', copy, '--key', stranger]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('checkpoint.txt: note has no signature by PeterNeumann');
  });

  it('should verify on a machine with no store (no configuration at all)', () => {
    const check = cli({ PATH: process.env.PATH ?? '', RECEIPTS_DB: join(tempDir(), 'absent.db') }, [
      'verify-export',
      dir,
      '--key',
      vkey,
    ]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });

  it('should match the admin API export of the same query', async () => {
    const res = await admin('/v1/admin/exports', {
      method: 'POST',
      body: JSON.stringify({ ip: '198.51.100.11' }),
    });
    expect(res.status).toBe(201);
    const { files } = await res.json();
    expect(files['events.jsonl']).toBe(readFileSync(join(dir, 'events.jsonl'), 'utf8'));
    const apiDir = tempDir('receipts-export-api-');
    for (const [name, body] of Object.entries(files)) writeFileSync(join(apiDir, name), body as string);
    expect(cli(server.env, ['verify-export', apiDir, '--key', vkey]).code).toBe(0);
  });

  function tampered(
    edit: (lines: string[]) => string[],
    name = 'events.jsonl',
  ): { code: number | null; stdout: string } {
    const copy = tempDir('receipts-export-bad-');
    const export2 = cli(server.env, ['export', '--user', 'usr_bg_1', '--out', copy]);
    expect(export2.code, export2.stderr).toBe(0);
    const file = join(copy, name);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    writeFileSync(file, `${edit(lines).join('\n')}\n`);
    return cli(server.env, ['verify-export', copy, '--key', vkey]);
  }

  it('should name the line when a proof was changed', () => {
    const r = tampered(
      (lines) =>
        lines.map((l, i) => {
          if (i !== 3) return l;
          const p = JSON.parse(l);
          p.proof[0] = Buffer.alloc(32).toString('base64');
          return JSON.stringify(p);
        }),
      'proofs.jsonl',
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('proofs.jsonl line 4');
  });

  it('should name the line when one byte of events.jsonl changed', () => {
    const r = tampered((lines) =>
      lines.map((l, i) => (i === 2 ? l.replace('"login_success"', '"login_failure"') : l)),
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('events.jsonl line 3');
  });

  it('should name the place when a line was deleted', () => {
    const r = tampered((lines) => lines.filter((_, i) => i !== 4));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('line 5');
  });

  it('should name the place when two lines were swapped', () => {
    const r = tampered((lines) => {
      const out = [...lines];
      [out[1], out[6]] = [out[6]!, out[1]!];
      return out;
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('events.jsonl line 2');
  });

  it('should record the export as log_accessed', () => {
    const db = new Database(server.dbPath, { readonly: true });
    const n = (
      db
        .prepare("SELECT COUNT(*) AS n FROM events WHERE event_type = 'log_accessed' AND action = 'export'")
        .get() as { n: number }
    ).n;
    db.close();
    expect(n).toBeGreaterThanOrEqual(2);
  });
});
