// Real-browser test support: Debian's Chromium through playwright-core, a host application on another
// origin that embeds <activity-log> the way a real host does, and small helpers around both.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { HostSessionStatus } from '../../shared/api.js';
import { mintToken, startServer, type TestServer } from '../support/server.js';

export type Scheme = 'light' | 'dark';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** One browser per test file, a fresh context (cookies, storage, colour scheme) per page. */
export class Pages {
  #browser: Browser | undefined;
  #contexts: BrowserContext[] = [];

  async launch(): Promise<void> {
    this.#browser = await launchBrowser();
  }

  async open(
    url: string,
    opts: { colorScheme?: Scheme; acceptDownloads?: boolean; before?: (page: Page) => void } = {},
  ): Promise<Page> {
    if (!this.#browser) throw new Error('launch() first');
    const context = await this.#browser.newContext({
      colorScheme: opts.colorScheme ?? 'light',
      viewport: { width: 960, height: 900 },
      locale: 'en-US',
      timezoneId: 'UTC',
      acceptDownloads: opts.acceptDownloads ?? false,
      reducedMotion: 'reduce',
    });
    this.#contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    opts.before?.(page);
    await page.goto(url);
    return page;
  }

  /** Closes this test's contexts; call from afterEach. */
  async reset(): Promise<void> {
    const contexts = this.#contexts;
    this.#contexts = [];
    await Promise.all(contexts.map((c) => c.close()));
  }

  async close(): Promise<void> {
    await this.reset();
    await this.#browser?.close();
  }
}

/** What a host page embeds: whose token, which view, which mode. */
export interface EmbedOptions {
  /** The `sub` of the tokens the host's token endpoint mints. */
  user: string;
  /** The host's own session id for this browser (the token's `sid`). */
  sid?: string;
  scope?: 'user' | 'support';
  mode?: 'support';
  /** `user-id` in support mode. */
  target?: string;
  view?: 'activity' | 'sessions' | 'devices' | 'privacy';
  /** `expired`: put an expired token in the `token` attribute, so the first request gets a 401. */
  initial?: 'expired';
}

/**
 * A host application on its own origin: `/page?…` renders an account page with <activity-log> whose
 * `tokenProvider` asks `/token?…`, which mints a widget token with the Receipts server's secret.
 */
export interface Host {
  origin: string;
  /** The Receipts server whose widget and API the pages use, and whose secret mints the tokens. */
  receipts: TestServer | undefined;
  url(opts: EmbedOptions): string;
  close(): Promise<void>;
}

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
  );

function parseEmbed(q: URLSearchParams): EmbedOptions {
  const scope = q.get('scope') === 'support' ? 'support' : 'user';
  const view = q.get('view');
  return {
    user: q.get('user') ?? '',
    ...(q.get('sid') ? { sid: q.get('sid')! } : {}),
    scope,
    ...(q.get('mode') === 'support' ? { mode: 'support' as const } : {}),
    ...(q.get('target') ? { target: q.get('target')! } : {}),
    ...(view === 'activity' || view === 'sessions' || view === 'devices' || view === 'privacy'
      ? { view }
      : {}),
    ...(q.get('initial') === 'expired' ? { initial: 'expired' as const } : {}),
  };
}

function embedQuery(opts: EmbedOptions): string {
  const q = new URLSearchParams({ user: opts.user });
  if (opts.sid) q.set('sid', opts.sid);
  if (opts.scope) q.set('scope', opts.scope);
  if (opts.mode) q.set('mode', opts.mode);
  if (opts.target) q.set('target', opts.target);
  if (opts.view) q.set('view', opts.view);
  if (opts.initial) q.set('initial', opts.initial);
  return q.toString();
}

