// Replies with personal data are never cached (errors included), and a token that expires no later than
// it was issued is refused like every other bad token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ingest, mintToken, signIn, startServer, type TestServer } from '../../support/server.js';
import { eventsOfType, handJwt, metadataOf } from './helpers.js';

const USER = 'usr_no_store';
let server: TestServer;
let token: string;
let agent: string;
let adminKey: string;

beforeAll(async () => {
  server = await startServer();
  expect((await ingest(server, signIn(USER, 'ns-1', { id: 'evt_ns_1' }))).status).toBe(202);
  token = await mintToken(server, { userId: USER, sessionId: 'ns-1' });
  agent = await mintToken(server, { userId: 'agent_ns', scope: 'support' });
  adminKey = cli(server.env, ['keys', 'create', '--name', 'ns', '--scope', 'admin']).stdout.trim();
});
afterAll(async () => {
  await server?.stop();
});

describe('Cache-Control: no-store on personal-data replies', () => {
  const cases: [string, () => [string, RequestInit], number][] = [
    ['my activity', () => ['/v1/me/activity', { headers: { authorization: `Bearer ${token}` } }], 200],
    ['my sessions', () => ['/v1/me/sessions', { headers: { authorization: `Bearer ${token}` } }], 200],
    ['my export', () => ['/v1/me/export?format=csv', { headers: { authorization: `Bearer ${token}` } }], 200],
    ['/v1/me without a token', () => ['/v1/me/activity', {}], 401],
    [
      'a bad query',
      () => ['/v1/me/activity?limit=abc', { headers: { authorization: `Bearer ${token}` } }],
      400,
    ],
    [
      'an unknown /v1/me route',
      () => ['/v1/me/nothing-here', { headers: { authorization: `Bearer ${token}` } }],
      404,
    ],
    [
      'support with a reason',
      () => [
        `/v1/support/users/${USER}/sessions`,
        { headers: { authorization: `Bearer ${agent}`, 'x-support-reason': 'TICKET-7' } },
      ],
      200,
    ],
    [
      'support without a reason',
      () => [`/v1/support/users/${USER}/sessions`, { headers: { authorization: `Bearer ${agent}` } }],
      400,
    ],
    [
      'an admin investigation',
      () => [
        `/v1/admin/events?user_id=${USER}`,
        { headers: { authorization: `Bearer ${adminKey}`, 'x-access-reason': 'case 9' } },
      ],
      200,
    ],
    ['admin without a key', () => ['/v1/admin/events?user_id=x', {}], 401],
  ];

  it.each(cases)('should mark %s as no-store', async (_name, build, status) => {
    const [path, init] = build();
    const res = await fetch(`${server.url}${path}`, init);
    await res.arrayBuffer();
    expect(res.status).toBe(status);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('should leave public assets cacheable', async () => {
    const res = await fetch(`${server.url}/healthz`);
    await res.arrayBuffer();
    expect(res.headers.get('cache-control')).not.toBe('no-store');
  });
});

describe('a token whose exp is not after its iat', () => {
  it.each([
    ['exp equal to iat', 0],
    ['exp before iat', -30],
  ])('should refuse %s with 401 and record invalid_token_presented', async (_name, delta) => {
    const now = Math.floor(Date.now() / 1000);
    const bad = handJwt(
      { alg: 'HS256', typ: 'JWT' },
      { sub: USER, aud: 'receipts', scope: 'user', iat: now, exp: now + delta },
      server.widgetSecret,
    );
    const before = (await eventsOfType(server, 'invalid_token_presented')).length;
    const res = await fetch(`${server.url}/v1/me/activity`, { headers: { authorization: `Bearer ${bad}` } });
    expect(res.status).toBe(401);
    const after = await eventsOfType(server, 'invalid_token_presented');
    expect(after.length).toBe(before + 1);
    expect(String(metadataOf(after.at(-1)!).reason)).toMatch(/expire/);
  });
});
