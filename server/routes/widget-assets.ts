// Serves the built component from dist/widget: precompressed (br, gzip) as the client accepts, the entry
// at an immutable versioned path, and `/widget/activity-log.js` as a small pointer to that path. A page
// thus holds one build: the versioned entry's lazy chunks resolve beside it, and an upgrade changes the
// path instead of mixing old and new files under one name.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { errorSchema } from '../../shared/schemas/responses.js';
import { describeRoute, type RouteDoc } from '../http/describe-route.js';

/** What the route answers, for `/openapi.json`. */
const DOCS = {
  file: {
    summary: 'The <activity-log> component: activity-log.js (a pointer) and v/<version>/…, br or gzip',
    responses: {
      200: { description: 'A JavaScript module', mediaType: 'text/javascript' },
      304: { description: 'Not modified', mediaType: 'text/javascript' },
      404: errorSchema,
    },
  },
} satisfies Record<string, RouteDoc>;

const WIDGET_DIR = fileURLToPath(new URL('../../widget', import.meta.url)); // dist/widget from dist/server/routes
export const ENTRY = 'activity-log.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';
// The pointer is what a new release changes: caches pick up a new version within five minutes.
const POINTER = 'public, max-age=300, stale-while-revalidate=3600';
// Files whose names do not change with their content.
const REVALIDATE = 'public, max-age=86400, stale-while-revalidate=604800';

type Encoding = 'br' | 'gzip' | 'identity';

interface Asset {
  type: string;
  /** The bytes per encoding; `identity` always present. */
  bodies: Partial<Record<Encoding, Buffer>> & { identity: Buffer };
  etag: string;
  cache: string;
}

const typeOf = (name: string) =>
  name.endsWith('.js')
    ? 'text/javascript; charset=utf-8'
    : name.endsWith('.css')
      ? 'text/css'
      : 'application/json';

/** A built file is immutable when its name carries a content hash (`activity-log.de-BHhP5UDX.js`). */
const isHashed = (name: string) => /-[A-Za-z0-9_-]{8,}\.(js|css)$/.test(name);

function precompressed(dir: string, name: string, body: Buffer): Asset['bodies'] {
  const bodies: Asset['bodies'] = { identity: body };
  if (!/\.(js|css|json|map)$/.test(name)) return bodies;
  const read = (suffix: string) => {
    const path = join(dir, `${name}${suffix}`);
    return existsSync(path) ? readFileSync(path) : null;
  };
  // Built by vite.config.ts; compressed here only when a build left them out.
  bodies.br = read('.br') ?? brotliCompressSync(body);
  bodies.gzip = read('.gz') ?? gzipSync(body, { level: 9 });
  return bodies;
}

function asset(name: string, bodies: Asset['bodies'], cache: string): Asset {
  const etag = createHash('sha256').update(bodies.identity).digest('base64url').slice(0, 22);
  return { type: typeOf(name), bodies, etag, cache };
}

export interface WidgetFiles {
  /** The content hash in `/widget/v/<version>/activity-log.js`, or null when there is no build. */
  version: string | null;
  assets: Map<string, Asset>;
}

export function loadWidget(dir: string): WidgetFiles {
  const assets = new Map<string, Asset>();
  if (!existsSync(dir)) return { version: null, assets };
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    if (!/\.(js|json|map|css)$/.test(name)) continue;
    files.set(name.replace(/\\/g, '/'), readFileSync(join(dir, name)));
  }
  const entry = files.get(ENTRY);
  // The entry names its chunks by their hashes, so its own hash covers the whole build.
  const version = entry ? createHash('sha256').update(entry).digest('hex').slice(0, 16) : null;
  for (const [name, body] of files) {
    if (name === ENTRY) continue;
    const bodies = precompressed(dir, name, body);
    assets.set(name, asset(name, bodies, isHashed(name) ? IMMUTABLE : REVALIDATE));
    if (version && name.endsWith('.js')) assets.set(`v/${version}/${name}`, asset(name, bodies, IMMUTABLE));
  }
  if (entry && version) {
    assets.set(`v/${version}/${ENTRY}`, asset(ENTRY, precompressed(dir, ENTRY, entry), IMMUTABLE));
    const pointer = Buffer.from(
      `// Receipts <activity-log>: this build is at ./v/${version}/ (cache that URL for good).\n` +
        `export * from './v/${version}/${ENTRY}';\n`,
    );
    // Compressed too, as the contract has it for this path (it is small either way).
    const bodies = {
      identity: pointer,
      br: brotliCompressSync(pointer),
      gzip: gzipSync(pointer, { level: 9 }),
    };
    assets.set(ENTRY, asset(ENTRY, bodies, POINTER));
  }
  return { version, assets };
}

/** The encoding to send: br, then gzip, when `Accept-Encoding` allows it (q > 0), else identity. */
export function chooseEncoding(accept: string | undefined, offered: readonly Encoding[]): Encoding {
  const q = new Map<string, number>();
  for (const part of (accept ?? '').split(',')) {
    const [token, ...params] = part.trim().toLowerCase().split(';');
    if (!token) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(token, Number.isFinite(value) ? value : 0);
  }
  const wildcard = q.get('*');
  for (const encoding of ['br', 'gzip'] as const) {
    if (!offered.includes(encoding)) continue;
    if ((q.get(encoding) ?? wildcard ?? 0) > 0) return encoding;
  }
  return 'identity';
}

export function widgetRoutes(dir = WIDGET_DIR) {
  const { assets } = loadWidget(dir);
  const app = new Hono();
  app.get('/*', describeRoute(DOCS.file), (c) => {
    const name = c.req.path.replace(/^\/widget\//, '');
    const file = assets.get(name);
    if (!file) return c.json({ error: { code: 'not_found', message: 'No such widget file.' } }, 404);
    const offered = Object.keys(file.bodies) as Encoding[];
    const encoding = chooseEncoding(c.req.header('accept-encoding'), offered);
    // Each encoding is its own representation, so it has its own ETag.
    const etag = `"${file.etag}${encoding === 'identity' ? '' : `-${encoding}`}"`;
    const headers: Record<string, string> = {
      'content-type': file.type,
      etag,
      'cache-control': file.cache,
      'access-control-allow-origin': '*',
      'cross-origin-resource-policy': 'cross-origin',
    };
    if (offered.length > 1) headers.vary = 'Accept-Encoding';
    if (encoding !== 'identity') headers['content-encoding'] = encoding;
    const match = c.req.header('if-none-match');
    if (match?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
      return c.body(null, 304, headers);
    }
    return c.body(new Uint8Array(file.bodies[encoding] ?? file.bodies.identity), 200, headers);
  });
  return app;
}
