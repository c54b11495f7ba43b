// The Sessions view in real Chromium against the real server: revoking with a confirmation reaches the host's
// status call, "Sign out all other sessions" leaves exactly the current one, a keyboard-only revoke, the
// `session-revoked` event, and live updates without a reload.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SessionView } from '../../shared/api.js';
import { asUser, ingest, mintToken, signIn } from '../support/server.js';
import {
  ago,
  focused,
  hostEvents,
  hostSessionStatus,
  settled,
  shown,
  UA,
  uid,
  useStack,
  widget,
} from './support.js';

const stack = useStack();

interface Account {
  user: string;
  current: string;
  firefox: string;
  iphone: string;
  linux: string;
}

/** A user signed in on this browser (a Mac) and on three other devices. */
async function account(): Promise<Account> {
  const a: Account = {
    user: uid('usr'),
    current: uid('mac'),
    firefox: uid('win'),
    iphone: uid('iph'),
    linux: uid('lnx'),
  };
  const res = await ingest(stack.server, {
    events: [
      signIn(a.user, a.firefox, {
        user_agent: UA.winFirefox,
        ip_address: '198.51.100.4',
        timestamp: ago(90),
      }),
      signIn(a.user, a.iphone, {
        user_agent: UA.iphoneSafari,
        ip_address: '198.51.100.5',
        timestamp: ago(60),
      }),
      signIn(a.user, a.linux, { user_agent: UA.linuxFirefox, ip_address: '192.0.2.9', timestamp: ago(45) }),
      signIn(a.user, a.current, { user_agent: UA.macChrome, ip_address: '203.0.113.42', timestamp: ago(30) }),
    ],
  });
  expect(res.status, await res.clone().text()).toBe(202);
  return a;
}

const rows = (page: Page) => widget(page).locator('[part~="session-row"]');

async function openSessions(a: Account): Promise<Page> {
  const page = await stack.pages.open(stack.host.url({ user: a.user, sid: a.current, view: 'sessions' }));
  await settled(page);
  await expect.poll(() => rows(page).count()).toBe(4);
  return page;
}

async function apiSessions(a: Account): Promise<SessionView[]> {
  const token = await mintToken(stack.server, { userId: a.user, sessionId: a.current });
  const res = await asUser(stack.server, token, '/v1/me/sessions');
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: SessionView[] }).items.filter((s) => s.status === 'active');
}

