// Demo mode only: the host page at `/`, a support console, and the host-side helpers those pages need
// (a token endpoint like a real host's backend would have, and a simulated sign-in elsewhere).
import { randomBytes } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { Hono } from 'hono';
import ipaddr from 'ipaddr.js';
import type { DeviceType } from '../../shared/api.js';
import { normalizeIp } from '../../shared/mask.js';
import { errorSchema, ingestResultSchema, tokenSchema } from '../../shared/schemas/responses.js';
import { identityOf } from '../audit/checkpoint.js';
import { renderHostPage, renderSupportPage } from '../demo/host-page.js';
import { DEMO_AGENT, DEMO_DEVICES, DEMO_SESSION, DEMO_USER } from '../demo/seed.js';
import { presentDevice } from '../derive/device-names.js';
import { sessionRef } from '../derive/sessions.js';
import { describeRoute, type RouteDoc } from '../http/describe-route.js';
import { ApiError } from '../http/errors.js';
import { createRevokeLink } from '../notify/revoke-links.js';
import { mintWidgetToken } from '../security/tokens.js';
import type { Services } from '../services.js';
import { sessionByRef } from '../store/sessions.js';
import { placeFrom } from '../views/place.js';

const HTML = { description: 'An HTML page', mediaType: 'text/html' };

/** What each route answers, for `/openapi.json`. Demo mode only. */
const DOCS = {
  page: { summary: 'The demo host page', tags: ['demo'], responses: { 200: HTML } },
  console: { summary: 'The demo support console', tags: ['demo'], responses: { 200: HTML } },
  token: {
    summary: 'A widget token for the demo user, for this machine only',
    tags: ['demo'],
    responses: { 200: tokenSchema, 403: errorSchema },
  },
  simulate: {
    summary: 'A sign-in from another device',
    tags: ['demo'],
    responses: { 202: ingestResultSchema, 403: errorSchema },
  },
  hostStatus: {
    summary: 'The host status check of each simulated sign-in, and the email a host would send',
    tags: ['demo'],
    responses: {
      200: { description: '{sessions: [{session_id, status, revoked_by}], email}' },
      403: errorSchema,
    },
  },
} satisfies Record<string, RouteDoc>;

const PAGE_CSP =
  "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

const VISITORS = [
  // An address the bundled geolocation places in London, so the demo shows a place as well as a network.
  {
    ua: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
    ip: '81.2.69.160',
  },
  {
    ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
    ip: '2001:db8:4f2a:9::15',
  },
  { ua: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', ip: '192.0.2.201' },
];

/** True when the TCP peer is this machine. The socket's address, not X-Forwarded-For: headers are the caller's. */
function fromLoopback(c: Context): boolean {
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    return false;
  }
  const ip = peer ? normalizeIp(peer) : null;
  if (!ip) return false;
  try {
    return ipaddr.process(ip).range() === 'loopback';
  } catch {
    return false;
  }
}

