import { afterEach, expect, it } from 'vitest';
import { createReceiptsClient } from '../../client/index.js';
import { type FakePeer, startFakePeer } from './fake-peer.js';

let peer: FakePeer | undefined;
afterEach(async () => {
  await peer?.close();
});

it('asks GET /v1/sessions/:id with the ingest key and returns the status', async () => {
  const status = { status: 'revoked', revoked_at: '2026-04-01T14:23:11Z', revoked_by: 'user' };
  peer = await startFakePeer(() => ({ status: 200, body: status }));
  const client = createReceiptsClient({ url: `${peer.url}/`, ingestKey: 'rk_ingest' });
  expect(await client.sessionStatus('sess/1 ä')).toEqual(status);
  expect(peer.requests[0]).toMatchObject({
    method: 'GET',
    url: '/v1/sessions/sess%2F1%20%C3%A4',
    headers: { authorization: 'Bearer rk_ingest' },
  });
});

it('returns null for an unknown session and throws on other errors', async () => {
  peer = await startFakePeer((req) =>
    req.url.endsWith('/unknown')
      ? { status: 404, body: { error: { code: 'not_found', message: 'Not found.' } } }
      : {
          status: 401,
          body: { error: { code: 'unauthorized', message: 'Missing or invalid credentials.' } },
        },
  );
  const client = createReceiptsClient({ url: peer.url, ingestKey: 'rk_ingest' });
  expect(await client.sessionStatus('unknown')).toBeNull();
  await expect(client.sessionStatus('other')).rejects.toMatchObject({ code: 'unauthorized', status: 401 });
});
