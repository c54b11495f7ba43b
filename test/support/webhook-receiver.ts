// A host's webhook endpoint on 127.0.0.1 whose answers a test sets, recording every attempt.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Attempt {
  id: string;
  type: string;
  status: number;
  body: string;
}

export interface WebhookReceiver {
  url: string;
  attempts: Attempt[];
  /** What the next attempts are answered with (default 200). */
  answer(status: number): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const attempts: Attempt[] = [];
  let status = 200;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      let type = '';
      try {
        type = String((JSON.parse(body) as { type?: unknown }).type);
      } catch {}
      attempts.push({ id: String(req.headers['webhook-id'] ?? ''), type, status, body });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    attempts,
    answer: (s) => {
      status = s;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Polls `probe` until it returns something truthy, or fails after `ms`. */
type Falsy = false | null | undefined | 0 | '';

export async function until<T>(
  what: string,
  probe: () => T | Falsy | Promise<T | Falsy>,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
