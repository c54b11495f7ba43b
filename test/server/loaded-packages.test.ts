// A server loads what its configuration uses: the PostgreSQL driver only on PostgreSQL, the OpenTelemetry
// packages only with an OTLP destination (each costs start-up time and heap).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { otlpReceiver } from '../support/otlp-receiver.js';
import { ingest, onPostgres, signIn, startServer, type TestServer, tempDir } from '../support/server.js';
import { until } from '../support/webhook-receiver.js';

const HOOK = fileURLToPath(new URL('../support/loaded-packages.mjs', import.meta.url));

async function packagesOf(
  env: Record<string, string>,
): Promise<{ server: TestServer; loaded: () => string[] }> {
  const server = await startServer({ env: { NODE_OPTIONS: `--import=${HOOK}`, ...env } });
  const loaded = () => [...server.output().matchAll(/^package loaded: (\S+)$/gm)].map((m) => m[1]!);
  return { server, loaded };
}

describe('packages a server loads', () => {
  it(`should load ${onPostgres ? 'pg but not' : 'neither pg nor'} OpenTelemetry without an OTLP stream, after serving an event`, async () => {
    const { server, loaded } = await packagesOf({});
    try {
      const r = await ingest(server, signIn('u-1', 's-1'));
      expect(r.status).toBe(202);
      // The hook sees the server's own dependencies, so an empty list would mean it saw nothing.
      expect(loaded()).toEqual(expect.arrayContaining(['hono', 'better-sqlite3']));
      expect(loaded().includes('pg')).toBe(onPostgres);
      expect(loaded().filter((p) => p.startsWith('@opentelemetry/'))).toEqual([]);
    } finally {
      await server.stop();
    }
  });

  it('should load OpenTelemetry when it streams to an OTLP collector', async () => {
    const receiver = await otlpReceiver(join(tempDir('receipts-otlp-'), 'received.ndjson'));
    await receiver.start();
    const { server, loaded } = await packagesOf({ RECEIPTS_STREAMS: `otlp+${receiver.url}` });
    try {
      expect((await ingest(server, signIn('u-1', 's-1'))).status).toBe(202);
      await until('the collector has the event', () => receiver.accepted > 0);
      expect(loaded()).toContain('@opentelemetry/otlp-transformer');
    } finally {
      await server.stop();
      await receiver.stop();
    }
  });
});
