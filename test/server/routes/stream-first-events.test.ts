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

describe('GET /v1/me/stream while the server stops', () => {
  it('should end every open stream cleanly, read or not, and exit', async () => {
    const own = await startServer();
    const user = 'usr_stream_stop';
    expect((await ingest(own, signIn(user, 'sess_stop'))).status).toBe(202);
    const open = async (userId: string) => {
      const token = await mintToken(own, { userId });
      const res = await fetch(`${own.url}/v1/me/stream`, {
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      });
      expect(res.status).toBe(200);
      return res.body!.pipeThrough(new TextDecoderStream()).getReader();
    };
    /** What the stream still sends, to its end; rejects if the connection is cut instead. */
    const rest = async (reader: ReadableStreamDefaultReader<string>) => {
      let text = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return text;
        text += value;
      }
    };
    // One stream of a user with events, read to its first ping; one of a user with none, not read yet.
    const reading = await open(user);
    let text = '';
    while (!text.includes('event: ping')) text += (await reading.read()).value ?? '';
    const unread = await open('usr_stream_stop_new');
    // The clients stay connected: the server ends their streams and exits by itself.
    expect(await own.stop()).toBe(0);
    // Each response ended as a response does, not by a cut connection (which a client sees as an error).
    await expect(rest(reading)).resolves.toBe('');
    await expect(rest(unread)).resolves.toContain('event: ping');
  }, 60_000);
});
