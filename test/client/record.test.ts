import { afterEach, describe, expect, it, vi } from 'vitest';
import { createReceiptsClient, type ReceiptsClientOptions, ReceiptsError } from '../../client/index.js';
import { type Answer, accepted, type FakePeer, type Script, startFakePeer } from './fake-peer.js';

const UUIDV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let peer: FakePeer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

async function setup(script: Script, options: Partial<ReceiptsClientOptions> = {}) {
  peer = await startFakePeer(script);
  const onError = vi.fn();
  const client = createReceiptsClient({
    url: peer.url,
    ingestKey: 'rk_test_ingest',
    flushIntervalMs: 60_000,
    retryBaseMs: 5,
    onError,
    ...options,
  });
  return { peer, client, onError };
}

const login = (n: number) => ({
  event_type: 'login_success' as const,
  user_id: `usr_${n}`,
  outcome: 'success' as const,
});

describe('record: batching', () => {
  it('sends N events in ceil(N / batchSize) requests, with ids, timestamps and the ingest key', async () => {
    const { peer, client } = await setup(accepted, { batchSize: 100 });
    const results = Array.from({ length: 250 }, (_, i) => client.record(login(i)));
    await client.flush();
    const ids = await Promise.all(results);

    expect(peer.batches().map((b) => b.length)).toEqual([100, 100, 50]);
    expect(peer.batches().flat()).toEqual(ids);
    expect(new Set(ids).size).toBe(250);
    for (const id of ids) expect(id).toMatch(UUIDV7);
    const first = peer.requests[0]!;
    expect(first.headers.authorization).toBe('Bearer rk_test_ingest');
    expect(first.headers['content-type']).toBe('application/json');
    const event = (JSON.parse(first.body) as { events: Record<string, unknown>[] }).events[0]!;
    expect(event).toMatchObject({ event_type: 'login_success', user_id: 'usr_0', outcome: 'success' });
    expect(Date.parse(event.timestamp as string)).toBeGreaterThan(Date.now() - 60_000);
    await client.close();
  });

  it('sends a full batch at once, without waiting for the interval', async () => {
    const { peer, client } = await setup(accepted, { batchSize: 3 });
    const ids = await Promise.all([
      client.record(login(1)),
      client.record(login(2)),
      client.record(login(3)),
    ]);
    expect(peer.batches()).toEqual([ids]);
    await client.close();
  });

  it('flushes a partial batch when the interval passes', async () => {
    const { peer, client } = await setup(accepted, { batchSize: 100, flushIntervalMs: 50 });
    const start = Date.now();
    const ids = await Promise.all([client.record(login(1)), client.record(login(2))]);
    expect(Date.now() - start).toBeGreaterThanOrEqual(40);
    expect(peer.batches()).toEqual([ids]);
    await client.close();
  });

  it('keeps a caller-supplied id and turns a Date timestamp into ISO 8601', async () => {
    const { peer, client } = await setup(accepted);
    const at = new Date('2026-04-01T14:23:11.000Z');
    const id = client.record({ ...login(1), id: 'evt_host_42', timestamp: at });
    await client.flush();
    expect(await id).toBe('evt_host_42');
    const sent = (JSON.parse(peer.requests[0]!.body) as { events: Record<string, unknown>[] }).events[0];
    expect(sent).toMatchObject({ id: 'evt_host_42', timestamp: '2026-04-01T14:23:11.000Z' });
  });
});

