// The edges of a real service: CORS, rate limits, the caller's IP behind a proxy, security headers, errors
// without internals, the OpenAPI document, health and metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, ingest, mintToken, signIn, startServer, type TestServer } from '../../support/server.js';
import { buildApp, eventsOfType, json, metadataOf, registeredRoutes } from './helpers.js';

const ALLOWED = 'http://allowed.example';
const EVIL = 'http://evil.example';
const SECOND_KEY = `test_ik_second_${Date.now()}`;

/** Behind a proxy, with tight limits and one allowed origin. */
let edge: TestServer;
/** Defaults: no proxy trusted, no origin allowed, a small body limit. */
let plain: TestServer;
/** Responses collected across the file, for the header checks. */
const seen: { label: string; res: Response }[] = [];
const keep = (label: string, res: Response) => {
  seen.push({ label, res });
  return res;
};

beforeAll(async () => {
  [edge, plain] = await Promise.all([
    startServer({
      env: {
        RECEIPTS_ALLOWED_ORIGINS: ALLOWED,
        RECEIPTS_RATE_LIMIT_USER: '5',
        RECEIPTS_RATE_LIMIT_INGEST: '3',
        RECEIPTS_TRUST_PROXY: '127.0.0.1',
        RECEIPTS_INGEST_KEYS: `test_ik_first_${Date.now()},${SECOND_KEY}`,
      },
    }),
    startServer({ env: { RECEIPTS_BODY_LIMIT: '2048' } }),
  ]);
});

afterAll(async () => {
  await Promise.all([edge?.stop(), plain?.stop()]);
});

