// Devices read as people name them, through the real server: activity, sessions and devices all say
// "iPhone", "iPad", "Mac", "Windows PC"…, with today's OS names, and a sign-in says how it was made.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityItem, DeviceInfo, DeviceView, Page, SessionView } from '../../../shared/api.js';
import { asUser, ingest, mintToken, signIn, startServer, type TestServer } from '../../support/server.js';
import { json } from '../http/helpers.js';

const USER = 'usr_device_names';
const AGENTS: [string, Omit<DeviceInfo, 'type'> & { type: string }][] = [
  [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    { browser: 'Safari', os: 'iOS', type: 'mobile', kind: 'iphone', name: 'iPhone' },
  ],
  [
    'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    { browser: 'Safari', os: 'iPadOS', type: 'tablet', kind: 'ipad', name: 'iPad' },
  ],
  [
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
    { browser: 'Chrome', os: 'Android', type: 'mobile', kind: 'android_phone', name: 'Android phone' },
  ],
  [
    'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    { browser: 'Chrome', os: 'Android', type: 'tablet', kind: 'android_tablet', name: 'Android tablet' },
  ],
  [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    { browser: 'Chrome', os: 'macOS', type: 'desktop', kind: 'mac', name: 'Mac' },
  ],
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
    { browser: 'Firefox', os: 'Windows', type: 'desktop', kind: 'windows_pc', name: 'Windows PC' },
  ],
  [
    'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
    { browser: 'Firefox', os: 'Linux', type: 'desktop', kind: 'linux_pc', name: 'Linux PC' },
  ],
  [
    'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    { browser: 'Chrome', os: 'ChromeOS', type: 'desktop', kind: 'chromebook', name: 'Chromebook' },
  ],
];

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startServer();
  const events = AGENTS.map(([ua], i) =>
    signIn(USER, `sess_names_${i}`, {
      id: `names_${i}`,
      user_agent: ua,
      ip_address: `198.51.100.${i + 1}`,
      metadata: { method: i === 0 ? 'passkey' : 'password' },
    }),
  );
  expect((await ingest(server, { events })).status).toBe(202);
  token = await mintToken(server, { userId: USER, sessionId: 'sess_names_0' });
});

afterAll(async () => {
  await server?.stop();
});

describe('device names', () => {
  it('should name each device in activity as people do', async () => {
    const { items } = await json<Page<ActivityItem>>(await asUser(server, token, '/v1/me/activity?limit=50'));
    for (const [i, [, expected]] of AGENTS.entries()) {
      expect(items.find((it) => it.id === `names_${i}`)?.device, expected.name ?? '').toEqual(expected);
    }
  });

  it('should name sessions and devices the same way', async () => {
    const sessions = (await json<{ items: SessionView[] }>(await asUser(server, token, '/v1/me/sessions')))
      .items;
    const devices = (await json<{ items: DeviceView[] }>(await asUser(server, token, '/v1/me/devices')))
      .items;
    const names = AGENTS.map(([, d]) => d.name).sort();
    expect(sessions.map((s) => s.device?.name).sort()).toEqual(names);
    expect(devices.map((d) => d.device.name).sort()).toEqual(names);
    expect(devices.find((d) => d.device.kind === 'ipad')?.device.os).toBe('iPadOS');
  });

  it('should keep how the user signed in', async () => {
    const { items } = await json<Page<ActivityItem>>(await asUser(server, token, '/v1/me/activity?limit=50'));
    expect(items.find((it) => it.id === 'names_0')?.metadata).toMatchObject({ method: 'passkey' });
  });

  it('should name the device a sign-out was about', async () => {
    const sessions = (await json<{ items: SessionView[] }>(await asUser(server, token, '/v1/me/sessions')))
      .items;
    const ipad = sessions.find((s) => s.device?.kind === 'ipad')!;
    expect(
      (await asUser(server, token, `/v1/me/sessions/${ipad.id}`, { method: 'DELETE' })).status,
    ).toBeLessThan(300);
    const { items } = await json<Page<ActivityItem>>(
      await asUser(server, token, '/v1/me/activity?event_type=session_revoked'),
    );
    expect(items[0]?.device).toMatchObject({ name: 'iPad', browser: 'Safari' });
  });
});