describe('<activity-log> sessions view', () => {
  it("revokes a session after confirming, and the host's status call says revoked", async () => {
    const a = await account();
    const firefox = (await apiSessions(a)).find((s) => s.device?.os === 'Windows');
    const page = await openSessions(a);
    const w = widget(page);
    // "This device" marks the session of the token, which has no sign-out button of its own.
    const mine = rows(page).filter({ hasText: 'This device' });
    expect(await mine.count()).toBe(1);
    expect(await shown(mine)).toContain('Chrome on Mac');
    expect(await mine.locator('[part~="revoke-button"]').count()).toBe(0);

    await w.getByRole('button', { name: 'Sign out Firefox on Windows PC' }).click();
    const dialog = w.getByRole('dialog', { name: 'Sign out this session?' });
    await dialog.waitFor();
    expect(await shown(dialog)).toContain('Firefox on Windows PC will be signed out');
    // Nothing happens before confirming.
    expect((await hostSessionStatus(stack.server, a.firefox)).status).toBe('active');
    await dialog.getByRole('button', { name: 'Sign out', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });

    await expect.poll(() => rows(page).count()).toBe(3);
    expect(await rows(page).allInnerTexts()).not.toContainEqual(
      expect.stringContaining('Firefox on Windows PC'),
    );
    const status = await hostSessionStatus(stack.server, a.firefox);
    expect(status.status).toBe('revoked');
    expect(status.revoked_at).not.toBeNull();
    for (const sid of [a.current, a.iphone, a.linux]) {
      expect((await hostSessionStatus(stack.server, sid)).status).toBe('active');
    }

    const revoked = (await hostEvents(page)).filter((e) => e.type === 'session-revoked');
    expect(revoked).toHaveLength(1);
    expect(revoked[0]?.detail).toEqual({ id: firefox?.id });
  });

  it('cancelling the confirmation revokes nothing', async () => {
    const a = await account();
    const page = await openSessions(a);
    const w = widget(page);
    await w.getByRole('button', { name: 'Sign out Safari on iPhone' }).click();
    const dialog = w.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await rows(page).count()).toBe(4);
    expect((await hostSessionStatus(stack.server, a.iphone)).status).toBe('active');
    expect(await hostEvents(page)).toEqual([]);
  });

  it('"Sign out all other sessions" leaves exactly the current one', async () => {
    const a = await account();
    const page = await openSessions(a);
    const w = widget(page);
    await w.getByRole('button', { name: 'Sign out all other sessions' }).click();
    const dialog = w.getByRole('dialog', { name: 'Sign out all other sessions?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Sign out all other sessions' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await expect.poll(() => rows(page).count()).toBe(1);
    expect(await shown(rows(page))).toContain('This device');
    expect(await w.locator('[part~="revoke-others-button"]').count()).toBe(0);
    const left = await apiSessions(a);
    expect(left).toHaveLength(1);
    expect(left[0]?.current).toBe(true);
    expect((await hostSessionStatus(stack.server, a.current)).status).toBe('active');
    for (const sid of [a.firefox, a.iphone, a.linux]) {
      expect((await hostSessionStatus(stack.server, sid)).status).toBe('revoked');
    }
    expect(await hostEvents(page)).toContainEqual({ type: 'session-revoked', detail: { others: 3 } });
  });

  it('revokes with the keyboard alone: Tab, Enter and Space, focus into the dialog and back', async () => {
    const a = await account();
    const page = await openSessions(a);
    const target = 'Sign out Firefox on Linux PC';
    // Tab from the top of the page until the Linux session's sign-out button has focus.
    let found = false;
    for (let i = 0; i < 40 && !found; i++) {
      await page.keyboard.press('Tab');
      found = (await focused(page)).label.startsWith(target);
    }
    expect(found, 'Tab reaches the sign-out button of a session').toBe(true);
    const trigger = await focused(page);
    expect(trigger.part).toContain('revoke-button');

    // Enter opens the confirmation with focus on its safe choice; Escape-free cancel with Enter.
    await page.keyboard.press('Enter');
    await widget(page).getByRole('dialog').waitFor();
    expect(await focused(page)).toMatchObject({ inDialog: true, label: 'Cancel' });
    await page.keyboard.press('Enter');
    await widget(page).getByRole('dialog').waitFor({ state: 'hidden' });
    await expect.poll(() => focused(page)).toMatchObject({ inDialog: false, label: trigger.label });

    // Space opens it again; Tab to the confirming button; Space confirms.
    await page.keyboard.press('Space');
    await widget(page).getByRole('dialog').waitFor();
    expect((await focused(page)).inDialog).toBe(true);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ inDialog: true, part: 'button confirm-button' });
    await page.keyboard.press('Space');
    await widget(page).getByRole('dialog').waitFor({ state: 'hidden' });

    await expect.poll(async () => (await hostSessionStatus(stack.server, a.linux)).status).toBe('revoked');
    await expect.poll(() => rows(page).count()).toBe(3);
    // The button is gone with its row, so focus is back in the panel it was in, not lost to the page.
    await expect.poll(() => focused(page)).toMatchObject({ inDialog: false, id: 'panel' });
    for (const sid of [a.current, a.firefox, a.iphone]) {
      expect((await hostSessionStatus(stack.server, sid)).status).toBe('active');
    }
  });

  it('shows a sign-in made elsewhere within 5 s, and drops a session revoked elsewhere', async () => {
    const a = await account();
    let stream: Promise<unknown> = Promise.resolve();
    const page = await stack.pages.open(stack.host.url({ user: a.user, sid: a.current }), {
      before: (p) => {
        stream = p.waitForResponse(
          (r) => r.url() === `${stack.server.url}/v1/me/stream` && r.status() === 200,
        );
      },
    });
    await settled(page);
    const w = widget(page);
    const panel = w.locator('[part~="panel"]');
    const signIns = w.locator('[part~="activity-item"]').filter({ hasText: 'Signed in' });
    await expect.poll(() => signIns.count()).toBe(4);
    // The live stream is open (as it is by the time a user has read the page).
    await stream;
    await page.waitForTimeout(200);

    const res = await ingest(stack.server, {
      events: [signIn(a.user, uid('edge'), { user_agent: UA.winEdge, ip_address: '192.0.2.150' })],
    });
    expect(res.status).toBe(202);
    const sent = Date.now();
    await expect.poll(() => shown(panel), { timeout: 5000, interval: 100 }).toContain('Edge on Windows PC');
    expect(Date.now() - sent).toBeLessThan(5000);
    expect(await signIns.count()).toBe(5);

    // Now the sessions: revoked through the API from another session, it disappears without a reload.
    await w.getByRole('tab', { name: 'Sessions' }).click();
    await expect.poll(() => rows(page).count()).toBe(5);
    const iphone = (await apiSessions(a)).find((s) => s.device?.os === 'iOS');
    expect(iphone).toBeDefined();
    const elsewhere = await mintToken(stack.server, { userId: a.user, sessionId: a.firefox });
    const del = await asUser(stack.server, elsewhere, `/v1/me/sessions/${encodeURIComponent(iphone!.id)}`, {
      method: 'DELETE',
    });
    expect(del.status).toBe(200);
    const revoked = Date.now();
    await expect.poll(() => rows(page).count(), { timeout: 5000, interval: 100 }).toBe(4);
    expect(Date.now() - revoked).toBeLessThan(5000);
    expect(await rows(page).allInnerTexts()).not.toContainEqual(expect.stringContaining('Safari on iPhone'));
  });
});
