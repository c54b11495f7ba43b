import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError, checkReason, routePrefix } from '../../widget/internal/api.js';

interface Call {
  url: string;
  init: RequestInit;
}

/** A fetch that answers from a queue and records what it was asked. */
function fakeFetch(...responses: (Response | Error)[]) {
  const calls: Call[] = [];
  const fn = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    calls.push({ url: String(input), init });
    const next = responses.shift();
    if (!next) throw new Error('unexpected request');
    if (next instanceof Error) throw next;
    return next;
  };
  return { fn: fn as typeof fetch, calls };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const unauthorized = () =>
  json({ error: { code: 'invalid_token', message: 'The token is not valid.' } }, 401);
const header = (call: Call | undefined, name: string) => new Headers(call?.init.headers).get(name);

describe('ApiClient', () => {
  it('should send the token only in the Authorization header', async () => {
    const { fn, calls } = fakeFetch(json({ items: [] }));
    const client = new ApiClient(fn);
    client.base = 'https://receipts.example.com/';
    client.token = 'tok-1';
    await client.json('sessions');
    expect(calls[0]?.url).toBe('https://receipts.example.com/v1/me/sessions');
    expect(calls[0]?.url).not.toContain('tok-1');
    expect(header(calls[0], 'authorization')).toBe('Bearer tok-1');
    expect(calls[0]?.init.credentials).toBe('omit');
  });

  it('should ask the tokenProvider for a fresh token on 401 and retry once', async () => {
    const { fn, calls } = fakeFetch(unauthorized(), json({ items: ['ok'] }));
    const client = new ApiClient(fn);
    client.token = 'expired';
    let asked = 0;
    client.tokenProvider = async () => `fresh-${++asked}`;
    await expect(client.json('activity')).resolves.toEqual({ items: ['ok'] });
    expect(asked).toBe(1);
    expect(header(calls[1], 'authorization')).toBe('Bearer fresh-1');
  });

  it('should give up after the one retry', async () => {
    const { fn, calls } = fakeFetch(unauthorized(), unauthorized());
    const client = new ApiClient(fn);
    client.token = 'expired';
    client.tokenProvider = async () => 'still-bad';
    const error = await client.json('activity').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('invalid_token');
    expect((error as ApiError).status).toBe(401);
    expect(calls).toHaveLength(2);
  });

  it('should not retry a 401 without a tokenProvider', async () => {
    const { fn, calls } = fakeFetch(unauthorized());
    const client = new ApiClient(fn);
    client.token = 'expired';
    await expect(client.json('activity')).rejects.toMatchObject({ code: 'invalid_token' });
    expect(calls).toHaveLength(1);
  });

  it('should ask the tokenProvider first when there is no token', async () => {
    const { fn, calls } = fakeFetch(json({}));
    const client = new ApiClient(fn);
    client.tokenProvider = async () => 'first';
    await client.json('erasure');
    expect(header(calls[0], 'authorization')).toBe('Bearer first');
  });

  it('should refuse to send a request with no token and no tokenProvider', async () => {
    const { fn, calls } = fakeFetch();
    await expect(new ApiClient(fn).json('activity')).rejects.toMatchObject({ code: 'no_token' });
    expect(calls).toHaveLength(0);
  });

  it('should ask the tokenProvider once for concurrent 401s', async () => {
    const { fn } = fakeFetch(unauthorized(), unauthorized(), json({ a: 1 }), json({ b: 2 }));
    const client = new ApiClient(fn);
    client.token = 'expired';
    let asked = 0;
    client.tokenProvider = async () => {
      asked++;
      await new Promise((r) => setTimeout(r, 10));
      return 'fresh';
    };
    await Promise.all([client.json('sessions'), client.json('devices')]);
    expect(asked).toBe(1);
  });

  it('should turn an error body into an ApiError with its code and request id', async () => {
    const body = { error: { code: 'rate_limited', message: 'Too many requests', request_id: 'req_1' } };
    const { fn } = fakeFetch(json(body, 429));
    const client = new ApiClient(fn);
    client.token = 't';
    await expect(client.json('activity')).rejects.toMatchObject({
      code: 'rate_limited',
      status: 429,
      requestId: 'req_1',
    });
  });

  it('should report a body that is not an error body as a plain HTTP failure', async () => {
    const { fn } = fakeFetch(new Response('<html>Bad gateway</html>', { status: 502 }));
    const client = new ApiClient(fn);
    client.token = 't';
    await expect(client.json('activity')).rejects.toMatchObject({ code: 'http', status: 502 });
  });

  it('should report a failed fetch as a network failure', async () => {
    const { fn } = fakeFetch(new TypeError('Failed to fetch'));
    const client = new ApiClient(fn);
    client.token = 't';
    await expect(client.json('activity')).rejects.toMatchObject({ code: 'network' });
  });

  it('should let an abort through as an AbortError', async () => {
    const { fn } = fakeFetch(new DOMException('aborted', 'AbortError'));
    const client = new ApiClient(fn);
    client.token = 't';
    await expect(client.json('activity')).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('should send a JSON body with POST', async () => {
    const { fn, calls } = fakeFetch(json({ revoked: 2 }));
    const client = new ApiClient(fn);
    client.token = 't';
    await client.json('sessions/revoke-others', { method: 'POST' });
    expect(calls[0]?.init.method).toBe('POST');
    expect(calls[0]?.init.body).toBe('{}');
    expect(header(calls[0], 'content-type')).toBe('application/json');
  });

  it("should use the support routes and send the agent's reason in support mode", async () => {
    const { fn, calls } = fakeFetch(json({ items: [] }));
    const client = new ApiClient(fn);
    client.token = 't';
    client.prefix = routePrefix('support', 'usr/1 ?x');
    client.reason = ' #142 ';
    await client.json('sessions');
    expect(calls[0]?.url).toBe('/v1/support/users/usr%2F1%20%3Fx/sessions');
    expect(header(calls[0], 'x-support-reason')).toBe('#142');
  });
});

describe('checkReason', () => {
  it('should accept a ticket reference', () => {
    expect(checkReason('#142')).toBeNull();
    expect(checkReason('  ZD-1234 ')).toBeNull();
    expect(checkReason('Ticket für Müller')).toBeNull();
  });

  it('should refuse what the server or fetch would refuse', () => {
    expect(checkReason('')).toBe('reasonInvalid');
    expect(checkReason(' 12 ')).toBe('reasonInvalid');
    expect(checkReason('x'.repeat(201))).toBe('reasonInvalid');
    expect(checkReason('#142\nInjected: header')).toBe('reasonInvalid');
    expect(checkReason('チケット 142')).toBe('reasonCharset');
  });
});
