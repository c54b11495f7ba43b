// What a user sees of a suspicious sign-in, in real Chromium against the real server: the place it came
// from, one calm card instead of a stack of alerts, an alert that settles itself when its session is
// signed out, "Yes" confirmed visibly, and "No, this wasn't me" as guided steps ending in the host's own
// change-password page.
import { beforeEach, describe, expect, it } from 'vitest';
import { ingest, signIn } from '../support/server.js';
import { ago, hostSessionStatus, settled, shown, UA, uid, useStack, widget } from './support.js';

const stack = useStack();

/** Two weeks of sign-ins from home on a Mac, then one from London on an Android phone. */
async function account(): Promise<{ user: string; home: string; intruder: string; signin: string }> {
  const user = uid('usr');
  const home = uid('home');
  const intruder = uid('intruder');
  const signin = uid('evt');
  const events = [];
  for (let d = 14; d >= 1; d--) {
    events.push(
      signIn(user, uid('old'), {
        user_agent: UA.macChrome,
        ip_address: '198.51.100.20',
        timestamp: ago(d * 1440),
      }),
    );
  }
  events.push(
    signIn(user, home, { user_agent: UA.macChrome, ip_address: '198.51.100.20', timestamp: ago(40) }),
  );
  events.push(
    signIn(user, intruder, {
      id: signin,
      user_agent: UA.androidChrome,
      ip_address: '81.2.69.160',
      timestamp: ago(1),
      metadata: { method: 'password' },
    }),
  );
  expect((await ingest(stack.server, { events })).status).toBe(202);
  return { user, home, intruder, signin };
}

describe('<activity-log> alerts and places', () => {
  let a: Awaited<ReturnType<typeof account>>;
  beforeEach(async () => {
    a = await account();
  });

  it('shows where a sign-in came from before its masked network', async () => {
    const page = await stack.pages.open(stack.host.url({ user: a.user, sid: a.home }));
    await settled(page);
    const w = widget(page);
    const item = w.locator(`[part~="activity-item"][data-key="${a.signin}"]`);
    await item.waitFor();
    const text = await shown(item);
    expect(text).toContain('Signed in with a password');
    expect(text).toMatch(/London, United Kingdom\s*81\.2\.69\.xxx/);
    await page.evaluate(() => document.querySelector('activity-log')?.setAttribute('locale', 'de'));
    await expect.poll(() => shown(item)).toContain('London, Vereinigtes Königreich');
    await expect.poll(() => shown(item)).toContain('Android-Smartphone');
  });

  it('gathers alerts into one card, and "Yes" says it is noted', async () => {
    const page = await stack.pages.open(stack.host.url({ user: a.user, sid: a.home }));
    const w = widget(page);
    const toggle = w.locator('[part~="alerts-toggle"]');
    await toggle.waitFor();
    expect(await shown(toggle)).toMatch(/Review \d unusual sign-ins?/);
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await w.locator('[part~="alert"]').count()).toBe(0);
    await toggle.click();
    const alert = w.locator('[part~="alert"]').filter({ hasText: 'Android phone' });
    expect(await shown(alert)).toContain(
      'New sign-in from Chrome on Android phone in London, United Kingdom',
    );
    await alert.getByRole('button', { name: 'Yes, this was me' }).click();
    await expect.poll(() => shown(alert)).toContain('Thanks, noted as you');
  });

  it('settles the alert when its session is signed out in the Sessions view', async () => {
    const page = await stack.pages.open(stack.host.url({ user: a.user, sid: a.home }));
    await settled(page);
    const w = widget(page);
    await w.locator('[part~="alerts-toggle"]').waitFor();
    await w.getByRole('tab', { name: 'Sessions' }).click();
    await w.getByRole('button', { name: 'Sign out Chrome on Android phone' }).click();
    await w.locator('[part~="confirm-button"]').click();
    await expect.poll(async () => (await hostSessionStatus(stack.server, a.intruder)).status).toBe('revoked');
    await expect.poll(() => w.locator('[part~="alerts-toggle"]').count(), { timeout: 5000 }).toBe(0);
  });

  it('walks "No, this wasn’t me" through signing out and changing the password', async () => {
    const page = await stack.pages.open(stack.host.url({ user: a.user, sid: a.home }));
    await page.evaluate(() =>
      document.querySelector('activity-log')?.setAttribute('secure-account-url', '/account/password'),
    );
    const w = widget(page);
    await w.locator('[part~="alerts-toggle"]').click();
    const alert = w.locator('[part~="alert"]').filter({ hasText: 'Android phone' });
    await alert.getByRole('button', { name: 'No, this wasn’t me' }).click();
    expect(await shown(alert)).toContain('Step 1 of 2');
    await alert.getByRole('button', { name: 'Sign it out' }).click();
    await expect.poll(() => shown(alert)).toContain('Step 2 of 2');
    expect((await hostSessionStatus(stack.server, a.intruder)).status).toBe('revoked');
    const link = alert.getByRole('link', { name: 'Change your password' });
    expect(await link.getAttribute('href')).toBe('/account/password');
    await alert.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => shown(alert)).toContain('Your account is secured');
  });
});
