// Transparency-log benchmarks, on the built code:
//  (1) what the Merkle tree costs the writer: the audit writer appending the same events with and without
//      its node inserts, in-process, in 1000-event transactions (same run, fresh stores);
//  (2) inclusion-proof requests/s against the activity read, on the same server and users;
//  (3) `receipts verify --checkpoint` (consistency from a saved checkpoint, no walk) at a large store.
import { spawnSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SignJWT } from 'jose';
import {
  CLI,
  log,
  machine,
  QUICK,
  ROOT,
  round,
  runLoad,
  serverEnv,
  startServer,
  tempDir,
  waitQuiet,
} from './lib.js';

const dist = (p) => import(`${ROOT}/dist/server/${p}`);
const SIZES = QUICK
  ? { writer: 20_000, large: 50_000, proofUsers: 100, proofEvents: 20_000, seconds: 4 }
  : { writer: 200_000, large: 1_000_000, proofUsers: 300, proofEvents: 200_000, seconds: 10 };

function newEvent(i) {
  return {
    id: `evt_bench_${i}`,
    ts: 1_775_000_000_000 + i * 1000,
    eventType: i % 5 === 0 ? 'login_failure' : 'login_success',
    level: 'INFO',
    outcome: i % 5 === 0 ? 'failure' : 'success',
    userId: `usr_${i % 5000}`,
    sessionRef: null,
    requestId: `req_${i}`,
    resourceType: null,
    resourceId: null,
    action: null,
    metadata: { method: 'password', attempt: i % 3 },
    personal: {
      ip: `203.0.${(i >> 8) & 255}.${i & 255}`,
      ipKey: null,
      ipNet: null,
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36',
      device: null,
      values: {},
    },
  };
}

async function openFresh(dir) {
  const { openStore, applyMigrations } = await dist('store/db.js');
  const { AuditLog } = await dist('audit/writer.js');
  const store = await openStore(join(dir, 'receipts.db'));
  await applyMigrations(store);
  return { store, log: new AuditLog(false) };
}

/** Runs `work` in one write transaction on the store, as the group commit does, and waits until it is on disk. */
async function transaction(store, work) {
  const tx = await store.begin();
  try {
    await work(tx.db);
    await tx.commit();
  } catch (error) {
    await tx.rollback();
    throw error;
  }
  await tx.durable();
}

async function append(store, log, from, to) {
  const t0 = process.hrtime.bigint();
  for (let i = from; i < to; i += 1000) {
    await transaction(store, async (db) => {
      await log.sync(db);
      for (let j = i; j < Math.min(i + 1000, to); j++) await log.append(db, newEvent(j));
      await log.flush(db);
    });
  }
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function writerCost() {
  const n = SIZES.writer;
  const runs = {};
  const keep = {};
  // Alternate so that a busy moment on the machine does not fall on one variant only.
  for (const variant of ['with_tree', 'without_tree', 'with_tree_again', 'without_tree_again']) {
    const dir = tempDir();
    const { store, log: audit } = await openFresh(dir);
    audit.treeEnabled = variant.startsWith('with_tree');
    await waitQuiet();
    const seconds = await append(store, audit, 0, n);
    runs[variant] = round(n / seconds, 0);
    log(`writer ${variant}: ${runs[variant]} events/s`);
    if (variant === 'with_tree') keep.large = { dir, store, log: audit };
    else {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // The tree alone, in one process, in the same 1000-event transactions: leaves and nodes for as many events.
  const { TreeWriter } = await dist('audit/tree.js');
  const treeOnly = tempDir();
  const { store: tstore } = await openFresh(treeOnly);
  const tree = new TreeWriter();
  await tree.resync(tstore.db);
  const hashes = Array.from({ length: n }, (_, i) => i.toString(16).padStart(64, '0'));
  await waitQuiet();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i += 1000) {
    await transaction(tstore, async (db) => {
      for (let j = i; j < Math.min(i + 1000, n); j++) await tree.append(db, hashes[j]);
    });
  }
  const treeUs = Number(process.hrtime.bigint() - t0) / 1e3 / n;
  await tstore.close();
  rmSync(treeOnly, { recursive: true, force: true });
  log(`tree alone: ${round(treeUs, 1)} µs/event`);
  const withTree = (runs.with_tree + runs.with_tree_again) / 2;
  const without = (runs.without_tree + runs.without_tree_again) / 2;
  return {
    result: {
      events: n,
      events_per_s: { ...runs, with_tree_mean: round(withTree, 0), without_tree_mean: round(without, 0) },
      tree_cost_share: round(1 - withTree / without, 3),
      us_per_event_for_tree: round(1e6 / withTree - 1e6 / without, 1),
      tree_alone_us_per_event: round(treeUs, 1),
      tree_alone_share_of_writer: round(treeUs / (1e6 / withTree), 3),
    },
    large: keep.large,
  };
}

async function consistencyCheck(large) {
  const { store, log: audit, dir } = large;
  const more = SIZES.large - SIZES.writer;
  if (more > 0) {
    log(`verify --checkpoint: growing the store to ${SIZES.large} events`);
    await append(store, audit, SIZES.writer, SIZES.large);
  }
  const env = serverEnv(dir);
  env.RECEIPTS_DB = join(dir, 'receipts.db');
  const key = createPrivateKey(env.RECEIPTS_SIGNING_KEY);
  const { logIdentity, signTreeHead } = await dist('audit/checkpoint.js');
  const { eventAt } = await dist('store/events.js');
  const id = logIdentity(key, 'localhost/receipts');
  // A checkpoint a witness saved early on, and one of a size just below the head: both far from perfect sizes.
  const results = {};
  for (const [name, size] of [
    ['early', 1234],
    ['recent', SIZES.large - 777],
  ]) {
    const { hash } = await eventAt(store.db, size);
    const cp = signTreeHead({ seq: size, hash }, await audit.tree.reader.root(store.db, size), id);
    const file = join(dir, `${name}.txt`);
    writeFileSync(file, cp.note);
    // Each run is a fresh CLI process (WebCrypto set up, pages read); the median of three, so that one
    // moment of a busy machine does not decide the figure.
    const runs = [];
    for (let k = 0; k < 3; k++) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [CLI, 'verify', '--checkpoint', file, '--json'], {
        env,
        encoding: 'utf8',
      });
      const wall = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.status !== 0) throw new Error(`verify --checkpoint failed: ${r.stdout}${r.stderr}`);
      runs.push({ ms: JSON.parse(r.stdout).checkpoint.ms, wall });
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[1];
    results[name] = {
      from: size,
      to: SIZES.large,
      check_ms: median(runs.map((r) => r.ms)),
      check_ms_runs: runs.map((r) => r.ms),
      cli_wall_ms: round(median(runs.map((r) => r.wall)), 0),
    };
    log(
      `verify --checkpoint from ${size}: ${results[name].check_ms} ms (runs ${results[name].check_ms_runs.join(', ')})`,
    );
  }
  await store.close();
  return {
    events: SIZES.large,
    ...results,
    aim_ms: 50,
    met: Object.values(results).every((r) => r.check_ms < 50),
  };
}

