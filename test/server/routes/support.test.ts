// The support desk: every call needs a reason, writes exactly one support_access event, and the user sees it.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, ingest, mintToken, signIn, startServer, type TestServer } from '../../support/server.js';

let server: TestServer;
let agent: string;
const USER = 'usr_locked_out';

const ROUTES: [string, string][] = [
  ['GET', '/activity'],
  ['GET', '/sessions'],
  ['GET', '/devices'],
  ['GET', '/alerts'],
  ['GET', '/erasure'],
  ['POST', '/sessions/revoke-others'],
  ['DELETE', '/sessions/ses_missing'],
];

function supportCount(): number {
  const db = new Database(server.dbPath, { readonly: true });
  try {
    return (
      db.prepare("SELECT COUNT(*) AS n FROM events WHERE event_type = 'support_access'").get() as {
        n: number;
      }
    ).n;
  } finally {
    db.close();
  }
}

function asSupport(path: string, method = 'GET', reason: string | null = 'ticket #142') {
  return asUser(server, agent, `/v1/support/users/${USER}${path}`, {
    method,
    headers: reason === null ? {} : { 'x-support-reason': reason },
  });
}

beforeAll(async () => {
  server = await startServer();
  await ingest(server, {
    events: [signIn(USER, 'lo-1'), signIn(USER, 'lo-2', { ip_address: '198.51.100.4' })],
  });
  agent = await mintToken(server, { userId: 'agent_jamie', scope: 'support' });
});
afterAll(async () => {
  await server?.stop();
});

describe('support desk', () => {
  it.each(ROUTES)('should refuse %s %s without a reason and record nothing', async (method, path) => {
    const before = supportCount();
    const res = await asSupport(path, method, null);
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('reason_required');
    expect(supportCount()).toBe(before);
  });

  it.each(ROUTES.slice(0, 5))(
    'should write exactly one support_access event for %s %s',
    async (method, path) => {
      const before = supportCount();
      const res = await asSupport(path, method);
      expect(res.status).toBe(200);
      expect(supportCount()).toBe(before + 1);
    },
  );

  it('should show the user what support did and why, in their own activity', async () => {
    await asSupport('/sessions');
    const token = await mintToken(server, { userId: USER });
    const body = await (await asUser(server, token, '/v1/me/activity?event_type=support_access')).json();
    expect(body.items[0].metadata).toMatchObject({
      agent: 'agent_jamie',
      reason: 'ticket #142',
      action: 'viewed_sessions',
    });
  });

  it('should let support revoke a session, recorded as done by support', async () => {
    const sessions = await (await asSupport('/sessions')).json();
    const target = sessions.items[0].id;
    const res = await asSupport(`/sessions/${target}`, 'DELETE');
    expect(res.status).toBe(200);
    expect((await res.json()).revoked).toBe(1);
    const token = await mintToken(server, { userId: USER });
    const revoked = await (await asUser(server, token, '/v1/me/activity?event_type=session_revoked')).json();
    expect(revoked.items[0].metadata).toMatchObject({
      revoked_by: 'support:agent_jamie',
      reason: 'ticket #142',
    });
  });

  it('should record the activity view once, not once more for each proof the console checks', async () => {
    const before = supportCount();
    const page = await (await asSupport('/activity')).json();
    expect(supportCount()).toBe(before + 1);
    const ids: string[] = page.items.slice(0, 3).map((i: { id: string }) => i.id);
    expect(ids.length).toBeGreaterThan(1);
    for (const id of ids) {
      const res = await asSupport(`/activity/${id}/proof`);
      expect(res.status).toBe(200);
      expect((await res.json()).proof).toBeInstanceOf(Array);
    }
    expect(supportCount()).toBe(before + 1);
    // The reason is still required: a proof is no way round the ticket.
    expect((await asSupport(`/activity/${ids[0]}/proof`, 'GET', null)).status).toBe(400);
  });

  it('should show support masked IPs only, as the user sees them', async () => {
    const body = await (await asSupport('/activity')).text();
    expect(body).toContain('198.51.100.xxx');
    expect(body).not.toContain('198.51.100.4"');
  });

  it('should refuse a user token on support routes and a support token on /v1/me', async () => {
    const user = await mintToken(server, { userId: USER });
    const res = await asUser(server, user, `/v1/support/users/${USER}/sessions`, {
      headers: { 'x-support-reason': 'x-123' },
    });
    expect(res.status).toBe(403);
    expect((await asUser(server, agent, '/v1/me/sessions')).status).toBe(403);
  });
});
