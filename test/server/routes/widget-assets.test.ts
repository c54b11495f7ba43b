// The component as browsers get it: compressed as they accept, the entry at an immutable versioned path,
// and the plain path a short-cached pointer to it. Raw node:http, so nothing decodes behind the test.
import { readdirSync, readFileSync } from 'node:fs';
import { get, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startServer, type TestServer } from '../../support/server.js';

const DIST = join(ROOT, 'dist/widget');
const built = (name: string) => readFileSync(join(DIST, name));

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function raw(url: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    }).on('error', reject);
  });
}

let server: TestServer;
let version: string;

beforeAll(async () => {
  server = await startServer();
  const pointer = await raw(`${server.url}/widget/activity-log.js`);
  version = /\.\/v\/([0-9a-f]{16})\/activity-log\.js/.exec(pointer.body.toString())?.[1] ?? '';
});

afterAll(async () => {
  await server?.stop();
});

describe('GET /widget/activity-log.js', () => {
  it('is a small, short-cached module that re-exports the versioned entry', async () => {
    const res = await raw(`${server.url}/widget/activity-log.js`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/javascript/);
    expect(res.body.length).toBeLessThan(300);
    expect(res.body.toString()).toContain(`export * from './v/${version}/activity-log.js';`);
    const br = await raw(`${server.url}/widget/activity-log.js`, { 'accept-encoding': 'br, gzip' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('Accept-Encoding');
    expect(brotliDecompressSync(br.body).equals(res.body)).toBe(true);
    expect(res.headers['cache-control']).toMatch(/^public, max-age=300\b/);
    expect(res.headers['cache-control']).not.toContain('immutable');
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });
});

describe('GET /widget/v/<version>/activity-log.js', () => {
  const entry = () => `${server.url}/widget/v/${version}/activity-log.js`;

  it('is the built entry, cached for a year as immutable', async () => {
    expect(version).toMatch(/^[0-9a-f]{16}$/);
    const res = await raw(entry());
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.equals(built('activity-log.js'))).toBe(true);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers.vary).toBe('Accept-Encoding');
  });

  it.each([
    ['br', 'br', brotliDecompressSync],
    ['gzip, deflate, br', 'br', brotliDecompressSync],
    ['gzip', 'gzip', gunzipSync],
    ['br;q=0, gzip;q=0.8', 'gzip', gunzipSync],
    ['*', 'br', brotliDecompressSync],
  ])(
    'with Accept-Encoding "%s" comes as %s and decodes to the same bytes',
    async (accept, encoding, decode) => {
      const res = await raw(entry(), { 'accept-encoding': accept });
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBe(encoding);
      expect(res.headers.vary).toBe('Accept-Encoding');
      expect(decode(res.body).equals(built('activity-log.js'))).toBe(true);
      expect(res.body.length).toBeLessThan(built('activity-log.js').length / 2);
    },
  );

  it('comes uncompressed when nothing is acceptable but identity', async () => {
    for (const accept of ['identity', 'br;q=0, gzip;q=0', 'compress']) {
      const res = await raw(entry(), { 'accept-encoding': accept });
      expect(res.headers['content-encoding'], accept).toBeUndefined();
      expect(res.body.equals(built('activity-log.js'))).toBe(true);
    }
  });

  it('was compressed at build time: brotli under 18 KB, the files beside the build', async () => {
    const res = await raw(entry(), { 'accept-encoding': 'br' });
    expect(res.body.equals(built('activity-log.js.br'))).toBe(true);
    expect(res.body.length).toBeLessThan(18_000);
    const gz = await raw(entry(), { 'accept-encoding': 'gzip' });
    expect(gz.body.equals(built('activity-log.js.gz'))).toBe(true);
  });

  it('revalidates per encoding: a matching ETag is 304, another encoding’s ETag is not', async () => {
    const br = await raw(entry(), { 'accept-encoding': 'br' });
    const plain = await raw(entry());
    expect(br.headers.etag).not.toBe(plain.headers.etag);
    const again = await raw(entry(), { 'accept-encoding': 'br', 'if-none-match': br.headers.etag! });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const other = await raw(entry(), { 'accept-encoding': 'br', 'if-none-match': plain.headers.etag! });
    expect(other.status).toBe(200);
  });

  it('serves every lazy chunk beside it, immutable and compressed', async () => {
    const chunks = readdirSync(DIST).filter((n) => n.endsWith('.js') && n !== 'activity-log.js');
    expect(chunks.some((n) => n.startsWith('activity-log.de-'))).toBe(true);
    for (const name of chunks) {
      const res = await raw(`${server.url}/widget/v/${version}/${name}`, { 'accept-encoding': 'gzip' });
      expect(res.status, name).toBe(200);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(gunzipSync(res.body).equals(built(name))).toBe(true);
    }
  });

  it('is 404 under any other version', async () => {
    expect((await raw(`${server.url}/widget/v/0000000000000000/activity-log.js`)).status).toBe(404);
  });
});