async function ingestAll(server, n) {
  for (let i = 0; i < n; i += 1000) {
    const events = [];
    for (let j = i; j < Math.min(i + 1000, n); j++) {
      const e = newEvent(j);
      events.push({
        id: e.id,
        timestamp: new Date(e.ts).toISOString(),
        event_type: e.eventType,
        outcome: e.outcome,
        user_id: `usr_${j % SIZES.proofUsers}`,
        ip_address: e.personal.ip,
        user_agent: e.personal.userAgent,
        metadata: e.metadata,
      });
    }
    const res = await fetch(`${server.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.ingestKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    if (res.status !== 202) throw new Error(`ingest: HTTP ${res.status}`);
  }
}

async function proofReads() {
  const dir = tempDir();
  const server = await startServer(dir, {
    RECEIPTS_RATE_LIMIT_USER: '1000000',
    RECEIPTS_RATE_LIMIT_IP: '1000000',
    RECEIPTS_RULES: 'off',
  });
  try {
    await ingestAll(server, SIZES.proofEvents);
    const key = new TextEncoder().encode(server.widgetSecret);
    const db = new Database(server.dbPath, { readonly: true });
    const users = [];
    for (let u = 0; u < SIZES.proofUsers; u++) {
      // A spread of the user's events, old and new, so proofs are not all of one shape.
      const row = db
        .prepare(
          `SELECT e.id FROM events e JOIN subjects s ON s.pseudonym = e.subject WHERE s.user_id = ? ORDER BY e.seq LIMIT 1 OFFSET ?`,
        )
        .get(`usr_${u}`, u % 50);
      const token = await new SignJWT({ scope: 'user' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(`usr_${u}`)
        .setAudience('receipts')
        .setIssuedAt()
        .setExpirationTime('14m')
        .sign(key);
      users.push({ token, path: `/v1/me/activity/${row.id}/proof` });
    }
    db.close();
    const tokens = users.map((u) => u.token);
    const check = await fetch(`${server.url}${users[0].path}`, {
      headers: { authorization: `Bearer ${tokens[0]}` },
    });
    if (check.status !== 200) throw new Error(`proof: HTTP ${check.status}`);
    const base = { mode: 'get', url: server.url, connections: 32, pid: server.pid };
    const rounds = { proof: [], activity: [] };
    await runLoad({ ...base, path: '/v1/me/activity?limit=50', tokens, duration: 2 });
    for (let i = 0; i < 2; i++) {
      await waitQuiet();
      rounds.proof.push(
        await runLoad({ ...base, paths: users.map((u) => u.path), tokens, duration: SIZES.seconds / 2 }),
      );
      await waitQuiet();
      rounds.activity.push(
        await runLoad({ ...base, path: '/v1/me/activity?limit=50', tokens, duration: SIZES.seconds / 2 }),
      );
    }
    const rate = (rs) => round(rs.reduce((a, r) => a + r.req_per_s, 0) / rs.length, 0);
    const p50 = (rs) => round(rs.reduce((a, r) => a + r.latency_ms.p50, 0) / rs.length, 1);
    const out = {
      events: SIZES.proofEvents,
      users: SIZES.proofUsers,
      proof_req_per_s: rate(rounds.proof),
      activity_req_per_s: rate(rounds.activity),
      proof_p50_ms: p50(rounds.proof),
      activity_p50_ms: p50(rounds.activity),
      non_2xx: [...rounds.proof, ...rounds.activity].reduce((a, r) => a + r.non_2xx, 0),
    };
    out.proof_over_activity = round(out.proof_req_per_s / out.activity_req_per_s, 2);
    log(`proofs: ${out.proof_req_per_s} req/s vs activity ${out.activity_req_per_s} req/s`);
    return out;
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function tlogBench() {
  const t0 = Date.now();
  const writer = await writerCost();
  const consistency = await consistencyCheck(writer.large);
  const proofs = await proofReads();
  return {
    name: 'tlog',
    date: new Date().toISOString(),
    machine: machine(),
    quick: QUICK,
    results: { writer: writer.result, proofs, verify_checkpoint: consistency },
    duration_s: round((Date.now() - t0) / 1000, 0),
  };
}
