// The log check in node's WebCrypto, against a log built independently in the test (log-fixture.ts).
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ActivityItem, ActivityProof } from '../../shared/api.js';
import { ApiError } from '../../widget/internal/api.js';
import { ProofCheck, type ProofCheckOptions } from '../../widget/internal/proofs.js';
import { FakeHost } from './controllers.js';
import { buildLog, type Log, signer } from './log-fixture.js';

const owner = signer();

/** A check over `shown` items whose proofs come from `log`, through `serve` when given. */
function setup(
  log: Log,
  opts: Partial<ProofCheckOptions> & {
    shown?: ActivityItem[];
    serve?: (id: string) => Promise<ActivityProof>;
  } = {},
) {
  const host = new FakeHost();
  const shown = { items: opts.shown ?? log.items };
  const asked: string[] = [];
  const consistency: string[] = [];
  const failures: string[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const check = new ProofCheck(host, {
    key: owner.vkey,
    items: () => shown.items,
    fetchProof: async (id) => {
      asked.push(id);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        await new Promise((r) => setImmediate(r));
        return opts.serve ? await opts.serve(id) : log.proof(id);
      } finally {
        inFlight--;
      }
    },
    fetchConsistency: async (from, to) => {
      consistency.push(`${from}-${to}`);
      return log.consistency(from, to);
    },
    onFailure: (ids) => failures.push(ids),
    retryDelays: [1, 1],
    ...opts,
  });
  /** What the element does before each render. */
  const update = () => check.hostUpdate();
  const settle = () =>
    vi.waitFor(
      () => {
        update();
        const tally = check.tally(shown.items);
        if (check.capability === 'starting' || tally.checking > 0) throw new Error('still checking');
        return tally;
      },
      { timeout: 5000, interval: 5 },
    );
  return { host, check, shown, asked, consistency, failures, update, settle, maxInFlight: () => maxInFlight };
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('ProofCheck', () => {
  it('should verify every shown item against the signed checkpoint', async () => {
    const log = buildLog(11, owner);
    const t = setup(log);
    const tally = await t.settle();
    expect(t.check.capability).toBe('ready');
    expect(tally).toEqual({ verified: 11, checking: 0, unchecked: 0, failed: [] });
    expect(log.items.every((i) => t.check.state(i.id) === 'verified')).toBe(true);
    expect(t.failures).toEqual([]);
  });

  it('should fetch at most four proofs at once and each only once', async () => {
    const log = buildLog(20, owner);
    const t = setup(log);
    await t.settle();
    expect(t.maxInFlight()).toBeLessThanOrEqual(4);
    expect(t.maxInFlight()).toBeGreaterThan(1);
    t.update();
    t.update();
    expect([...t.asked].sort()).toEqual(log.items.map((i) => i.id).sort());
  });

  it('should verify the signature of a checkpoint once, however many proofs carry it', async () => {
    const verify = vi.spyOn(globalThis.crypto.subtle, 'verify');
    const t = setup(buildLog(9, owner));
    await t.settle();
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('should check an item that appears later, such as a new page or a live item', async () => {
    const log = buildLog(8, owner);
    const t = setup(log, { shown: log.items.slice(0, 5) });
    await t.settle();
    expect(t.asked).toHaveLength(5);
    t.shown.items = log.items;
    const tally = await t.settle();
    expect(tally.verified).toBe(8);
    expect(t.asked).toHaveLength(8);
  });

  it('should fail an item whose proof was altered, and report it once', async () => {
    const log = buildLog(10, owner);
    const target = log.items[3]?.id as string;
    const t = setup(log, {
      serve: async (id) => {
        const reply = log.proof(id);
        if (id !== target) return reply;
        const first = Buffer.from(reply.proof[0] as string, 'base64');
        first[0] = (first[0] as number) ^ 1;
        return { ...reply, proof: [first.toString('base64'), ...reply.proof.slice(1)] };
      },
    });
    const tally = await t.settle();
    expect(tally.failed.map((i) => i.id)).toEqual([target]);
    expect(tally.verified).toBe(9);
    expect(t.failures).toEqual([[target]]);
  });

  it('should fail an item when the proven event differs from the one shown', async () => {
    const log = buildLog(6, owner);
    const [first, second] = log.items as [ActivityItem, ActivityItem];
    const shown = [{ ...first, event_type: 'logout' as const }, second];
    const t = setup(log, {
      shown,
      // For the second item, a perfectly valid proof of a different event.
      serve: async (id) => (id === second.id ? log.proof(first.id) : log.proof(id)),
    });
    const tally = await t.settle();
    expect(tally.failed.map((i) => i.id).sort()).toEqual([first.id, second.id].sort());
  });

  it('should fail an event whose fields do not match its chain hash', async () => {
    const log = buildLog(5, owner);
    const target = log.items[0]?.id as string;
    const t = setup(log, {
      serve: async (id) => {
        const reply = log.proof(id);
        return id === target ? { ...reply, event: { ...reply.event, metadata: '{"reason":"x"}' } } : reply;
      },
    });
    const tally = await t.settle();
    expect(tally.failed.map((i) => i.id)).toEqual([target]);
  });

  it('should accept checkpoints of different sizes when the log proves one extends the other', async () => {
    const log = buildLog(8, owner);
    // The older items were proven while the tree had 5 leaves; the newer ones after it grew to 8.
    const t = setup(log, { serve: async (id) => log.proof(id, Number(id.slice(4)) <= 5 ? 5 : 8) });
    const tally = await t.settle();
    expect(tally.verified).toBe(8);
    expect(t.consistency).toEqual(['5-8']);
  });

  it('should fail the items proven in a checkpoint that is not one history with the others', async () => {
    const log = buildLog(8, owner);
    // The same key signs a tree in which events 6 to 8 say something else: a fork, shown to the same page.
    const fork = buildLog(8, owner, { forkFrom: 6 });
    const forked = (id: string) => Number(id.slice(4)) >= 6;
    const t = setup(log, {
      shown: [...fork.items.filter((i) => forked(i.id)), ...log.items.filter((i) => !forked(i.id))],
      serve: async (id) => (forked(id) ? fork.proof(id, 8) : log.proof(id, 6)),
    });
    const tally = await t.settle();
    const ids = (items: ActivityItem[]) => items.map((i) => i.id).sort();
    expect(tally.verified + tally.failed.length).toBe(8);
    // Whichever checkpoint came first, the page never accepts both: one side of the fork fails.
    const failed = ids(tally.failed);
    expect([
      ['evt_006', 'evt_007', 'evt_008'],
      ['evt_001', 'evt_002', 'evt_003', 'evt_004', 'evt_005'],
    ]).toContainEqual(failed);
  });

  it('should fail every item when the checkpoint is signed by another key than log-key', async () => {
    const log = buildLog(4, signer());
    const t = setup(log);
    const tally = await t.settle();
    expect(tally.failed).toHaveLength(4);
    expect(t.failures).toHaveLength(1);
  });

  it('should fail an item the server lists but cannot prove', async () => {
    const log = buildLog(3, owner);
    const target = log.items[1]?.id as string;
    const t = setup(log, {
      serve: async (id) => {
        if (id === target) throw new ApiError('not_found', 'Not found.', 404);
        return log.proof(id);
      },
    });
    const tally = await t.settle();
    expect(tally.failed.map((i) => i.id)).toEqual([target]);
  });

  it('should leave an item unchecked, not failed, when its proof cannot be fetched, and ask again on retry', async () => {
    const log = buildLog(3, owner);
    const target = log.items[0]?.id as string;
    let down = true;
    const t = setup(log, {
      serve: async (id) => {
        if (id === target && down) throw new ApiError('network', 'offline');
        return log.proof(id);
      },
    });
    const tally = await t.settle();
    expect(tally).toMatchObject({ verified: 2, unchecked: 1, failed: [] });
    // One first try and one per retry delay.
    expect(t.asked.filter((id) => id === target)).toHaveLength(3);
    expect(t.failures).toEqual([]);
    down = false;
    t.check.retry();
    expect((await t.settle()).verified).toBe(3);
  });

  it('should say it cannot check, and fetch nothing, when log-key is not a verifier key', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const t = setup(buildLog(2, owner), { key: 'not a key' });
    await vi.waitFor(() => expect(t.check.capability).toBe('bad-key'));
    t.update();
    expect(t.asked).toEqual([]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('log-key'));
  });

  it('should say it cannot check where the page has no WebCrypto', async () => {
    vi.stubGlobal('crypto', {});
    const t = setup(buildLog(2, owner));
    await vi.waitFor(() => expect(t.check.capability).toBe('no-crypto'));
    t.update();
    expect(t.asked).toEqual([]);
    expect(t.check.state(t.shown.items[0]?.id as string)).not.toBe('verified');
  });

  it('should drop the checks in flight when the element leaves the page and redo them when it returns', async () => {
    const log = buildLog(6, owner);
    let hold = true;
    const waiting: (() => void)[] = [];
    const t = setup(log, {
      serve: async (id) => {
        if (hold) await new Promise<void>((r) => waiting.push(r));
        return log.proof(id);
      },
    });
    t.update();
    await vi.waitFor(() => expect(waiting.length).toBe(4));
    t.host.disconnect();
    hold = false;
    for (const go of waiting) go();
    const tally = await t.settle();
    expect(tally.verified).toBe(6);
    // The four cut off were asked again; the two never started were asked once.
    expect(t.asked).toHaveLength(10);
  });

  it('should say it cannot check where WebCrypto has no Ed25519', async () => {
    const subtle = globalThis.crypto.subtle;
    vi.stubGlobal('crypto', {
      subtle: {
        digest: subtle.digest.bind(subtle),
        importKey: async () => {
          throw new DOMException('Unrecognized name.', 'NotSupportedError');
        },
      },
    });
    const t = setup(buildLog(2, owner));
    await vi.waitFor(() => expect(t.check.capability).toBe('no-crypto'));
    t.update();
    expect(t.asked).toEqual([]);
  });

  it('should finish every check after a disconnect cut off a proof of consistency', async () => {
    const log = buildLog(8, owner);
    let hold = true;
    const held: (() => void)[] = [];
    const t = setup(log, {
      serve: async (id) => log.proof(id, Number(id.slice(4)) <= 5 ? 5 : 8),
      fetchConsistency: async (from, to) => {
        if (hold) await new Promise<void>((r) => held.push(r));
        return log.consistency(from, to);
      },
    });
    t.update();
    await vi.waitFor(() => expect(held).toHaveLength(1));
    t.host.disconnect();
    hold = false;
    for (const go of held) go();
    expect(await t.settle()).toEqual({ verified: 8, checking: 0, unchecked: 0, failed: [] });
    expect(t.failures).toEqual([]);
  });

  it('should not let a check cut off by a disconnect spoil the checkpoint for the checks after it', async () => {
    const log = buildLog(4, owner);
    const subtle = globalThis.crypto.subtle;
    const hashed = { n: 0 };
    const digest = subtle.digest.bind(subtle);
    vi.spyOn(subtle, 'digest').mockImplementation(async (...args) => {
      const out = await digest(...args);
      hashed.n++;
      return out;
    });
    // Signatures wait at a gate, so that a note is still being opened when the next checks reach it.
    let open: () => void = () => {};
    const gate = new Promise<void>((r) => {
      open = r;
    });
    const verify = subtle.verify.bind(subtle);
    vi.spyOn(subtle, 'verify').mockImplementation(async (...args) => {
      await gate;
      return verify(...args);
    });
    let hold = true;
    const waiting: (() => void)[] = [];
    const t = setup(log, {
      serve: async (id) => {
        if (hold) await new Promise<void>((r) => waiting.push(r));
        return log.proof(id);
      },
    });
    t.update();
    await vi.waitFor(() => expect(waiting).toHaveLength(4));
    t.host.disconnect();
    // The cut-off checks get their proofs only now, and go on towards the checkpoint; new ones start.
    hold = false;
    for (const go of waiting) go();
    t.update();
    await vi.waitFor(() => expect(hashed.n).toBeGreaterThanOrEqual(8));
    open();
    expect(await t.settle()).toEqual({ verified: 4, checking: 0, unchecked: 0, failed: [] });
    expect(t.failures).toEqual([]);
  });

  it('should forget what it learned on reset and check again', async () => {
    const log = buildLog(3, owner);
    const t = setup(log);
    await t.settle();
    t.check.reset();
    expect(t.check.state(log.items[0]?.id as string)).toBeUndefined();
    expect((await t.settle()).verified).toBe(3);
    expect(t.asked).toHaveLength(6);
  });
});
