// A small OTLP/HTTP JSON logs receiver for tests: decodes each POST /v1/logs body as the OpenTelemetry
// project's ExportLogsServiceRequest type, checks the documented JSON shape, and appends accepted bodies to
// an NDJSON file. It can be stopped and started on the same port, or made to answer 503 for a while.
import { appendFileSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { IExportLogsServiceResponse } from '@opentelemetry/otlp-transformer';
import type { IExportLogsServiceRequest } from '@opentelemetry/otlp-transformer/build/src/logs/internal-types.js';
import { freePort, type TlsFiles } from './rsyslog.js';

export interface OtlpReceiver {
  url: string;
  file: string;
  /** Bodies that did not have the OTLP JSON shape (answered 400). */
  malformed: string[];
  accepted: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Answer every request with this status (null: accept again). */
  failWith(status: number | null): void;
}

/** Throws when the body is not an OTLP JSON ExportLogsServiceRequest. */
export function decodeLogsRequest(text: string): IExportLogsServiceRequest {
  const request = JSON.parse(text) as IExportLogsServiceRequest;
  if (!Array.isArray(request.resourceLogs)) throw new Error('no resourceLogs');
  for (const rl of request.resourceLogs) {
    if (!Array.isArray(rl.scopeLogs)) throw new Error('no scopeLogs');
    for (const sl of rl.scopeLogs) {
      for (const r of sl.logRecords ?? []) {
        // OTLP JSON: 64-bit times as decimal strings, attributes as key/value lists, enums as numbers.
        if (typeof r.timeUnixNano !== 'string' || !/^\d+$/.test(r.timeUnixNano))
          throw new Error('timeUnixNano');
        if (typeof r.observedTimeUnixNano !== 'string') throw new Error('observedTimeUnixNano');
        if (typeof r.severityNumber !== 'number') throw new Error('severityNumber');
        if (typeof r.body?.stringValue !== 'string') throw new Error('body');
        if (!Array.isArray(r.attributes)) throw new Error('attributes');
        for (const a of r.attributes)
          if (typeof a.key !== 'string' || typeof a.value !== 'object') throw new Error('attribute');
      }
    }
  }
  return request;
}

/** With `tls`, the receiver speaks https with the test CA's server certificate. */
export async function otlpReceiver(file: string, tls?: TlsFiles): Promise<OtlpReceiver> {
  const port = await freePort();
  let server: Server | null = null;
  let failing: number | null = null;
  const r: OtlpReceiver = {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/v1/logs`,
    file,
    malformed: [],
    accepted: 0,
    failWith(status) {
      failing = status;
    },
    start() {
      const handle = (req: IncomingMessage, res: ServerResponse) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          if (failing !== null) {
            res.writeHead(failing).end();
            return;
          }
          const text = Buffer.concat(chunks).toString('utf8');
          if (
            req.method !== 'POST' ||
            req.url !== '/v1/logs' ||
            req.headers['content-type'] !== 'application/json'
          ) {
            res.writeHead(404).end();
            return;
          }
          try {
            decodeLogsRequest(text);
          } catch (error) {
            r.malformed.push(`${(error as Error).message}: ${text.slice(0, 200)}`);
            res.writeHead(400).end();
            return;
          }
          appendFileSync(file, `${text}\n`);
          r.accepted++;
          const reply: IExportLogsServiceResponse = {};
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
        });
      };
      const srv = tls
        ? createHttpsServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key) }, handle)
        : createServer(handle);
      server = srv;
      return new Promise((resolve) => srv.listen(port, '127.0.0.1', () => resolve()));
    },
    stop() {
      const srv = server;
      server = null;
      if (!srv) return Promise.resolve();
      return new Promise((resolve) => {
        srv.close(() => resolve());
        srv.closeAllConnections();
      });
    },
  };
  return r;
}