async function renderPage(receipts: TestServer, opts: EmbedOptions): Promise<string> {
  const tokenQuery = new URLSearchParams({ user: opts.user, scope: opts.scope ?? 'user' });
  if (opts.sid) tokenQuery.set('sid', opts.sid);
  const attrs: string[] = [`api="${escapeHtml(receipts.url)}"`];
  if (opts.mode) attrs.push(`mode="${opts.mode}"`);
  if (opts.target) attrs.push(`user-id="${escapeHtml(opts.target)}"`);
  if (opts.view) attrs.push(`view="${opts.view}"`);
  if (opts.initial === 'expired') {
    const expired = await mintToken(receipts, {
      userId: opts.user,
      ...(opts.sid ? { sessionId: opts.sid } : {}),
      ttlSeconds: -600,
    });
    attrs.push(`token="${expired}"`);
  }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Security · Host app</title>
<style>
  body { margin: 0; font: 16px/1.5 system-ui, sans-serif; background: Canvas; color: CanvasText; }
  main { max-width: 52rem; margin: 0 auto; padding: 1.5rem; }
</style>
<script type="module" src="${escapeHtml(receipts.url)}/widget/activity-log.js"></script>
</head>
<body>
<main>
<h1>Account security</h1>
<activity-log ${attrs.join(' ')}></activity-log>
</main>
<script>
  window.__events = [];
  window.__providerCalls = 0;
  const el = document.querySelector('activity-log');
  el.tokenProvider = async () => {
    window.__providerCalls++;
    const res = await fetch('/token?${tokenQuery.toString()}', { method: 'POST' });
    return (await res.json()).token;
  };
  for (const type of ['session-revoked', 'erasure-requested', 'activity-error']) {
    el.addEventListener(type, (event) => window.__events.push({ type, detail: event.detail }));
  }
</script>
</body>
</html>
`;
}

export async function startHost(): Promise<Host> {
  const host: Host = {
    origin: '',
    receipts: undefined,
    url: (opts) => `${host.origin}/page?${embedQuery(opts)}`,
    // Idle keep-alive connections from Chromium would hold close() open until they time out.
    close: () =>
      new Promise((res) => {
        server.close(() => res());
        server.closeAllConnections();
      }),
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', host.origin);
    const receipts = host.receipts;
    const fail = (error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    };
    if (!receipts) {
      res.writeHead(503).end('no receipts server yet');
      return;
    }
    if (url.pathname === '/page') {
      renderPage(receipts, parseEmbed(url.searchParams)).then(
        (html) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html),
        fail,
      );
    } else if (url.pathname === '/token') {
      const opts = parseEmbed(url.searchParams);
      mintToken(receipts, {
        userId: opts.user,
        scope: opts.scope ?? 'user',
        ...(opts.sid ? { sessionId: opts.sid } : {}),
      }).then(
        (token) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token })),
        fail,
      );
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  host.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return host;
}

/** A host page server, and a Receipts server that allows exactly that host's origin. */
export async function startStack(
  env: Record<string, string> = {},
): Promise<{ host: Host; server: TestServer; stop(): Promise<void> }> {
  const host = await startHost();
  const server = await startServer({ env: { RECEIPTS_ALLOWED_ORIGINS: host.origin, ...env } });
  host.receipts = server;
  return {
    host,
    server,
    stop: async () => {
      await Promise.all([host.close(), server.stop()]);
    },
  };
}

export function uid(prefix = 'usr'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** `GET /v1/sessions/:host_session_id` as the host's backend calls it, with the ingest key. */
export async function hostSessionStatus(server: TestServer, sid: string): Promise<HostSessionStatus> {
  const res = await fetch(`${server.url}/v1/sessions/${encodeURIComponent(sid)}`, {
    headers: { authorization: `Bearer ${server.ingestKey}` },
  });
  if (!res.ok) throw new Error(`GET /v1/sessions/${sid}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as HostSessionStatus;
}

export const UA = {
  macChrome:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  winFirefox: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  iphoneSafari:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  linuxFirefox: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  winEdge:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  androidChrome:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
} as const;

/** An ISO timestamp `minutes` ago. */
export function ago(minutes: number): string {
  return new Date(Date.now() - minutes * 60_000).toISOString();
}

/** The component on a page. Playwright's CSS and role locators pierce its (open) shadow root. */
export function widget(page: Page): Locator {
  return page.locator('activity-log');
}

/** Waits until the component shows no loading placeholder. */
export async function settled(page: Page): Promise<void> {
  await widget(page).locator('[part~="tab"]').first().waitFor();
  await page.waitForFunction(() => {
    const root = document.querySelector('activity-log')?.shadowRoot;
    return Boolean(
      root && !root.querySelector('[part~="skeleton"]') && root.querySelector('[part~="panel"]'),
    );
  });
}

export interface PageEvent {
  type: string;
  detail: unknown;
}

/** What the host page's listeners caught from the component. */
export function hostEvents(page: Page): Promise<PageEvent[]> {
  return page.evaluate(() => (window as unknown as { __events: PageEvent[] }).__events);
}

/** Where keyboard focus is inside the component: the focused element's id, part and accessible label. */
export function focused(page: Page): Promise<{ inDialog: boolean; id: string; part: string; label: string }> {
  return page.evaluate(() => {
    const root = document.querySelector('activity-log')?.shadowRoot;
    const el = root?.activeElement;
    if (!el || document.activeElement?.tagName.toLowerCase() !== 'activity-log') {
      return { inDialog: false, id: '', part: '', label: '' };
    }
    return {
      inDialog: Boolean(el.closest('dialog')),
      id: el.id,
      part: el.getAttribute('part') ?? '',
      label: el.getAttribute('aria-label') ?? el.textContent?.trim() ?? '',
    };
  });
}

/** The text as rendered, what a sighted user reads (hidden text left out), unlike `textContent`. */
export function shown(locator: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point here.
  return locator.innerText();
}

/** One server, one host page server and one browser for a test file, with the hooks that start and stop them. */
export function useStack(env: Record<string, string> = {}): { host: Host; server: TestServer; pages: Pages } {
  const pages = new Pages();
  const stack = { pages } as { host: Host; server: TestServer; pages: Pages };
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const started = await startStack(env);
    stack.host = started.host;
    stack.server = started.server;
    stop = started.stop;
    await pages.launch();
  });
  afterEach(() => pages.reset());
  afterAll(async () => {
    await pages.close();
    await stop?.();
  });
  return stack;
}
