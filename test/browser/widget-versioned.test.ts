// The versioned entry in real Chromium: a host page pins /widget/v/<version>/activity-log.js, and every
// lazy chunk (a locale, the Privacy view) comes from beside it, compressed — never from another build.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Response as PwResponse } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ingest, mintToken, signIn, startServer, type TestServer } from '../support/server.js';
import { Pages, settled, shown, uid, widget } from './support.js';

let server: TestServer;
let host: Server;
let hostOrigin = '';
let version = '';
const pages = new Pages();
const user = uid('usr');
const sid = uid('s');

/** A host page that loads the entry by the given path. */
function page(entryPath: string, attrs: string): string {
  return `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Host</title>
<script type="module" src="${server.url}${entryPath}"></script></head>
<body><activity-log api="${server.url}" ${attrs}></activity-log>
<script>document.querySelector('activity-log').tokenProvider = () =>
  fetch('/token', { method: 'POST' }).then((r) => r.json()).then((b) => b.token);</script></body></html>`;
}

beforeAll(async () => {
  host = createServer((req, res) => {
    const url = new URL(req.url ?? '/', hostOrigin);
    if (url.pathname === '/token') {
      void mintToken(server, { userId: user, sessionId: sid }).then((token) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token })),
      );
      return;
    }
    const entry = url.searchParams.get('entry') ?? '/widget/activity-log.js';
    const attrs = url.searchParams.get('attrs') ?? '';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(entry, attrs));
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
  server = await startServer({ env: { RECEIPTS_ALLOWED_ORIGINS: hostOrigin } });
  expect((await ingest(server, signIn(user, sid))).status).toBe(202);
  const pointer = await (await fetch(`${server.url}/widget/activity-log.js`)).text();
  version = /\.\/v\/([0-9a-f]{16})\//.exec(pointer)?.[1] ?? '';
  expect(version).not.toBe('');
  await pages.launch();
});

afterEach(() => pages.reset());

afterAll(async () => {
  await pages.close();
  // Idle keep-alive connections from Chromium would hold close() open until they time out.
  await new Promise<void>((resolve) => {
    if (!host) return resolve();
    host.close(() => resolve());
    host.closeAllConnections();
  });
  await server?.stop();
});

/** Opens a host page and records every widget file Chromium fetched. */
async function open(entry: string, attrs: string) {
  const files: PwResponse[] = [];
  const q = new URLSearchParams({ entry, attrs });
  const p = await pages.open(`${hostOrigin}/?${q}`, {
    before: (pg) =>
      pg.on('response', (res) => {
        if (res.url().startsWith(`${server.url}/widget/`)) files.push(res);
      }),
  });
  return { page: p, files };
}

describe('<activity-log> from its versioned path', () => {
  it('loads, and its German messages come from the same version, brotli-compressed', async () => {
    const { page, files } = await open(`/widget/v/${version}/activity-log.js`, 'locale="de"');
    await settled(page);
    expect(await shown(widget(page).locator('[part~="tab"]').first())).toContain('Aktivität');
    const paths = files.map((f) => new URL(f.url()).pathname);
    expect(paths.some((p) => /\/activity-log\.de-[\w-]+\.js$/.test(p))).toBe(true);
    for (const p of paths) expect(p.startsWith(`/widget/v/${version}/`), p).toBe(true);
    for (const f of files) {
      expect((await f.allHeaders())['content-encoding'], f.url()).toBe('br');
    }
  });

  it('loads its Privacy view chunk beside the entry too', async () => {
    const { page, files } = await open(`/widget/v/${version}/activity-log.js`, 'view="privacy"');
    await widget(page).locator('[part~="panel"]').first().waitFor();
    await page.waitForFunction(() =>
      Boolean(document.querySelector('activity-log')?.shadowRoot?.querySelector('[part~="panel"] button')),
    );
    const paths = files.map((f) => new URL(f.url()).pathname);
    expect(paths.some((p) => /\/activity-log\.privacy-view-[\w-]+\.js$/.test(p))).toBe(true);
    for (const p of paths) expect(p.startsWith(`/widget/v/${version}/`), p).toBe(true);
  });

  it('through the plain pointer path, defines the element once and loads chunks from the version', async () => {
    const { page, files } = await open('/widget/activity-log.js', 'locale="de"');
    await settled(page);
    expect(await shown(widget(page).locator('[part~="tab"]').first())).toContain('Aktivität');
    const paths = files.map((f) => new URL(f.url()).pathname);
    expect(paths[0]).toBe('/widget/activity-log.js');
    for (const p of paths.slice(1)) expect(p.startsWith(`/widget/v/${version}/`), p).toBe(true);
    expect(await page.evaluate(() => customElements.get('activity-log')?.name)).toBeTruthy();
  });
});
