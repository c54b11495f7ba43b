// Sessions: opened and ended by host events, listed with `current`, revoked by the user or support with the
// revocation on the record, and the host's status call that lets it refuse a revoked session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityItem, HostSessionStatus, SessionView } from '../../../shared/api.js';
import { asUser, ingest, mintToken, signIn, startServer, type TestServer } from '../../support/server.js';
import { allActivity, json, sessionOf } from '../http/helpers.js';

const USER = 'usr_sessions';
let server: TestServer;
let token: string;

const hostStatus = (id: string, key = server.ingestKey) =>
  fetch(`${server.url}/v1/sessions/${encodeURIComponent(id)}`, {
    headers: { authorization: `Bearer ${key}` },
  });

async function activeSessions(tok = token): Promise<SessionView[]> {
  const res = await asUser(server, tok, '/v1/me/sessions');
  expect(res.status).toBe(200);
  return (await json<{ items: SessionView[] }>(res)).items;
}

async function revocations(): Promise<ActivityItem[]> {
  return allActivity(server, token, 'event_type=session_revoked');
}

const event = (type: string, sessionId: string, extra: Record<string, unknown> = {}) => ({
  event_type: type,
  outcome: 'success',
  user_id: USER,
  session_id: sessionId,
  ...extra,
});

beforeAll(async () => {
  server = await startServer();
  const res = await ingest(server, {
    events: [
      signIn(USER, 'h_current', { id: 'ev_current' }),
      event('session_created', 'h_created', { id: 'ev_created' }),
      signIn(USER, 'h_logout'),
      event('logout', 'h_logout'),
      event('session_created', 'h_expired'),
      event('session_expired', 'h_expired'),
      signIn(USER, 'h_host_revoked'),
      event('session_revoked', 'h_host_revoked'),
      // A failed sign-in does not open a session, nor does an event that is not an opening one.
      signIn(USER, 'h_failed', { event_type: 'login_failure', outcome: 'failure' }),
      event('data_access', 'h_never_opened'),
      // Someone else's session with the same shape.
      signIn('usr_sessions_other', 'h_other'),
    ],
  });
  expect(res.status).toBe(202);
  token = await mintToken(server, { userId: USER, sessionId: 'h_current' });
});

afterAll(async () => {
  await server?.stop();
});

describe('session lifecycle from host events', () => {
  it('lists the open sessions only, with current: true on the token’s sid alone', async () => {
    const sessions = await activeSessions();
    const current = await sessionOf(server, token, 'ev_current');
    const created = await sessionOf(server, token, 'ev_created');
    expect(sessions.map((s) => s.id).sort()).toEqual([current, created].sort());
    expect(sessions.filter((s) => s.current).map((s) => s.id)).toEqual([current]);
    for (const s of sessions) {
      expect(s.status).toBe('active');
      expect(s.id).toMatch(/^ses_/);
      expect(Date.parse(s.created_at)).not.toBeNaN();
    }
    // Without a sid, nothing is current.
    const plain = await mintToken(server, { userId: USER });
    expect((await activeSessions(plain)).some((s) => s.current)).toBe(false);
  });

  it('the host sees how each one ended', async () => {
    const expectStatus = async (id: string, status: HostSessionStatus['status']) => {
      const res = await hostStatus(id);
      expect(res.status, id).toBe(200);
      const body = await json<HostSessionStatus>(res);
      expect(body.status, id).toBe(status);
      return body;
    };
    expect(await expectStatus('h_current', 'active')).toEqual({
      status: 'active',
      revoked_at: null,
      revoked_by: null,
    });
    await expectStatus('h_created', 'active');
    expect((await expectStatus('h_logout', 'ended')).revoked_at).toBeNull();
    await expectStatus('h_expired', 'expired');
    const hostRevoked = await expectStatus('h_host_revoked', 'revoked');
    expect(hostRevoked.revoked_by).toBe('host');
    expect(Date.parse(hostRevoked.revoked_at ?? '')).not.toBeNaN();
    expect((await hostStatus('h_failed')).status).toBe(404);
    expect((await hostStatus('h_never_opened')).status).toBe(404);
  });
});