describe('record: retries', () => {
  it('retries after a 503 with the same ids', async () => {
    const { peer, client, onError } = await setup((req, i) => (i < 2 ? { status: 503 } : accepted(req)));
    const results = [client.record(login(1)), client.record(login(2))];
    await client.flush();
    const ids = await Promise.all(results);
    const batches = peer.batches();
    expect(batches).toHaveLength(3);
    for (const batch of batches) expect(batch).toEqual(ids);
    expect(onError).not.toHaveBeenCalled();
  });

  it('retries after a dropped connection with the same ids', async () => {
    const { peer, client } = await setup((req, i) =>
      i === 0 ? { status: 0, destroy: true } : accepted(req),
    );
    const result = client.record(login(1));
    await client.flush();
    const id = await result;
    expect(peer.batches()).toEqual([[id], [id]]);
  });

  it('honours Retry-After on a 429', async () => {
    const { peer, client } = await setup(
      (req, i): Answer => (i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : accepted(req)),
      { retryBaseMs: 1 },
    );
    const result = client.record(login(1));
    await client.flush();
    await result;
    const [first, second] = peer.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
    expect(peer.batches()[0]).toEqual(peer.batches()[1]);
  });

  it('gives up after maxRetries and rejects with the last status', async () => {
    const { peer, client, onError } = await setup(() => ({
      status: 503,
      body: { error: { code: 'unavailable', message: 'The service is shutting down or unavailable.' } },
    }));
    const result = client.record(login(1));
    const settled = expect(result).rejects.toMatchObject({ code: 'unavailable', status: 503 });
    await client.flush();
    await settled;
    expect(peer.requests).toHaveLength(6); // first attempt + maxRetries (5)
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it('does not retry a 401', async () => {
    const { peer, client } = await setup(() => ({
      status: 401,
      body: { error: { code: 'unauthorized', message: 'Missing or invalid credentials.' } },
    }));
    const result = client.record(login(1));
    await client.flush();
    await expect(result).rejects.toMatchObject({ code: 'unauthorized', status: 401 });
    expect(peer.requests).toHaveLength(1);
  });

  it('splits a batch the server finds too large (413)', async () => {
    const { peer, client } = await setup((req) =>
      (JSON.parse(req.body) as { events: unknown[] }).events.length > 2 ? { status: 413 } : accepted(req),
    );
    const results = Array.from({ length: 4 }, (_, i) => client.record(login(i)));
    await client.flush();
    const ids = await Promise.all(results);
    expect(peer.batches()).toEqual([ids, ids.slice(0, 2), ids.slice(2)]);
  });
});

describe('record: 400', () => {
  const invalid = (issues: { path: string; message: string }[]): Answer => ({
    status: 400,
    body: {
      error: {
        code: 'invalid_events',
        message: 'One or more events are invalid; nothing was stored.',
        issues,
      },
    },
  });

  it('rejects with the server’s issues', async () => {
    const issues = [{ path: 'ip_address', message: 'not an IP' }];
    const { peer, client, onError } = await setup(() => invalid(issues));
    const result = client.record({ ...login(1), ip_address: 'nope' });
    await client.flush();
    const error = await result.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ReceiptsError);
    expect(error).toMatchObject({ code: 'invalid_events', status: 400, issues });
    expect((error as Error).message).toContain('ip_address: not an IP');
    expect(peer.requests).toHaveLength(1);
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it('rejects only the events the issues name and sends the others again', async () => {
    const issues = [{ path: 'events[1].ip_address', message: 'not an IP' }];
    const { peer, client } = await setup((req, i) => (i === 0 ? invalid(issues) : accepted(req)));
    const good1 = client.record(login(1));
    const bad = client.record({ ...login(2), ip_address: 'nope' });
    const good2 = client.record(login(3));
    await client.flush();
    await expect(bad).rejects.toMatchObject({ code: 'invalid_events', issues });
    const ids = await Promise.all([good1, good2]);
    const [first, second] = peer.batches();
    expect(first).toHaveLength(3);
    expect(second).toEqual(ids);
    // `events[1]` in the issues names the second id of the request the error is about.
    const error = (await bad.catch((e: unknown) => e)) as ReceiptsError;
    expect(error.eventIds).toEqual(first);
  });
});

describe('record: lifecycle', () => {
  it('close() sends what is queued, then refuses new events', async () => {
    const { peer, client, onError } = await setup(accepted);
    const queued = client.record(login(1));
    await client.close();
    expect(peer.batches()).toEqual([[await queued]]);
    await expect(client.record(login(2))).rejects.toMatchObject({ code: 'closed' });
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it('a failure nobody awaits goes to onError, not to an unhandled rejection', async () => {
    const { client, onError } = await setup(() => ({ status: 401 }));
    void client.record(login(1));
    await client.flush();
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]![0]).toBeInstanceOf(ReceiptsError);
  });

  it('refuses events beyond maxQueueSize and events that cannot be serialized', async () => {
    const { client } = await setup(accepted, { maxQueueSize: 1 });
    const first = client.record(login(1));
    await expect(client.record(login(2))).rejects.toMatchObject({ code: 'queue_full' });
    await client.flush();
    await first;
    await expect(client.record({ ...login(3), metadata: { n: 1n } })).rejects.toMatchObject({
      code: 'invalid_event',
    });
  });

  it('checks its options', () => {
    expect(() => createReceiptsClient({ url: 'not a url', ingestKey: 'k' })).toThrow(/url/);
    expect(() => createReceiptsClient({ url: 'http://x', ingestKey: '' })).toThrow(/ingestKey/);
    expect(() => createReceiptsClient({ url: 'http://x', ingestKey: 'k', batchSize: 1001 })).toThrow(
      /batchSize/,
    );
  });
});
