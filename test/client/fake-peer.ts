// A stand-in for the Receipts server as a network peer: a real `node:http` server that answers with
// whatever status the test scripts, and records every request it got. No Receipts logic in it.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Drop the connection instead of answering (a network error for the client). */
  destroy?: boolean;
}

export type Script = (req: SeenRequest, index: number) => Answer;

export interface FakePeer {
  url: string;
  requests: SeenRequest[];
  /** Ids of the events in each POST /v1/events request. */
  batches(): string[][];
  close(): Promise<void>;
}

/** 202 with the ids of the batch, like the server's `IngestResult`. */
export function accepted(req: SeenRequest): Answer {
  const ids = (JSON.parse(req.body) as { events: { id: string }[] }).events.map((e) => e.id);
  return { status: 202, body: { accepted: ids.length, duplicates: 0, ids, duplicate_ids: [] } };
}

export async function startFakePeer(script: Script): Promise<FakePeer> {
  const requests: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen: SeenRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      requests.push(seen);
      const answer = script(seen, requests.length - 1);
      if (answer.destroy) {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    batches: () =>
      requests
        .filter((r) => r.method === 'POST' && r.url === '/v1/events')
        .map((r) => (JSON.parse(r.body) as { events: { id: string }[] }).events.map((e) => e.id)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
