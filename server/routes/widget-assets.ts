// Serves the built component from dist/widget with an ETag and long-lived caching.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';

const WIDGET_DIR = fileURLToPath(new URL('../../widget', import.meta.url)); // dist/widget from dist/server/routes

interface Asset {
  body: Buffer;
  etag: string;
  type: string;
}

function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(dir)) return assets;
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    if (!/\.(js|json|map|css)$/.test(name)) continue;
    const body = readFileSync(join(dir, name));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    const type = name.endsWith('.js')
      ? 'text/javascript; charset=utf-8'
      : name.endsWith('.css')
        ? 'text/css'
        : 'application/json';
    assets.set(name.replace(/\\/g, '/'), { body, etag, type });
  }
  return assets;
}

export function widgetRoutes(dir = WIDGET_DIR) {
  const assets = loadAssets(dir);
  const app = new Hono();
  app.get('/*', (c) => {
    const name = c.req.path.replace(/^\/widget\//, '');
    const asset = assets.get(name);
    if (!asset) return c.json({ error: { code: 'not_found', message: 'No such widget file.' } }, 404);
    const headers = {
      'content-type': asset.type,
      etag: asset.etag,
      // The file name is stable, so revalidate daily; the ETag makes revalidation cheap.
      'cache-control': 'public, max-age=86400, stale-while-revalidate=604800',
      'access-control-allow-origin': '*',
      'cross-origin-resource-policy': 'cross-origin',
    };
    if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304, headers);
    return c.body(new Uint8Array(asset.body), 200, headers);
  });
  return app;
}
