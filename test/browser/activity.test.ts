// The Activity view in real Chromium against the real server: only the token's user's events, "Load more"
// over the cursor, filters by kind, and hostile strings from the API rendered as text.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ingest, mintToken, signIn } from '../support/server.js';
import { ago, settled, shown, UA, uid, useStack, widget } from './support.js';

const XSS = '<img src=x onerror=window.__pwned=1>';

const stack = useStack();

async function send(events: Record<string, unknown>[]): Promise<void> {
  const res = await ingest(stack.server, { events });
  expect(res.status, await res.clone().text()).toBe(202);
}

const items = (page: Page) => widget(page).locator('[part~="activity-item"]');

describe('<activity-log> activity view', () => {
  it("shows the token's user's events and no one else's", async () => {
    const alice = uid('alice');
    const bob = uid('bob');
    await send([
      signIn(alice, uid('s'), { ip_address: '198.51.100.17', user_agent: UA.winFirefox, timestamp: ago(30) }),
      signIn(alice, uid('s'), { ip_address: '198.51.100.18', user_agent: UA.winFirefox, timestamp: ago(20) }),
      signIn(bob, uid('s'), { ip_address: '192.0.2.201', user_agent: UA.iphoneSafari, timestamp: ago(10) }),
      { ...signIn(bob, uid('s'), { ip_address: '192.0.2.202', timestamp: ago(5) }), event_type: 'logout' },
    ]);
    const page = await stack.pages.open(stack.host.url({ user: alice }));
    await settled(page);
    const w = widget(page);
    await expect.poll(() => items(page).count()).toBe(2);
    const text = await shown(w.locator('[part~="panel"]'));
    expect(text).toContain('198.51.100.xxx');
    expect(text).toContain('Firefox on Windows PC');
    expect(text).toContain('Signed in');
    // Bob's network, device and sign-out are nowhere, and no full address leaks either.
    expect(text).not.toContain('192.0.2.');
    expect(text).not.toContain('iOS');
    expect(text).not.toContain('Signed out');
    expect(text).not.toContain('198.51.100.17');
  });

  it('pages through with "Load more"', async () => {
    const carol = uid('carol');
    const sid = uid('s');
    // Profile updates, which never fold together as repeated "viewed" entries do.
    const events = Array.from({ length: 32 }, (_, n) => ({
      event_type: 'profile_update',
      outcome: 'success',
      user_id: carol,
      session_id: sid,
      ip_address: '203.0.113.9',
      user_agent: UA.macChrome,
      timestamp: ago(200 - n * 5),
      resource_type: 'invoice',
      action: 'view',
    }));
    await send(events);
    const page = await stack.pages.open(stack.host.url({ user: carol }));
    await settled(page);
    const more = widget(page).getByRole('button', { name: 'Load more' });
    await expect.poll(() => items(page).count()).toBe(25);
    await more.click();
    await expect.poll(() => items(page).count()).toBe(32);
    await expect.poll(() => more.count()).toBe(0);
    // Nothing shown twice across the page boundary.
    const keys = await items(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
    expect(new Set(keys).size).toBe(32);
  });

  it('filters by kind', async () => {
    const dave = uid('dave');
    const sid = uid('s');
    const base = { user_id: dave, session_id: sid, ip_address: '203.0.113.60', user_agent: UA.macChrome };
    await send([
      { ...base, event_type: 'login_success', outcome: 'success', timestamp: ago(50) },
      { ...base, event_type: 'password_change', outcome: 'success', timestamp: ago(40) },
      { ...base, event_type: 'data_export', outcome: 'success', timestamp: ago(30) },
      {
        ...base,
        event_type: 'login_failure',
        outcome: 'failure',
        timestamp: ago(20),
        metadata: { reason: 'invalid_password' },
      },
    ]);
    const page = await stack.pages.open(stack.host.url({ user: dave }));
    await settled(page);
    const w = widget(page);
    const panel = w.locator('[part~="panel"]');
    await expect.poll(() => items(page).count()).toBe(4);
    // The failure is visibly distinct.
    expect(await shown(w.locator('[part~="activity-item-failure"]'))).toContain(
      'Failed sign-in — wrong password',
    );

    const security = w.getByRole('button', { name: 'Security', exact: true });
    await security.click();
    await expect.poll(() => security.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => items(page).count()).toBe(1);
    expect(await shown(panel)).toContain('Password changed');
    expect(await shown(panel)).not.toContain('Signed in');

    await w.getByRole('button', { name: 'Sign-ins', exact: true }).click();
    await expect.poll(() => items(page).count()).toBe(2);
    const signins = await shown(panel);
    expect(signins).toContain('Signed in');
    expect(signins).toContain('Failed sign-in');
    expect(signins).not.toContain('Password changed');

    await w.getByRole('button', { name: 'Data', exact: true }).click();
    await expect.poll(() => items(page).count()).toBe(1);
    expect(await shown(panel)).toContain('Your data was exported');

    await w.getByRole('button', { name: 'All', exact: true }).click();
    await expect.poll(() => items(page).count()).toBe(4);
  });

  it('renders a user agent or metadata holding HTML as text and runs nothing', async () => {
    const eve = uid('eve');
    await send([
      signIn(eve, uid('s'), { user_agent: XSS, ip_address: '203.0.113.77', timestamp: ago(30) }),
      signIn(eve, uid('s'), {
        user_agent: `Mozilla/5.0 ${XSS} Firefox/133.0`,
        ip_address: '203.0.113.78',
        timestamp: ago(25),
      }),
      // A failure's reason is shown to the user, so it is the metadata value that reaches the screen.
      {
        event_type: 'login_failure',
        outcome: 'failure',
        user_id: eve,
        ip_address: '203.0.113.79',
        user_agent: XSS,
        timestamp: ago(20),
        metadata: { reason: '<img src=x onerror=alert(1)>', note: XSS },
      },
    ]);
    // A support agent's reason is free text: the user sees only the reference found in it, never the rest.
    const agent = await mintToken(stack.server, { userId: uid('agent'), scope: 'support' });
    const look = await fetch(`${stack.server.url}/v1/support/users/${eve}/devices`, {
      headers: { authorization: `Bearer ${agent}`, 'x-support-reason': XSS },
    });
    expect(look.status).toBe(200);
    const page = await stack.pages.open(stack.host.url({ user: eve }));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await settled(page);
    await expect.poll(() => items(page).count()).toBe(4);
    const w = widget(page);
    const panel = await shown(w.locator('[part~="panel"]'));
    expect(panel).toContain('Support viewed your devices — ticket #1');
    expect(panel).not.toContain('onerror=window');
    const failure = w.locator('[part~="activity-item-failure"]');
    expect(await shown(failure)).toContain('Failed sign-in — <img src=x onerror=alert(1)>');
    // No element came out of the strings: the shadow root holds no <img> (the icons are inline SVG).
    expect(await w.locator('img').count()).toBe(0);
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(errors).toEqual([]);
    const html = await page.evaluate(
      () => document.querySelector('activity-log')?.shadowRoot?.innerHTML ?? '',
    );
    expect(html).not.toMatch(/<img[\s>]/i);
  });
});
