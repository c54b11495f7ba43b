// Embedding in a host page on another origin, in real Chromium: an allowed origin gets the component working
// over CORS, an origin that is not allowed is refused, and a 401 makes the component ask tokenProvider.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ingest, mintToken, signIn, startServer, type TestServer } from '../support/server.js';
import { ago, type Host, hostEvents, Pages, settled, shown, startHost, UA, uid, widget } from './support.js';

let allowed: Host;
let stranger: Host;
let server: TestServer;
const pages = new Pages();
const user = uid('usr');
const sid = uid('s');

beforeAll(async () => {
  [allowed, stranger] = await Promise.all([startHost(), startHost()]);
  server = await startServer({ env: { RECEIPTS_ALLOWED_ORIGINS: allowed.origin } });
  allowed.receipts = server;
  stranger.receipts = server;
  const res = await ingest(server, {
    events: [
      signIn(user, sid, { user_agent: UA.winFirefox, ip_address: '198.51.100.90', timestamp: ago(15) }),
    ],
  });
  expect(res.status).toBe(202);
  await pages.launch();
});

afterEach(() => pages.reset());

afterAll(async () => {
  await pages.close();
  await Promise.all([allowed?.close(), stranger?.close(), server?.stop()]);
});

/** `fetch` of the user's activity from the page itself, as any script on that origin could try. */
function fetchFromPage(page: Page, url: string, token: string) {
  return page.evaluate(
    async ({ url, token }) => {
      try {
        const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
        return { ok: res.ok, status: res.status, error: '' };
      } catch (error) {
        return { ok: false, status: 0, error: String(error) };
      }
    },
    { url, token },
  );
}

describe('<activity-log> in a host page on another origin', () => {
  it('works from an allowed origin over CORS', async () => {
    expect(new URL(allowed.origin).port).not.toBe(new URL(server.url).port);
    const page = await pages.open(allowed.url({ user, sid }));
    await settled(page);
    const w = widget(page);
    const panel = await shown(w.locator('[part~="panel"]'));
    expect(panel).toContain('Signed in');
    expect(panel).toContain('Firefox on Windows PC');
    expect(panel).toContain('198.51.100.xxx');
    expect(await w.locator('[part~="error"]').count()).toBe(0);
    expect(
      await page.evaluate(() => (window as unknown as { __providerCalls: number }).__providerCalls),
    ).toBe(1);
    const token = await mintToken(server, { userId: user, sessionId: sid });
    expect(await fetchFromPage(page, `${server.url}/v1/me/activity`, token)).toMatchObject({
      ok: true,
      status: 200,
    });
  });

  it('is refused on an origin that is not allowed', async () => {
    const page = await pages.open(stranger.url({ user, sid }));
    // The script itself loads anywhere (it is public); the API refuses to share its answers.
    await widget(page).locator('[part~="tab"]').first().waitFor();
    const error = widget(page).locator('[part~="error"]');
    await error.waitFor();
    expect(await shown(error)).toContain('Can’t connect');
    expect(await widget(page).locator('[part~="activity-item"]').count()).toBe(0);
    const reported = (await hostEvents(page)).filter((e) => e.type === 'activity-error');
    expect(reported[0]?.detail).toMatchObject({ code: 'network' });

    const token = await mintToken(server, { userId: user, sessionId: sid });
    const direct = await fetchFromPage(page, `${server.url}/v1/me/activity`, token);
    expect(direct).toMatchObject({ ok: false, status: 0 });
    expect(direct.error).toMatch(/TypeError: Failed to fetch/);
    // What the browser saw: no Access-Control-Allow-Origin for this origin on the preflight.
    const preflight = await fetch(`${server.url}/v1/me/activity`, {
      method: 'OPTIONS',
      headers: {
        origin: stranger.origin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('asks tokenProvider for a fresh token on a 401 and retries', async () => {
    const statuses: number[] = [];
    const page = await pages.open(allowed.url({ user, sid, initial: 'expired' }), {
      before: (p) =>
        p.on('response', (res) => {
          if (res.url().startsWith(`${server.url}/v1/me/activity`) && res.request().method() === 'GET') {
            statuses.push(res.status());
          }
        }),
    });
    await settled(page);
    const w = widget(page);
    expect(await shown(w.locator('[part~="panel"]'))).toContain('Firefox on Windows PC');
    expect(await w.locator('[part~="error"]').count()).toBe(0);
    // The expired token was tried first, refused, and the request retried once with the provider's token;
    // later reads (the one when the live stream opens) use the fresh token too.
    expect(statuses.slice(0, 2)).toEqual([401, 200]);
    expect(statuses.slice(2).every((s) => s === 200)).toBe(true);
    expect(
      await page.evaluate(() => (window as unknown as { __providerCalls: number }).__providerCalls),
    ).toBe(1);
    expect((await hostEvents(page)).filter((e) => e.type === 'activity-error')).toEqual([]);
  });
});
