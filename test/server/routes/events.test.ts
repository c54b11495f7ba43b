import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest, signIn, startServer, type TestServer } from '../../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('POST /v1/events', () => {
  it('should accept one event and answer 202 with its id', async () => {
    const res = await ingest(server, signIn('usr_1', 'sess_1', { id: 'evt_one' }));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0, ids: ['evt_one'], duplicate_ids: [] });
  });

  it('should count a retried id as a duplicate and store it once', async () => {
    const body = { events: [signIn('usr_1', 'sess_2', { id: 'evt_retry' })] };
    expect((await (await ingest(server, body)).json()).accepted).toBe(1);
    const again = await (await ingest(server, body)).json();
    expect(again).toMatchObject({ accepted: 0, duplicates: 1, duplicate_ids: ['evt_retry'] });
  });

  it('should reject a batch with one bad event, naming its path, and store nothing', async () => {
    const res = await ingest(server, {
      events: [
        signIn('usr_2', 'sess_3', { id: 'evt_good' }),
        signIn('usr_2', 'sess_3', { ip_address: '999.1.1.1' }),
      ],
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.issues).toContainEqual({ path: 'events[1].ip_address', message: 'not an IP' });
    const retry = await (await ingest(server, signIn('usr_2', 'sess_3', { id: 'evt_good' }))).json();
    expect(retry.accepted).toBe(1); // the good event was not stored by the rejected batch
  });

  it('should answer 401 without a key and with a wrong key', async () => {
    expect((await fetch(`${server.url}/v1/events`, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await ingest(server, signIn('u', 's'), 'wrong-key')).status).toBe(401);
  });
});

describe('POST /v1/events prepared on one thread (RECEIPTS_PREPARE_WORKERS=0)', () => {
  let inline: TestServer;
  beforeAll(async () => {
    inline = await startServer({ env: { RECEIPTS_PREPARE_WORKERS: '0' } });
  });
  afterAll(async () => {
    await inline?.stop();
  });

  const answer = async (res: Response) => {
    const body = await res.json();
    delete body.error?.request_id;
    return { status: res.status, body };
  };

  it('should answer every body as the worker threads do', async () => {
    const bad = signIn('usr_3', 'sess_4', { ip_address: '999.1.1.1' });
    const bodies: unknown[] = [
      { events: Array.from({ length: 40 }, (_, i) => signIn('usr_3', `sess_w${i}`, { id: `evt_w${i}` })) },
      signIn('usr_3', 'sess_5', { id: 'evt_single' }),
      { events: [signIn('usr_3', 'sess_6'), bad, { event_type: 'login_success', extra: 1 }] },
      { events: [] },
      [],
    ];
    for (const body of bodies) {
      const [a, b] = await Promise.all([
        answer(await ingest(server, body)),
        answer(await ingest(inline, body)),
      ]);
      expect(a, JSON.stringify(body).slice(0, 80)).toEqual(b);
    }
    // Sent as they are: not JSON, empty, JSON that is not an event.
    for (const raw of ['{"events": [', '', 'null']) {
      expect(await answer(await ingest(server, raw)), raw).toEqual(await answer(await ingest(inline, raw)));
    }
  });
});
