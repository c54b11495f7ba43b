// The live stream of a user who has no events yet: it must deliver their first ones when they arrive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest, mintToken, signIn, startServer, type TestServer } from '../../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('GET /v1/me/stream before the first event', () => {
  it('should deliver the user’s first events once they arrive', async () => {
    const user = 'usr_stream_first';
    const token = await mintToken(server, { userId: user });
    const controller = new AbortController();
    const res = await fetch(`${server.url}/v1/me/stream`, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    // The stream is open (its first ping) before the user has any event at all.
    while (!text.includes('event: ping')) text += (await reader.read()).value ?? '';
    expect((await ingest(server, signIn(user, 'sess_first', { id: 'first_event' }))).status).toBe(202);
    const deadline = Date.now() + 10_000;
    while (!text.includes('first_event') && Date.now() < deadline) text += (await reader.read()).value ?? '';
    controller.abort();
    expect(text).toContain('event: activity');
    expect(text).toContain('first_event');
  });
});
