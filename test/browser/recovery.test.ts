// A component that recovers, in real Chromium against the real server: a token for another person shows
// nothing of the first one's, a malformed token says so to the developer, the offline state is visible,
// and after the server restarts the views that failed come back without a click.
import { describe, expect, it } from 'vitest';
import { ingest, mintToken, signIn, startServer } from '../support/server.js';
import { ago, settled, shown, UA, uid, useStack, widget } from './support.js';

const stack = useStack();

describe('<activity-log> recovery', () => {
  it('drops everything shown when the token is for someone else, before anything of theirs appears', async () => {
    const alice = uid('alice');
    const bob = uid('bob');
    const events = [
      signIn(alice, uid('s'), { user_agent: UA.winFirefox, ip_address: '198.51.100.61', timestamp: ago(5) }),
      signIn(bob, uid('s'), { user_agent: UA.iphoneSafari, ip_address: '198.51.100.62', timestamp: ago(4) }),
    ];
    expect((await ingest(stack.server, { events })).status).toBe(202);
    const page = await stack.pages.open(stack.host.url({ user: alice }));
    await settled(page);
    const w = widget(page);
    await expect.poll(() => shown(w.locator('[part~="panel"]'))).toContain('Firefox on Windows PC');
    const bobToken = await mintToken(stack.server, { userId: bob });
    // Right after the swap renders, not one line of Alice's history may be on screen.
    const right = await page.evaluate(async (token) => {
      const el = document.querySelector('activity-log') as HTMLElement & {
        token: string;
        updateComplete: Promise<unknown>;
      };
      el.token = token;
      await el.updateComplete;
      return el.shadowRoot?.textContent ?? '';
    }, bobToken);
    expect(right).not.toContain('Windows PC');
    expect(right).not.toContain('198.51.100');
    await expect.poll(() => shown(w.locator('[part~="panel"]'))).toContain('Safari on iPhone');
    expect(await shown(w.locator('[part~="panel"]'))).not.toContain('Windows PC');
  });

  it('tells the developer in the console what is wrong with a malformed token', async () => {
    const page = await stack.pages.open(stack.host.url({ user: uid('usr') }));
    const warnings: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    await settled(page);
    await page.evaluate(() => {
      (document.querySelector('activity-log') as HTMLElement & { token: string }).token = 'not-a-jwt';
    });
    await expect.poll(() => warnings.join('\n')).toContain('`token` is not a widget token');
  });

  it('shows it is offline, and comes back by itself when the server restarts', async () => {
    const user = uid('usr');
    const events = [
      signIn(user, uid('s'), { timestamp: ago(3) }),
      { event_type: 'password_change', outcome: 'success', user_id: user, timestamp: ago(2) },
    ];
    expect((await ingest(stack.server, { events })).status).toBe(202);
    const page = await stack.pages.open(stack.host.url({ user }));
    await settled(page);
    const w = widget(page);
    await w.locator('[part~="activity-item"]').first().waitFor();
    const old = stack.server;
    const port = new URL(old.url).port;
    await old.stop();
    // While it is down, a list not yet loaded fails and the component says it is offline.
    await w.getByRole('button', { name: 'Security' }).click();
    await w.locator('[part~="error"]').waitFor({ timeout: 15_000 });
    await w.locator('[part~="offline"]').waitFor({ timeout: 15_000 });
    const restarted = await startServer({ dir: old.dir, reuseEnv: { ...old.env, PORT: port } });
    try {
      // No click: the stream reopens and what failed loads again.
      await w.locator('[part~="activity-item"]').first().waitFor({ timeout: 30_000 });
      await expect.poll(() => w.locator('[part~="offline"]').count(), { timeout: 15_000 }).toBe(0);
      expect(await w.locator('[part~="error"]').count()).toBe(0);
    } finally {
      await restarted.stop();
    }
  });
});
