// A demo that is safe to run: it listens on this machine only unless HOST says otherwise, its token route
// answers loopback peers only, and the tokens it mints reach the demo user and nobody else.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startServer, type TestServer, tempDir } from '../../support/server.js';

const DEMO_USER = 'usr_demo_alex';
const OTHER = 'usr_not_in_the_demo';

/** A non-loopback address of this machine, or null when it has none. */
function outsideAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (!a.internal && a.family === 'IPv4') return a.address;
    }
  }
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (!a.internal && a.family === 'IPv6' && !a.address.startsWith('fe80')) return `[${a.address}]`;
    }
  }
  return null;
}

const OUTSIDE = outsideAddress();
if (!OUTSIDE)
  console.warn('demo.test: this machine has no non-loopback address; the network checks are skipped');

function demoEnv(dir: string, host?: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    PORT: '0',
    RECEIPTS_DB: join(dir, 'receipts.db'),
    ...(host ? { HOST: host } : {}),
  };
}

/** A request that reports a refused connection as `null` instead of throwing. */
function tryPost(url: string, headers: Record<string, string> = {}): Promise<number | null> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', headers, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? null));
    });
    req.on('error', () => resolve(null));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

const port = (server: TestServer) => new URL(server.url).port;

describe('demo mode without HOST', () => {
  let server: TestServer;
  beforeAll(async () => {
    const dir = tempDir();
    server = await startServer({ dir, reuseEnv: demoEnv(dir) });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('should answer on 127.0.0.1', async () => {
    expect(await tryPost(`${server.url}/demo/token`)).toBe(200);
  });

  it.skipIf(!OUTSIDE)('should not be reachable on a non-loopback address of this machine', async () => {
    expect(await tryPost(`http://${OUTSIDE}:${port(server)}/demo/token`)).toBeNull();
  });
});

describe('demo mode listening on every interface (HOST=0.0.0.0)', () => {
  let server: TestServer;
  let ingestKey: string;

  beforeAll(async () => {
    const dir = tempDir();
    server = await startServer({ dir, reuseEnv: demoEnv(dir, '0.0.0.0') });
    ingestKey = (JSON.parse(readFileSync(join(dir, 'dev-secrets.json'), 'utf8')) as { ingestKey: string })
      .ingestKey;
    const res = await fetch(`${server.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ingestKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(signIn(OTHER, 'other-laptop')),
    });
    expect(res.status).toBe(202);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.skipIf(!OUTSIDE)(
    'should refuse the token route to a peer that is not this machine, whatever its headers say',
    async () => {
      const outside = `http://${OUTSIDE}:${port(server)}`;
      expect(await tryPost(`${outside}/demo/token`)).toBe(403);
      expect(await tryPost(`${outside}/demo/token?scope=support`)).toBe(403);
      expect(await tryPost(`${outside}/demo/token`, { 'x-forwarded-for': '127.0.0.1' })).toBe(403);
      expect(await tryPost(`${outside}/demo/simulate-signin`)).toBe(403);
    },
  );

  it('should mint no token for any user but the demo user', async () => {
    for (const q of [`user=${OTHER}`, `scope=support&user=${OTHER}`, 'scope=admin']) {
      const res = await fetch(`${server.url}/demo/token?${q}`, { method: 'POST' });
      expect(res.status, q).toBeGreaterThanOrEqual(400);
      expect(res.status, q).toBeLessThan(500);
    }
  });

  it("should give the support console a token that reads the demo user and cannot touch anyone else's sessions", async () => {
    const { token } = (await (
      await fetch(`${server.url}/demo/token?scope=support`, { method: 'POST' })
    ).json()) as {
      token: string;
    };
    const support = (user: string, path: string, method = 'GET') =>
      fetch(`${server.url}/v1/support/users/${user}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'x-support-reason': 'TICKET-1' },
      });
    const demo = await support(DEMO_USER, '/sessions');
    expect(demo.status).toBe(200);
    expect(((await demo.json()) as { items: unknown[] }).items.length).toBeGreaterThan(0);

    const theirs = await support(OTHER, '/sessions');
    expect(theirs.status).toBe(404);
    expect(await theirs.text()).not.toContain('other-laptop');
    expect((await support(OTHER, '/sessions/revoke-others', 'POST')).status).toBe(404);
    expect((await support(OTHER, '/activity')).status).toBe(404);

    // The other user's session is still active, seen through the host API.
    const status = await fetch(`${server.url}/v1/sessions/other-laptop`, {
      headers: { authorization: `Bearer ${ingestKey}` },
    });
    expect(((await status.json()) as { status: string }).status).toBe('active');
  });

  it('should serve a support console that looks up only the demo user', async () => {
    const page = await (await fetch(`${server.url}/support`)).text();
    expect(page).toContain(`el.setAttribute('user-id', "${DEMO_USER}")`);
    expect(page).toMatch(/<input id="user"[^>]*readonly/);
  });
});
