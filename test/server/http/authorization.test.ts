// The authorization matrix: every registered user, support and host route against every kind of wrong
// credential. Wrong credentials get 401/403, another user's token gets only its own data (404 for ids that
// are not its own), and every refused widget token is on the record without the token itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertView, SessionView } from '../../../shared/api.js';
import {
  asUser,
  cli,
  ingest,
  mintToken,
  signIn,
  startServer,
  type TestServer,
} from '../../support/server.js';
import {
  allActivity,
  badTokens,
  eventsOfType,
  json,
  metadataOf,
  registeredRoutes,
  sessionOf,
  storeBytes,
} from './helpers.js';

type Method = 'GET' | 'POST' | 'DELETE';
type Auth = 'user' | 'support' | 'ingest';
type IdKind = 'session' | 'event' | 'alert' | 'host_session';

interface RouteRow {
  method: Method;
  path: string;
  auth: Auth;
  /** What `:id` names in the path. */
  id?: IdKind;
  /** The status another user's valid token gets (widget routes), or a valid key (host routes). */
  valid: number;
}

const ME = (method: Method, path: string, valid: number, id?: IdKind): RouteRow => ({
  method,
  path: `/v1/me${path}`,
  auth: 'user',
  valid,
  ...(id ? { id } : {}),
});
const SUPPORT = (method: Method, path: string, valid: number, id?: IdKind): RouteRow => ({
  method,
  path: `/v1/support/users/:user_id${path}`,
  auth: 'support',
  valid,
  ...(id ? { id } : {}),
});

/** Every route under /v1/me, /v1/support, /v1/events and /v1/sessions (checked against the app below). */
const ROUTES: RouteRow[] = [
  ME('GET', '/activity', 200),
  ME('POST', '/activity/:id/report', 404, 'event'),
  ME('GET', '/activity/:id/proof', 404, 'event'),
  ME('GET', '/sessions', 200),
  ME('POST', '/sessions/revoke-others', 200),
  ME('DELETE', '/sessions/:id', 404, 'session'),
  ME('GET', '/devices', 200),
  ME('GET', '/erasure', 200),
  ME('POST', '/erasure', 202),
  ME('DELETE', '/erasure', 200), // cancels the request just made
  ME('GET', '/alerts', 200),
  ME('POST', '/alerts/:id/ack', 404, 'alert'),
  ME('GET', '/export', 200),
  ME('GET', '/stream', 200),
  SUPPORT('GET', '/activity', 200),
  SUPPORT('POST', '/activity/:id/report', 404, 'event'),
  SUPPORT('GET', '/activity/:id/proof', 404, 'event'),
  SUPPORT('GET', '/sessions', 200),
  SUPPORT('POST', '/sessions/revoke-others', 200),
  SUPPORT('DELETE', '/sessions/:id', 404, 'session'),
  SUPPORT('GET', '/devices', 200),
  SUPPORT('GET', '/erasure', 200),
  SUPPORT('POST', '/erasure', 202),
  SUPPORT('DELETE', '/erasure', 200),
  SUPPORT('GET', '/alerts', 200),
  SUPPORT('POST', '/alerts/:id/ack', 404, 'alert'),
  { method: 'POST', path: '/v1/events', auth: 'ingest', valid: 202 },
  { method: 'GET', path: '/v1/sessions/:host_session_id', auth: 'ingest', valid: 200, id: 'host_session' },
];
const WIDGET_ROUTES = ROUTES.filter((r) => r.auth !== 'ingest');
const ME_ROUTES = ROUTES.filter((r) => r.auth === 'user');
const SUPPORT_ROUTES = ROUTES.filter((r) => r.auth === 'support');
const KEY_ROUTES = ROUTES.filter((r) => r.auth === 'ingest');

const ALICE = 'usr_alice_authz';
const CAROL = 'usr_carol_authz';
const BOB = 'usr_bob_authz';
const ALICE_MARKER = 'ALICE_PRIVATE_MARKER';

let server: TestServer;
/** Every token this file has shown the server; none may ever be written down. */
const tokensUsed = new Set<string>();
/** Strings that only Alice's data contains. */
const aliceMarkers: string[] = [ALICE_MARKER, '198.51.100.xxx'];
let aliceToken: string;
let carolToken: string;
let supportToken: string;
let adminKey: string;
const ids: Record<IdKind, string> = {
  session: '',
  event: 'alice_evt_1',
  alert: 'alr_none',
  host_session: 'sess_alice_1',
};

async function token(opts: Parameters<typeof mintToken>[1]): Promise<string> {
  const t = await mintToken(server, opts);
  tokensUsed.add(t);
  return t;
}