describe('CORS', () => {
  it('a preflight from an allowed origin is answered for it', async () => {
    const res = keep(
      'preflight',
      await fetch(`${edge.url}/v1/me/activity`, {
        method: 'OPTIONS',
        headers: {
          origin: ALLOWED,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      }),
    );
    expect(res.status).toBeLessThan(300);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(res.headers.get('access-control-allow-methods')).toContain('DELETE');
  });

  it('a GET from an allowed origin carries the header; from another origin it does not', async () => {
    const token = await mintToken(edge, { userId: 'usr_cors' });
    const allowed = keep(
      'cors get',
      await asUser(edge, token, '/v1/me/sessions', { headers: { origin: ALLOWED } }),
    );
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    const evil = await asUser(edge, token, '/v1/me/sessions', { headers: { origin: EVIL } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const evilPreflight = await fetch(`${edge.url}/v1/me/sessions`, {
      method: 'OPTIONS',
      headers: { origin: EVIL, 'access-control-request-method': 'GET' },
    });
    expect(evilPreflight.headers.get('access-control-allow-origin')).toBeNull();
    // With no origin configured, none is allowed.
    const none = await fetch(`${plain.url}/v1/me/sessions`, {
      method: 'OPTIONS',
      headers: { origin: ALLOWED, 'access-control-request-method': 'GET' },
    });
    expect(none.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('rate limits', () => {
  it('per user: the 6th request in a minute is 429 with Retry-After, recorded once', async () => {
    const token = await mintToken(edge, { userId: 'usr_limited' });
    const before = (await eventsOfType(edge, 'rate_limit_exceeded')).length;
    for (let n = 1; n <= 5; n++)
      expect((await asUser(edge, token, '/v1/me/sessions')).status, `#${n}`).toBe(200);
    const limited = keep('429 user', await asUser(edge, token, '/v1/me/sessions'));
    expect(limited.status).toBe(429);
    const retry = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retry)).toBe(true);
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect(await json<{ error: { code: string } }>(limited)).toMatchObject({
      error: { code: 'rate_limited' },
    });
    expect((await asUser(edge, token, '/v1/me/activity')).status).toBe(429);

    const recorded = (await eventsOfType(edge, 'rate_limit_exceeded')).slice(before);
    expect(recorded).toHaveLength(1);
    expect(metadataOf(recorded[0]!)).toMatchObject({ scope: 'user' });
    expect(recorded[0]!.user_id).toBe('usr_limited');
    // Someone else is not held back.
    const other = await mintToken(edge, { userId: 'usr_not_limited' });
    expect((await asUser(edge, other, '/v1/me/sessions')).status).toBe(200);
  });

  it('per ingest key: the 4th batch in a minute is 429 with Retry-After, recorded once', async () => {
    const before = (await eventsOfType(edge, 'rate_limit_exceeded')).length;
    for (let n = 1; n <= 3; n++) {
      expect((await ingest(edge, signIn('usr_ingest', `s_${n}`), SECOND_KEY)).status, `#${n}`).toBe(202);
    }
    const limited = keep(
      '429 ingest',
      await ingest(edge, signIn('usr_ingest', 's_4', { id: 'ev_limited' }), SECOND_KEY),
    );
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await ingest(edge, signIn('usr_ingest', 's_5'), SECOND_KEY)).status).toBe(429);
    const recorded = (await eventsOfType(edge, 'rate_limit_exceeded')).slice(before);
    expect(recorded).toHaveLength(1);
    expect(metadataOf(recorded[0]!)).toMatchObject({ scope: 'ingest' });
    // The refused batch was not stored; the other key still works.
    const db = (await eventsOfType(edge, 'login_success')).map((e) => e.id);
    expect(db).not.toContain('ev_limited');
    expect(db).toHaveLength(3);
    expect(keep('202 ingest', await ingest(edge, signIn('usr_ingest', 's_6'))).status).toBe(202);
  });
});

describe("the caller's IP", () => {
  /** The IP recorded for a refused token, found by the request id the client was given. */
  async function recordedIp(server: TestServer, xff?: string): Promise<string | null> {
    const res = await fetch(`${server.url}/v1/me/alerts`, {
      headers: xff ? { 'x-forwarded-for': xff } : {},
    });
    expect(res.status).toBe(401);
    const requestId = (await json<{ error: { request_id: string } }>(res)).error.request_id;
    expect(res.headers.get('x-request-id')).toBe(requestId);
    const row = (await eventsOfType(server, 'invalid_token_presented')).find(
      (e) => e.request_id === requestId,
    );
    expect(row, `event for request ${requestId}`).toBeDefined();
    return row!.ip;
  }

  it('comes from X-Forwarded-For when the peer is a trusted proxy', async () => {
    expect(await recordedIp(edge, '198.51.100.7')).toBe('198.51.100.7');
    // The first untrusted hop from the right is the client; whatever it claimed before that is not.
    expect(await recordedIp(edge, '10.1.2.3, 198.51.100.8')).toBe('198.51.100.8');
    expect(await recordedIp(edge, '198.51.100.9, 127.0.0.1')).toBe('198.51.100.9');
    expect(await recordedIp(edge, '::ffff:198.51.100.10')).toBe('198.51.100.10');
    expect(await recordedIp(edge)).toBe('127.0.0.1');
    expect(await recordedIp(edge, 'not-an-ip')).toBe('127.0.0.1');
  });

  it('ignores X-Forwarded-For when no proxy is trusted', async () => {
    expect(await recordedIp(plain, '198.51.100.7')).toBe('127.0.0.1');
    expect(await recordedIp(plain)).toBe('127.0.0.1');
  });
});

describe('errors', () => {
  const STACK = /\n\s+at |\bat [\w.<>]+ \(|\.(ts|js):\d+|node_modules|\/work\/|dist\/server|Error: /;

  async function expectCleanError(label: string, res: Response, status: number): Promise<void> {
    keep(label, res);
    expect(res.status, label).toBe(status);
    const text = await res.clone().text();
    expect(text, label).not.toMatch(STACK);
    const body = JSON.parse(text) as { error: { code: string; message: string; request_id: string } };
    expect(typeof body.error.code, label).toBe('string');
    expect(typeof body.error.message, label).toBe('string');
    expect(body.error.request_id, label).toBe(res.headers.get('x-request-id'));
  }

  it('reach the client as a code, a message and the request id, never a stack trace', async () => {
    const token = await mintToken(plain, { userId: 'usr_errors' });
    const post = (body: string, type = 'application/json') =>
      fetch(`${plain.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${plain.ingestKey}`, 'content-type': type },
        body,
      });
    await expectCleanError('bad json', await post('{"events": ['), 400);
    await expectCleanError('bad event', await post(JSON.stringify({ event_type: 'nope' })), 400);
    await expectCleanError('too large', await post(JSON.stringify({ pad: 'x'.repeat(4000) })), 413);
    await expectCleanError('wrong type', await post('a=1', 'text/plain'), 415);
    await expectCleanError('no route', await fetch(`${plain.url}/v1/nothing-here`), 404);
    await expectCleanError('bad query', await asUser(plain, token, '/v1/me/activity?limit=x'), 400);
    await expectCleanError(
      'bad body',
      await asUser(plain, token, '/v1/me/activity/x/report', { method: 'POST', body: '{oops' }),
      400,
    );
    await expectCleanError(
      'not found',
      await asUser(plain, token, '/v1/me/sessions/ses_x', { method: 'DELETE' }),
      404,
    );
    await expectCleanError('unauthorized', await fetch(`${plain.url}/v1/me/activity`), 401);
  });

  it('an internal failure is a generic 500 with the request id; the detail stays in the server log', async () => {
    const built = await buildApp();
    try {
      const token = await mintToken(
        { widgetSecret: built.env.RECEIPTS_WIDGET_SECRET! },
        { userId: 'usr_500' },
      );
      await built.services.store.close(); // every query now throws
      const res = await built.app.request('/v1/me/activity', {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).not.toMatch(STACK);
      expect(text).not.toMatch(/database|sqlite|not open/i);
      const body = JSON.parse(text) as { error: { code: string; request_id: string } };
      expect(body.error.code).toBe('internal');
      expect(body.error.request_id).toBe(res.headers.get('x-request-id'));
      const logged = built.logs.find((l) => l.includes(body.error.request_id));
      expect(logged, built.logs.join('')).toBeDefined();
    } finally {
      await built.close();
    }
  });
});

describe('operations', () => {
  it('/healthz is 200 while the store answers', async () => {
    const res = keep('healthz', await fetch(`${plain.url}/healthz`));
    expect(res.status).toBe(200);
    expect(await json<{ status: string }>(res.clone())).toMatchObject({ status: 'ok' });
  });

  it('/metrics is Prometheus text and counts what happened', async () => {
    const res = keep('metrics', await fetch(`${edge.url}/metrics`));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.clone().text();
    expect(text.endsWith('\n')).toBe(true);
    const sample =
      /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"\\\n]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"\\\n]*")*\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)$/;
    const comment =
      /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]*( (counter|gauge|histogram|summary|untyped)| .*)$/;
    // Blank lines between families are allowed by the format.
    for (const line of text.trimEnd().split('\n').filter(Boolean)) {
      expect(sample.test(line) || comment.test(line), line).toBe(true);
    }
    expect(text).toMatch(/^# TYPE receipts_audit_head_seq gauge$/m);
    expect(text).toMatch(/^receipts_rate_limited_total\{scope="user"\} [1-9]/m);
    expect(text).toMatch(/^receipts_invalid_tokens_total [1-9]/m);
  });

  it('/openapi.json is OpenAPI 3.1 and lists every /v1 route the app registers', async () => {
    const res = keep('openapi', await fetch(`${plain.url}/openapi.json`));
    expect(res.status).toBe(200);
    const doc = await json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(res.clone());
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    const routes = (await registeredRoutes()).filter((r) => r.path.startsWith('/v1/'));
    expect(routes.length).toBeGreaterThan(20);
    const missing = routes
      .map((r) => ({ method: r.method.toLowerCase(), path: r.path.replace(/:(\w+)/g, '{$1}') }))
      .filter((r) => doc.paths[r.path]?.[r.method] === undefined)
      .map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(missing).toEqual([]);
  });
});

describe('security headers', () => {
  it('are on every response: success, error, preflight, 429, CSV, text', async () => {
    const token = await mintToken(plain, { userId: 'usr_headers' });
    keep('csv', await asUser(plain, token, '/v1/me/export?format=csv'));
    keep('activity', await asUser(plain, token, '/v1/me/activity'));
    keep(
      'host 404',
      await fetch(`${plain.url}/v1/sessions/x`, { headers: { authorization: `Bearer ${plain.ingestKey}` } }),
    );
    keep('widget file', await fetch(`${plain.url}/widget/no-such-file.js`));
    expect(seen.length).toBeGreaterThan(15);
    for (const { label, res } of seen) {
      const h = res.headers;
      expect(h.get('x-content-type-options'), label).toBe('nosniff');
      const frames = h.get('x-frame-options') ?? '';
      const csp = h.get('content-security-policy') ?? '';
      expect(/^(DENY|SAMEORIGIN)$/i.test(frames) || /frame-ancestors/.test(csp), label).toBe(true);
      expect(h.get('strict-transport-security'), label).toMatch(/max-age=\d+/);
      expect(h.get('referrer-policy'), label).toBeTruthy();
    }
  });
});
