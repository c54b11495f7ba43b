// `signin.new_device` through the real server: the host hears of a sign-in from a device new to the account,
// with its place and a single-use revoke link that signs that session out (GET confirms, POST acts), and
// RECEIPTS_REVOKE_ON_PASSWORD_CHANGE=on signs out the other sessions when the password changes.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityItem, Page } from '../../../shared/api.js';
import { asUser, ingest, mintToken, signIn, startServer, type TestServer } from '../../support/server.js';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const PHONE =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';

interface Message {
  type: string;
  data: Record<string, unknown>;
}

let receiver: Server;
const received: Message[] = [];
let server: TestServer;

async function hostStatus(sid: string): Promise<{ status: string; revoked_by: string | null }> {
  const res = await fetch(`${server.url}/v1/sessions/${sid}`, {
    headers: { authorization: `Bearer ${server.ingestKey}` },
  });
  return (await res.json()) as { status: string; revoked_by: string | null };
}

async function waitFor<T>(find: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += String(c);
    });
    req.on('end', () => {
      received.push(JSON.parse(body) as Message);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  server = await startServer({
    env: {
      RECEIPTS_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
      RECEIPTS_WEBHOOK_SECRET: SECRET,
      RECEIPTS_PUBLIC_URL: 'https://receipts.example.com/',
      RECEIPTS_REVOKE_ON_PASSWORD_CHANGE: 'on',
    },
  });
});

afterAll(async () => {
  await server?.stop();
  await new Promise<void>((r) => receiver.close(() => r()));
});

describe('signin.new_device and its revoke link', () => {
  const user = 'usr_new_device';
  let link = '';

  it('should tell the host of a second device, with its place and a revoke link, and not of the first', async () => {
    expect((await ingest(server, signIn(user, 'nd_laptop', { ip_address: '198.51.100.30' }))).status).toBe(
      202,
    );
    expect(
      (await ingest(server, signIn(user, 'nd_phone', { ip_address: '81.2.69.160', user_agent: PHONE })))
        .status,
    ).toBe(202);
    const msg = await waitFor(
      () => received.find((m) => m.type === 'signin.new_device' && m.data.user_id === user),
      'signin.new_device',
    );
    expect(Object.keys(msg.data).sort()).toEqual(
      ['device', 'location', 'occurred_at', 'revoke_url', 'session_tag', 'user_id'].sort(),
    );
    expect(msg.data.device).toMatchObject({ name: 'Android phone', browser: 'Chrome' });
    expect(msg.data.location).toMatchObject({ country: 'GB', city: 'London' });
    link = String(msg.data.revoke_url);
    expect(link).toMatch(/^https:\/\/receipts\.example\.com\/v1\/revoke\/[A-Za-z0-9_-]{43}$/);
    expect(received.filter((m) => m.type === 'signin.new_device' && m.data.user_id === user)).toHaveLength(1);
  });

  it('should keep only a hash of the link', () => {
    const token = link.split('/').pop()!;
    const db = new Database(server.dbPath, { readonly: true });
    try {
      const rows = db.prepare('SELECT * FROM revoke_links').all();
      expect(rows.length).toBeGreaterThan(0);
      expect(JSON.stringify(rows)).not.toContain(token);
    } finally {
      db.close();
    }
  });

  it('should show a confirmation on GET and change nothing', async () => {
    const local = link.replace('https://receipts.example.com', server.url);
    const res = await fetch(local);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('Sign out this device?');
    expect(html).toContain('Chrome on Android phone near London');
    expect((await hostStatus('nd_phone')).status).toBe('active');
  });

  it('should sign that session out on POST, once, recorded as revoked by the link', async () => {
    const local = link.replace('https://receipts.example.com', server.url);
    const res = await fetch(local, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('that device is signed out');
    expect(await hostStatus('nd_phone')).toMatchObject({ status: 'revoked', revoked_by: 'link' });
    expect((await hostStatus('nd_laptop')).status).toBe('active');
    const token = await mintToken(server, { userId: user, sessionId: 'nd_laptop' });
    const page = (await (
      await asUser(server, token, '/v1/me/activity?event_type=session_revoked')
    ).json()) as Page<ActivityItem>;
    expect(page.items[0]?.metadata).toMatchObject({ revoked_by: 'link' });
    expect((await fetch(local, { method: 'POST' })).status).toBe(404);
    expect((await fetch(local)).status).toBe(404);
    expect((await fetch(`${server.url}/v1/revoke/${'A'.repeat(43)}`, { method: 'POST' })).status).toBe(404);
  });
});

describe('RECEIPTS_REVOKE_ON_PASSWORD_CHANGE=on', () => {
  it('should sign out the user’s other sessions when the password changes, and keep the one that changed it', async () => {
    const user = 'usr_pw_change';
    const events = [
      signIn(user, 'pw_a', { ip_address: '198.51.100.40' }),
      signIn(user, 'pw_b', { ip_address: '198.51.100.41', user_agent: PHONE }),
      signIn(user, 'pw_c', { ip_address: '198.51.100.42' }),
    ];
    expect((await ingest(server, { events })).status).toBe(202);
    expect(
      (
        await ingest(server, {
          event_type: 'password_change',
          outcome: 'success',
          user_id: user,
          session_id: 'pw_a',
        })
      ).status,
    ).toBe(202);
    expect((await hostStatus('pw_a')).status).toBe('active');
    expect(await hostStatus('pw_b')).toMatchObject({ status: 'revoked', revoked_by: 'password_change' });
    expect((await hostStatus('pw_c')).status).toBe('revoked');
    await waitFor(
      () =>
        received.filter((m) => m.type === 'session.revoked' && m.data.user_id === user).length === 2
          ? true
          : undefined,
      'two session.revoked webhooks',
    );
  });
});