function urlOf(route: RouteRow, userId = ALICE): string {
  const path = route.path
    .replace(':user_id', encodeURIComponent(userId))
    .replace(/:(id|host_session_id)/, route.id ? ids[route.id] : '');
  return `${server.url}${path}`;
}

interface Reply {
  status: number;
  body: string;
}

/** One request; a live event stream is read up to its first message and then closed. */
async function call(
  route: RouteRow,
  credential: string | null,
  opts: { userId?: string; reason?: string | null } = {},
): Promise<Reply> {
  if (credential) tokensUsed.add(credential);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (credential) headers.authorization = `Bearer ${credential}`;
  if (opts.reason !== null) headers['x-support-reason'] = opts.reason ?? 'TICKET-4242';
  const body =
    route.path === '/v1/events'
      ? JSON.stringify(signIn('usr_dave_authz', 'sess_dave_1'))
      : route.method === 'POST'
        ? '{}'
        : undefined;
  const ctrl = new AbortController();
  const res = await fetch(urlOf(route, opts.userId), {
    method: route.method,
    headers,
    ...(body ? { body } : {}),
    signal: ctrl.signal,
  });
  if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
    const reader = res.body!.getReader();
    const first = await reader.read();
    await reader.cancel();
    ctrl.abort();
    return { status: res.status, body: new TextDecoder().decode(first.value) };
  }
  return { status: res.status, body: await res.text() };
}

const label = (r: RouteRow, what: string) => `${what}: ${r.method} ${r.path}`;

function expectNoAliceData(reply: Reply, where: string): void {
  for (const marker of [...aliceMarkers, ...Object.values(ids).filter((v) => v.length > 0)]) {
    expect(reply.body.includes(marker), `${where} leaked ${marker}: ${reply.body.slice(0, 300)}`).toBe(false);
  }
}

beforeAll(async () => {
  server = await startServer({
    env: { RECEIPTS_RATE_LIMIT_IP: '100000', RECEIPTS_RATE_LIMIT_USER: '100000' },
  });
  const alice = (n: number, extra: Record<string, unknown> = {}) =>
    signIn(ALICE, `sess_alice_${n}`, {
      id: `alice_evt_${n}`,
      ip_address: `198.51.100.${10 + n}`,
      user_agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0',
      metadata: { note: ALICE_MARKER },
      ...extra,
    });
  const res = await ingest(server, {
    events: [
      alice(1),
      alice(2),
      {
        id: 'alice_evt_locked',
        event_type: 'account_locked',
        outcome: 'success',
        user_id: ALICE,
        metadata: { note: ALICE_MARKER },
      },
      signIn(CAROL, 'sess_carol_1', { id: 'carol_evt_1', ip_address: '203.0.113.5' }),
      signIn(BOB, 'sess_bob_1', { id: 'bob_evt_1' }),
      signIn(BOB, 'sess_bob_2', { id: 'bob_evt_2' }),
    ],
  });
  expect(res.status).toBe(202);
  aliceToken = await token({ userId: ALICE, sessionId: 'sess_alice_1' });
  carolToken = await token({ userId: CAROL, sessionId: 'sess_carol_1' });
  supportToken = await token({ userId: 'agent_7', scope: 'support' });
  ids.session = await sessionOf(server, aliceToken, 'alice_evt_1');
  const alerts = await json<{ items: AlertView[] }>(await asUser(server, aliceToken, '/v1/me/alerts'));
  // account_locked always raises an alert: Alice has one for the ack route to name.
  expect(alerts.items.length).toBeGreaterThan(0);
  ids.alert = alerts.items[0]!.id;
  aliceMarkers.push('alice_evt_2', 'alice_evt_locked', await sessionOf(server, aliceToken, 'alice_evt_2'));
  const created = cli(server.env, ['keys', 'create', '--name', 'auditor', '--scope', 'admin']);
  expect(created.code, created.stderr).toBe(0);
  adminKey = created.stdout.trim();
});

afterAll(async () => {
  await server?.stop();
});

describe('the route table', () => {
  it('names every route the app registers under /v1/me, /v1/support, /v1/events and /v1/sessions', async () => {
    const registered = (await registeredRoutes())
      .filter((r) => /^\/v1\/(me|support|events|sessions)(\/|$)/.test(r.path))
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    const table = ROUTES.map((r) => `${r.method} ${r.path}`).sort();
    expect(table).toEqual(registered);
  });
});