export function demoRoutes(s: Services) {
  const app = new Hono();
  let currentSession = DEMO_SESSION;
  const logKey = identityOf(s.config).vkey;

  app.get('/', describeRoute(DOCS.page), (c) =>
    c.html(renderHostPage({ logKey }), 200, { 'content-security-policy': PAGE_CSP }),
  );
  app.get('/support', describeRoute(DOCS.console), (c) =>
    c.html(renderSupportPage({ logKey }), 200, { 'content-security-policy': PAGE_CSP }),
  );

  // What a host backend does: mint a short-lived token for the signed-in user. Only for a browser on this
  // machine (the socket's peer, never a header), and only ever for the demo user: the support console's
  // agent token is bound to the demo user too, so nobody can read or revoke another account through it.
  app.post('/demo/token', describeRoute(DOCS.token), async (c) => {
    if (!fromLoopback(c))
      throw new ApiError(403, 'forbidden', 'The demo token route answers this machine only.');
    const scope = c.req.query('scope') ?? 'user';
    const forUser = c.req.query('user');
    if (forUser !== undefined && forUser !== DEMO_USER)
      throw new ApiError(403, 'forbidden', 'The demo token route mints tokens for the demo user only.');
    if (scope === 'support') {
      return c.json({
        token: await mintWidgetToken(s.config.widgetSecret, {
          userId: DEMO_AGENT,
          scope: 'support',
          forUser: DEMO_USER,
        }),
      });
    }
    if (scope !== 'user') throw new ApiError(400, 'invalid_request', 'scope must be user or support.');
    const ref = await sessionByRef(s.store.db, sessionRef(s.config.pepper, currentSession));
    if (ref?.status !== 'active') {
      // The demo visitor revoked this browser's session: sign in again, as a host would after a logout.
      currentSession = `demo-session-${randomBytes(6).toString('hex')}`;
      await s.pipeline.ingest([
        {
          event_type: 'login_success',
          outcome: 'success',
          user_id: DEMO_USER,
          session_id: currentSession,
          ip_address: DEMO_DEVICES.macbook.ip,
          user_agent: c.req.header('user-agent')?.slice(0, 1024) ?? DEMO_DEVICES.macbook.ua,
          metadata: { method: 'passkey' },
        },
      ]);
    }
    return c.json({
      token: await mintWidgetToken(s.config.widgetSecret, { userId: DEMO_USER, sessionId: currentSession }),
    });
  });

  // Host session ids of the simulated visitors, and the email a host would send about the latest one.
  const visitors: string[] = [];
  let email: { device: string; place: string; occurred_at: string; revoke_url: string } | null = null;

  app.post('/demo/simulate-signin', describeRoute(DOCS.simulate), async (c) => {
    if (!fromLoopback(c)) throw new ApiError(403, 'forbidden', 'The demo routes answer this machine only.');
    const visitor = VISITORS[visitors.length % VISITORS.length]!;
    const sessionId = `demo-visitor-${randomBytes(6).toString('hex')}`;
    const result = await s.pipeline.ingest([
      {
        event_type: 'login_success',
        outcome: 'success',
        user_id: DEMO_USER,
        session_id: sessionId,
        ip_address: visitor.ip,
        user_agent: visitor.ua,
        metadata: { method: 'password' },
      },
    ]);
    visitors.unshift(sessionId);
    visitors.length = Math.min(visitors.length, 10);
    // What the signin.new_device webhook carries, made here so the demo needs no webhook receiver.
    const row = await sessionByRef(s.store.db, sessionRef(s.config.pepper, sessionId));
    if (row) {
      const token = await s.pipeline.transact((tx) => createRevokeLink(tx, row.id, row.subject));
      const d = presentDevice({
        browser: row.browser,
        os: row.os,
        type: row.device_type as DeviceType | null,
      });
      const place = placeFrom(row.location);
      email = {
        device: `${d.browser ?? 'a browser'} on ${d.name ?? d.os ?? 'an unknown device'}`,
        place: place ? `${place.city ? `${place.city}, ` : ''}${place.country_name}` : '',
        occurred_at: new Date(row.created_at).toISOString(),
        revoke_url: `/v1/revoke/${token}`,
      };
    }
    return c.json(result, 202);
  });

  // The host's status check of each simulated session, as its backend would see it (GET /v1/sessions/:id).
  app.get('/demo/host-status', describeRoute(DOCS.hostStatus), async (c) => {
    if (!fromLoopback(c)) throw new ApiError(403, 'forbidden', 'The demo routes answer this machine only.');
    const sessions = await Promise.all(
      visitors.map(async (id) => {
        const row = await sessionByRef(s.store.db, sessionRef(s.config.pepper, id));
        return { session_id: id, status: row?.status ?? 'unknown', revoked_by: row?.revoked_by ?? null };
      }),
    );
    return c.json({ sessions, email }, 200, { 'cache-control': 'no-store' });
  });
  return app;
}
