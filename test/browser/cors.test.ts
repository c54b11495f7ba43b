// A page whose origin is not allowed, in real Chromium: the developer console says why the component
// cannot connect and how to fix it, and the server logs the refused origin once, not per request.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ingest, signIn, startServer, type TestServer } from '../support/server.js';
import { until } from '../support/webhook-receiver.js';
import { type Host, hostEvents, Pages, startHost, uid, widget } from './support.js';

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
  expect((await ingest(server, signIn(user, sid))).status).toBe(202);
  await pages.launch();
});

afterEach(() => pages.reset());

afterAll(async () => {
  await pages.close();
  await Promise.all([allowed?.close(), stranger?.close(), server?.stop()]);
});

/** The server's log lines about refused origins. */
function refusals(): { origin?: string; message?: string; level?: string }[] {
  return server
    .output()
    .split('\n')
    .filter((line) => line.includes('"cors_origin_refused"'))
    .map((line) => JSON.parse(line) as { origin?: string; message?: string; level?: string });
}

describe('a page on an origin that is not allowed', () => {
  it('is told in the console that it is not allowed to reach Receipts, and how to fix it', async () => {
    const errors: string[] = [];
    const page = await pages.open(stranger.url({ user, sid }), {
      before: (p) =>
        p.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        }),
    });
    await widget(page).locator('[part~="error"]').waitFor();
    const hint = await until('the console hint', () =>
      errors.find((e) => e.includes('this page is not allowed to reach Receipts')),
    );
    expect(hint).toContain(new URL(server.url).origin);
    expect(hint).toContain(`Add ${stranger.origin} to RECEIPTS_ALLOWED_ORIGINS`);
    // Said once, however many requests failed.
    expect(errors.filter((e) => e.includes('not allowed to reach Receipts'))).toHaveLength(1);
    const reported = (await hostEvents(page)).filter((e) => e.type === 'activity-error');
    expect(reported[0]?.detail).toMatchObject({
      code: 'network',
      message: expect.stringContaining('RECEIPTS_ALLOWED_ORIGINS'),
    });
  });

  it('is logged by the server once per origin, naming it and RECEIPTS_ALLOWED_ORIGINS', async () => {
    // A second visit: more refused requests from the same origin.
    const page = await pages.open(stranger.url({ user, sid }));
    await widget(page).locator('[part~="error"]').waitFor();
    const mine = await until('the refusal in the log', () => {
      const found = refusals().filter((r) => r.origin === stranger.origin);
      return found.length > 0 && found;
    });
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ level: 'WARNING' });
    expect(mine[0]?.message).toContain(stranger.origin);
    expect(mine[0]?.message).toContain('RECEIPTS_ALLOWED_ORIGINS');
  });

  it('same-origin requests and requests without an Origin are not reported', async () => {
    const own = new URL(server.url).origin;
    const preflight = (origin?: string) =>
      fetch(`${server.url}/v1/me/activity`, {
        method: 'OPTIONS',
        headers: { ...(origin ? { origin } : {}), 'access-control-request-method': 'GET' },
      });
    await preflight(own);
    await preflight();
    // A refused origin sent afterwards marks the point by which the others would have been logged.
    await preflight('https://marker.example');
    await until('the marker in the log', () => refusals().some((r) => r.origin === 'https://marker.example'));
    expect(refusals().filter((r) => r.origin === own || r.origin === '')).toEqual([]);
  });

  it('an allowed page is neither refused nor logged', async () => {
    const errors: string[] = [];
    const page = await pages.open(allowed.url({ user, sid }), {
      before: (p) =>
        p.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        }),
    });
    await widget(page).locator('[part~="activity-item"]').first().waitFor();
    expect(errors.filter((e) => e.includes('Receipts'))).toEqual([]);
    expect(refusals().filter((r) => r.origin === allowed.origin)).toEqual([]);
  });
});