describe('widget routes refuse bad tokens with 401 and put each refusal on the record', () => {
  it('no token', async () => {
    for (const route of WIDGET_ROUTES) {
      const before = (await eventsOfType(server, 'invalid_token_presented')).length;
      const reply = await call(route, null);
      expect(reply.status, label(route, 'no token')).toBe(401);
      expectNoAliceData(reply, label(route, 'no token'));
      const after = await eventsOfType(server, 'invalid_token_presented');
      expect(after.length - before, label(route, 'events recorded')).toBe(1);
      expect(metadataOf(after.at(-1)!).reason).toBe('missing');
    }
  });

  it.each([
    'expired',
    'wrong audience',
    'alg none',
    'wrong secret',
    'lifetime too long',
    'ingest key as widget token',
  ])('%s', async (name) => {
    const bad = badTokens(server, ALICE).find((t) => t.name === name)!;
    tokensUsed.add(bad.token);
    for (const route of WIDGET_ROUTES) {
      const before = (await eventsOfType(server, 'invalid_token_presented')).length;
      const reply = await call(route, bad.token);
      expect(reply.status, label(route, name)).toBe(401);
      expect(JSON.parse(reply.body)).toMatchObject({ error: { code: 'invalid_token' } });
      expectNoAliceData(reply, label(route, name));
      const after = await eventsOfType(server, 'invalid_token_presented');
      expect(after.length - before, label(route, `${name}: events recorded`)).toBe(1);
      expect(metadataOf(after.at(-1)!).reason, label(route, name)).toBe(bad.reason);
    }
  });
});

describe('tokens of the wrong scope get 403', () => {
  it('a support token on /v1/me', async () => {
    for (const route of ME_ROUTES) {
      const reply = await call(route, supportToken);
      expect(reply.status, label(route, 'support token')).toBe(403);
      expectNoAliceData(reply, label(route, 'support token'));
    }
  });

  it('a user token on /v1/support, even for the user themself', async () => {
    for (const route of SUPPORT_ROUTES) {
      const reply = await call(route, aliceToken);
      expect(reply.status, label(route, 'user token')).toBe(403);
      expectNoAliceData(reply, label(route, 'user token'));
    }
  });

  it('a support token without a reason gets 400 and no data', async () => {
    for (const route of SUPPORT_ROUTES) {
      const reply = await call(route, supportToken, { reason: null });
      expect(reply.status, label(route, 'no reason')).toBe(400);
      expectNoAliceData(reply, label(route, 'no reason'));
    }
  });
});

