// Crash test: a child server under concurrent ingest is killed with SIGKILL at random moments, again and again.
// After each restart every event that got a 202 is present exactly once and the chain verifies.
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { verifyChain } from '../../server/audit/verify.js';
import { SqliteDb } from '../../server/store/sqlite.js';
import { cli, startServer, type TestServer, tempDir } from '../support/server.js';

const KILLS = 20;
const WORKERS = 16;
const MIN_ACKS_PER_CYCLE = 10;

interface Reply {
  accepted: number;
  duplicates: number;
  ids: string[];
  duplicate_ids: string[];
}

class Load {
  readonly acked = new Set<string>();
  /** Batches sent without a 202: they may or may not be stored, and are sent again after the restart. */
  readonly unacked: string[][] = [];
  private n = 0;
  requests = 0;
  retried = 0;

  constructor(private readonly key: string) {}

  private batch(cycle: number, worker: number): string[] {
    return Array.from({ length: randomInt(1, 6) }, () => `c${cycle}-w${worker}-${++this.n}`);
  }

  /** Runs WORKERS loops against `url` until the server goes away; each loop stops at its first failure. */
  run(url: string, cycle: number): Promise<void> {
    const loop = async (worker: number) => {
      for (;;) {
        const resend = this.unacked.pop();
        const ids = resend ?? this.batch(cycle, worker);
        if (resend) this.retried++;
        try {
          this.requests++;
          const res = await fetch(`${url}/v1/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${this.key}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              events: ids.map((id, i) => ({
                id,
                event_type: i % 2 ? 'data_access' : 'login_success',
                user_id: `usr_${worker}`,
                session_id: `sess_${worker}_${cycle}`,
                ip_address: `198.51.100.${worker}`,
                metadata: { cycle, worker },
              })),
            }),
            signal: AbortSignal.timeout(10_000),
          });
          if (res.status !== 202) {
            this.unacked.push(ids);
            await res.body?.cancel();
            if (res.status >= 500) return;
            throw new Error(`unexpected ${res.status}: ${await res.text()}`);
          }
          const reply = (await res.json()) as Reply;
          expect([...reply.ids, ...reply.duplicate_ids].sort()).toEqual([...ids].sort());
          for (const id of ids) this.acked.add(id);
        } catch (error) {
          if (error instanceof TypeError || (error instanceof Error && error.name === 'TimeoutError')) {
            this.unacked.push(ids); // the connection died: unknown whether it was stored
            return;
          }
          throw error;
        }
      }
    };
    return Promise.all(Array.from({ length: WORKERS }, (_, w) => loop(w))).then(() => undefined);
  }
}

/** Every acknowledged id is present exactly once and the chain verifies; returns the number of stored events. */
async function check(server: TestServer, load: Load): Promise<number> {
  const db = new Database(server.dbPath, { readonly: true, fileMustExist: true });
  try {
    const counts = db.prepare('SELECT id, COUNT(*) AS n FROM events GROUP BY id').all() as {
      id: string;
      n: number;
    }[];
    const present = new Map(counts.map((r) => [r.id, r.n]));
    expect(counts.filter((r) => r.n !== 1)).toEqual([]);
    const lost = [...load.acked].filter((id) => present.get(id) !== 1);
    expect(lost, `${lost.length} acknowledged events are missing`).toEqual([]);
    const result = await verifyChain(new SqliteDb(db));
    expect(result).toMatchObject({ ok: true, count: counts.length });
    return counts.length;
  } finally {
    db.close();
  }
}

describe('crash safety', () => {
  it(`should keep every acknowledged event exactly once across ${KILLS} SIGKILLs under concurrent ingest`, async () => {
    const dir = tempDir('receipts-crash-');
    let server = await startServer({ dir });
    const env = server.env;
    const load = new Load(server.ingestKey);
    const started = Date.now();
    let startups = 1;
    try {
      for (let kill = 0; kill < KILLS; kill++) {
        const running = load.run(server.url, kill);
        // A random moment: sometimes at once, mostly once the load is under way (however busy the machine is).
        if (kill % 5 === 0) await sleep(randomInt(0, 20));
        else {
          const before = load.acked.size;
          const until = Date.now() + 10_000; // generous: a busy CI machine acknowledges slowly
          while (load.acked.size < before + MIN_ACKS_PER_CYCLE && Date.now() < until) await sleep(5);
          await sleep(randomInt(0, 300));
        }
        await server.kill();
        await running;

        server = await startServer({ dir, reuseEnv: env });
        startups++;
        await check(server, load);
        if (kill % 7 === 6) {
          const r = cli(env, ['verify']);
          expect(r.code, r.stdout + r.stderr).toBe(0);
        }
      }
      // Whatever was in flight at the last kill is sent again (stored once, now or before), then a clean stop
      // under load: what was acknowledged before SIGTERM is kept too.
      const running = load.run(server.url, KILLS);
      await sleep(300);
      expect(await server.stop()).toBe(0);
      await running;
      const stored = await check(server, load);
      const r = cli(env, ['verify']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain(`log intact: ${stored} events from seq 1`);

      const db = new Database(server.dbPath, { readonly: true });
      const startupsRecorded = (
        db.prepare("SELECT COUNT(*) AS n FROM events WHERE event_type = 'application_startup'").get() as {
          n: number;
        }
      ).n;
      db.close();
      expect(startupsRecorded).toBe(startups);
      // The test means something only if a real load was cut short many times.
      expect(load.acked.size).toBeGreaterThanOrEqual((KILLS - KILLS / 5) * MIN_ACKS_PER_CYCLE);
      expect(load.retried).toBeGreaterThan(0);
      console.info(
        `crash test: ${KILLS} kills, ${load.requests} requests, ${load.acked.size} acknowledged, ${load.retried} resent, ${stored} stored, ${Date.now() - started} ms`,
      );
    } finally {
      await server.kill();
    }
  }, 120_000);
});