describe('revocation', () => {
  it('DELETE revokes one session and records session_revoked by the user', async () => {
    const target = await sessionOf(server, token, 'ev_created');
    const before = Date.now();
    const res = await asUser(server, token, `/v1/me/sessions/${target}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ revoked: 1 });
    expect((await activeSessions()).map((s) => s.id)).not.toContain(target);

    const recorded = (await revocations()).filter((i) => i.metadata?.session === target);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.metadata).toMatchObject({ session: target, revoked_by: 'user' });
    expect(recorded[0]!.outcome).toBe('success');

    const status = await json<HostSessionStatus>(await hostStatus('h_created'));
    expect(status.status).toBe('revoked');
    expect(status.revoked_by).toBe('user');
    const at = Date.parse(status.revoked_at ?? '');
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + 1000);

    // Revoking it again finds no active session.
    const again = await asUser(server, token, `/v1/me/sessions/${target}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect((await revocations()).filter((i) => i.metadata?.session === target)).toHaveLength(1);
  });

  it('revoke-others leaves exactly the current session, each revocation on the record', async () => {
    const res = await ingest(server, {
      events: ['h_a', 'h_b', 'h_c'].map((id) => signIn(USER, id, { id: `ev_${id}` })),
    });
    expect(res.status).toBe(202);
    const others = await Promise.all(['ev_h_a', 'ev_h_b', 'ev_h_c'].map((e) => sessionOf(server, token, e)));
    const current = await sessionOf(server, token, 'ev_current');
    expect(await activeSessions()).toHaveLength(4);

    const revoke = await asUser(server, token, '/v1/me/sessions/revoke-others', { method: 'POST' });
    expect(revoke.status).toBe(200);
    expect(await revoke.json()).toEqual({ revoked: 3 });
    const left = await activeSessions();
    expect(left.map((s) => s.id)).toEqual([current]);
    expect(left[0]!.current).toBe(true);

    const recorded = await revocations();
    for (const id of others) {
      const mine = recorded.filter((i) => i.metadata?.session === id);
      expect(mine, id).toHaveLength(1);
      expect(mine[0]!.metadata?.revoked_by).toBe('user');
    }
    for (const host of ['h_a', 'h_b', 'h_c']) {
      expect((await json<HostSessionStatus>(await hostStatus(host))).status).toBe('revoked');
    }
    // The token's own session is still good.
    expect((await json<HostSessionStatus>(await hostStatus('h_current'))).status).toBe('active');
    expect((await asUser(server, token, '/v1/me/activity')).status).toBe(200);

    // Nothing left to revoke.
    const none = await asUser(server, token, '/v1/me/sessions/revoke-others', { method: 'POST' });
    expect(await none.json()).toEqual({ revoked: 0 });
  });

  it('support revoking records the agent and the reason, and the host sees who did it', async () => {
    expect((await ingest(server, signIn(USER, 'h_support', { id: 'ev_h_support' }))).status).toBe(202);
    const target = await sessionOf(server, token, 'ev_h_support');
    const agent = await mintToken(server, { userId: 'agent_42', scope: 'support' });
    const res = await fetch(`${server.url}/v1/support/users/${USER}/sessions/${target}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${agent}`, 'x-support-reason': 'TICKET-9001' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ revoked: 1 });
    const recorded = (await revocations()).filter((i) => i.metadata?.session === target);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.metadata).toMatchObject({ revoked_by: 'support:agent_42', reason: 'TICKET-9001' });
    const status = await json<HostSessionStatus>(await hostStatus('h_support'));
    expect(status).toMatchObject({ status: 'revoked', revoked_by: 'support:agent_42' });
    expect(status.revoked_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it("another user's session cannot be revoked and stays active", async () => {
    const other = await mintToken(server, { userId: 'usr_sessions_other', sessionId: 'h_other' });
    const [theirs] = await activeSessions(other);
    expect(theirs).toBeDefined();
    const res = await asUser(server, token, `/v1/me/sessions/${theirs!.id}`, { method: 'DELETE' });
    expect(res.status).toBe(404);
    expect((await json<HostSessionStatus>(await hostStatus('h_other'))).status).toBe('active');
  });
});

describe('GET /v1/sessions/:host_session_id', () => {
  it('404 for a session Receipts has never seen', async () => {
    const res = await hostStatus('h_unknown_session');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('401 with a widget token, a wrong key or none', async () => {
    expect((await hostStatus('h_current', token)).status).toBe(401);
    expect((await hostStatus('h_current', 'rcpt_ik_wrong')).status).toBe(401);
    expect((await fetch(`${server.url}/v1/sessions/h_current`)).status).toBe(401);
  });
});