describe("another user's token", () => {
  it('sees only its own data on every /v1/me route, and 404 for ids that are not its own', async () => {
    for (const route of ME_ROUTES) {
      const reply = await call(route, carolToken);
      expect(reply.status, label(route, "carol's token")).toBe(route.valid);
      expectNoAliceData(reply, label(route, "carol's token"));
    }
    // Carol's activity is hers: her own sign-in is there.
    const carol = await allActivity(server, carolToken);
    expect(carol.map((i) => i.id)).toContain('carol_evt_1');
  });

  it("has left Alice's sessions, erasure status and alerts untouched", async () => {
    const sessions = await json<{ items: SessionView[] }>(
      await asUser(server, aliceToken, '/v1/me/sessions'),
    );
    expect(sessions.items).toHaveLength(2);
    expect(sessions.items.map((s) => s.id)).toContain(ids.session);
    const erasure = await json<{ status: string }>(await asUser(server, aliceToken, '/v1/me/erasure'));
    expect(erasure.status).toBe('none');
    const alerts = await json<{ items: AlertView[] }>(await asUser(server, aliceToken, '/v1/me/alerts'));
    for (const alert of alerts.items) expect(alert.status).toBe('open');
    const reported = await allActivity(server, aliceToken, 'event_type=activity_reported,session_revoked');
    expect(reported).toEqual([]);
  });

  it('positive control: Alice’s own token does see her data (so the checks above can fail)', async () => {
    for (const route of ME_ROUTES.filter((r) => r.method === 'GET' && r.path !== '/v1/me/stream')) {
      const reply = await call(route, aliceToken);
      expect(reply.status, label(route, "alice's token")).toBe(200);
    }
    const activity = await call(ME_ROUTES[0]!, aliceToken);
    expect(activity.body).toContain(ALICE_MARKER);
    expect(activity.body).toContain(ids.session);
  });

  it('revoking a session of another user answers exactly like revoking one that does not exist', async () => {
    const strip = (body: string) => {
      const parsed = JSON.parse(body) as { error: { request_id?: string } };
      delete parsed.error.request_id;
      return parsed;
    };
    const del = (id: string) =>
      asUser(server, carolToken, `/v1/me/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' });
    const theirs = await del(ids.session);
    const missing = await del('ses_doesnotexist0000');
    expect(theirs.status).toBe(404);
    expect(missing.status).toBe(theirs.status);
    expect(strip(await theirs.text())).toEqual(strip(await missing.text()));
    expect(theirs.headers.get('content-type')).toBe(missing.headers.get('content-type'));

    // Support naming the wrong user for a session is refused the same way.
    const viaSupport = (id: string) =>
      fetch(`${server.url}/v1/support/users/${CAROL}/sessions/${encodeURIComponent(id)}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${supportToken}`, 'x-support-reason': 'TICKET-1' },
      });
    const a = await viaSupport(ids.session);
    const b = await viaSupport('ses_doesnotexist0000');
    expect(a.status).toBe(404);
    expect(b.status).toBe(404);
    expect(strip(await a.text())).toEqual(strip(await b.text()));

    const sessions = await json<{ items: SessionView[] }>(
      await asUser(server, aliceToken, '/v1/me/sessions'),
    );
    expect(sessions.items.map((s) => s.id)).toContain(ids.session);
  });

  it('support can reach the user named in the path (the matrix is not refusing everything)', async () => {
    for (const route of SUPPORT_ROUTES.filter((r) => r.method === 'GET')) {
      const reply = await call(route, supportToken);
      expect(reply.status, label(route, 'support token')).toBe(200);
    }
  });
});

describe('host routes take only a key', () => {
  it('refuse no key, widget tokens of every kind, a wrong key (401) and an admin key (403)', async () => {
    const jwts = [
      aliceToken,
      supportToken,
      ...badTokens(server, ALICE).filter((t) => t.token.startsWith('eyJ')),
    ];
    for (const route of KEY_ROUTES) {
      expect((await call(route, null)).status, label(route, 'no key')).toBe(401);
      expect((await call(route, 'rcpt_ik_not_a_real_key')).status, label(route, 'wrong key')).toBe(401);
      for (const t of jwts) {
        const jwt = typeof t === 'string' ? t : t.token;
        const reply = await call(route, jwt);
        expect(reply.status, label(route, 'widget token as key')).toBe(401);
        expectNoAliceData(reply, label(route, 'widget token as key'));
      }
      const admin = await call(route, adminKey);
      expect(admin.status, label(route, 'admin key')).toBe(403);
      expectNoAliceData(admin, label(route, 'admin key'));
      expect((await call(route, server.ingestKey)).status, label(route, 'ingest key')).toBe(route.valid);
    }
  });
});

describe('a token whose session was revoked', () => {
  it('stops working at once, with the refusal on the record', async () => {
    const bob1 = await token({ userId: BOB, sessionId: 'sess_bob_1' });
    const bobPlain = await token({ userId: BOB });
    const sessions = await json<{ items: SessionView[] }>(await asUser(server, bob1, '/v1/me/sessions'));
    const current = sessions.items.find((s) => s.current);
    expect(current).toBeDefined();
    const del = await asUser(server, bob1, `/v1/me/sessions/${current!.id}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(await del.json()).toEqual({ revoked: 1 });

    const before = (await eventsOfType(server, 'invalid_token_presented')).length;
    const refused = await asUser(server, bob1, '/v1/me/activity');
    expect(refused.status).toBe(401);
    const after = await eventsOfType(server, 'invalid_token_presented');
    expect(after.length - before).toBe(1);
    expect(metadataOf(after.at(-1)!).reason).toBe('session revoked');
    // Bob himself is not locked out: a token for another session still works.
    expect((await asUser(server, bobPlain, '/v1/me/activity')).status).toBe(200);
  });

  it('also when the host reports the revocation', async () => {
    const bob2 = await token({ userId: BOB, sessionId: 'sess_bob_2' });
    expect((await asUser(server, bob2, '/v1/me/sessions')).status).toBe(200);
    const res = await ingest(server, {
      event_type: 'session_revoked',
      outcome: 'success',
      user_id: BOB,
      session_id: 'sess_bob_2',
    });
    expect(res.status).toBe(202);
    expect((await asUser(server, bob2, '/v1/me/sessions')).status).toBe(401);
  });
});

describe('tokens are never written down', () => {
  it('no token this file used appears in the store files or the server output', async () => {
    expect(tokensUsed.size).toBeGreaterThan(8);
    const disk = storeBytes(server);
    const output = server.output();
    expect(output.length).toBeGreaterThan(0);
    for (const t of tokensUsed) {
      const signature = t.split('.')[2] ?? '';
      for (const needle of [t, ...(signature.length >= 20 ? [signature] : [])]) {
        expect(disk.includes(needle), `token found in the store: ${needle.slice(0, 12)}…`).toBe(false);
        expect(output.includes(needle), `token found in the output: ${needle.slice(0, 12)}…`).toBe(false);
      }
    }
  });
});
