// `GET /v1/revoke/:token` shows what the link will do; `POST` does it: that one session is signed out,
// recorded as `session_revoked` with `revoked_by: "link"`. A link works once, for 7 days. No credentials:
// the link is the credential, so a used, expired and unknown link all read the same.
import { Hono } from 'hono';
import { presentDevice } from '../derive/device-names.js';
import type { SessionRow } from '../derive/sessions.js';
import { revokeSessions } from '../domain/revoke.js';
import { describeRoute, type RouteDoc } from '../http/describe-route.js';
import { findRevokeLink, useRevokeLink } from '../notify/revoke-links.js';
import type { Services } from '../services.js';
import { sessionById } from '../store/sessions.js';
import { placeFrom } from '../views/place.js';

const PAGE = { description: 'An HTML page', mediaType: 'text/html' };
const GONE_PAGE = { description: 'Used, expired or unknown link', mediaType: 'text/html' };
const DOCS = {
  confirm: {
    summary: 'The confirmation page of a signin.new_device revoke link; changes nothing',
    tags: ['revoke link'],
    responses: { 200: PAGE, 404: GONE_PAGE },
  },
  revoke: {
    summary: 'Signs the link’s session out (session_revoked, revoked_by: link); the link is then used up',
    tags: ['revoke link'],
    responses: { 200: PAGE, 404: GONE_PAGE },
  },
} satisfies Record<string, RouteDoc>;

const CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
const HEADERS = {
  'content-security-policy': CSP,
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
};

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}
button{font:inherit;padding:.6rem 1rem;border-radius:6px;border:0;background:#b42318;color:#fff;cursor:pointer}</style>
</head><body><main>${body}</main></body></html>`;
}

function describeSession(row: SessionRow | undefined): string {
  if (!row) return 'a session';
  const d = presentDevice({ browser: row.browser, os: row.os, type: row.device_type as never });
  const device = d.browser && (d.name || d.os) ? `${d.browser} on ${d.name ?? d.os}` : 'a device';
  const place = placeFrom(row.location);
  const where = place ? ` near ${place.city ? `${place.city}, ` : ''}${place.country_name}` : '';
  return `${device}${where}`;
}

const GONE = page(
  'Link no longer valid',
  '<h1>This link no longer works</h1><p>It was already used, or it is more than 7 days old. To sign out a device, go to your account’s security page.</p>',
);

export function revokeLinkRoutes(s: Services) {
  const app = new Hono();
  const db = s.store.db;

  app.get('/:token', describeRoute(DOCS.confirm), async (c) => {
    const link = await findRevokeLink(db, c.req.param('token'));
    if (!link) return c.html(GONE, 404, HEADERS);
    const what = escapeHtml(describeSession(await sessionById(db, link.session_id)));
    return c.html(
      page(
        'Sign out this device?',
        `<h1>Sign out this device?</h1><p>This signs out ${what} from your account. Whoever uses it will have to sign in again.</p>
<form method="post"><button type="submit">Sign it out</button></form>
<p>If this was you, close this page: nothing changes.</p>`,
      ),
      200,
      HEADERS,
    );
  });

  app.post('/:token', describeRoute(DOCS.revoke), async (c) => {
    const token = c.req.param('token');
    const link = await findRevokeLink(db, token);
    if (!link || !(await s.pipeline.transact((tx) => useRevokeLink(tx, token))))
      return c.html(GONE, 404, HEADERS);
    const row = await sessionById(db, link.session_id);
    const userId = await s.log.subjects.userIdOf(db, link.subject);
    if (row && userId) await revokeSessions(s, { userId, sessions: [row], by: 'link' });
    return c.html(
      page(
        'Device signed out',
        `<h1>Done: that device is signed out</h1><p>${escapeHtml(describeSession(row))} no longer has access. Change your password next, so it cannot sign in again.</p>`,
      ),
      200,
      HEADERS,
    );
  });
  return app;
}
