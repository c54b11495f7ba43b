// Accessibility in real Chromium: axe-core finds no serious or critical violation in any view of the
// component (and in an open confirmation, and the support ticket form), light and dark. Screenshots of each
// go to test-output/screenshots/<view>-<scheme>.png so anyone can look at what users see.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AxeResults, Result } from 'axe-core';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingest, ROOT, signIn } from '../support/server.js';
import { ago, type Scheme, settled, UA, uid, useStack, widget } from './support.js';

const AXE = join(dirname(createRequire(import.meta.url).resolve('axe-core')), 'axe.min.js');
const SHOTS = join(ROOT, 'test-output/screenshots');

const stack = useStack();
const user = uid('usr');
const current = uid('mac');

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const base = { user_id: user, user_agent: UA.macChrome, ip_address: '203.0.113.42' };
  const res = await ingest(stack.server, {
    events: [
      signIn(user, uid('win'), {
        user_agent: UA.winFirefox,
        ip_address: '198.51.100.4',
        timestamp: ago(3000),
      }),
      {
        ...base,
        event_type: 'password_change',
        outcome: 'success',
        session_id: current,
        timestamp: ago(2000),
      },
      signIn(user, uid('iph'), {
        user_agent: UA.iphoneSafari,
        ip_address: '198.51.100.5',
        timestamp: ago(1500),
      }),
      {
        ...base,
        event_type: 'login_failure',
        outcome: 'failure',
        user_agent: UA.androidChrome,
        ip_address: '2001:db8:85a3:1f::7',
        timestamp: ago(200),
        metadata: { reason: 'invalid_password' },
      },
      signIn(user, current, { user_agent: UA.macChrome, timestamp: ago(60) }),
      { ...base, event_type: 'data_export', outcome: 'success', session_id: current, timestamp: ago(30) },
      signIn(user, uid('lnx'), { user_agent: UA.linuxFirefox, ip_address: '192.0.2.9', timestamp: ago(10) }),
    ],
  });
  expect(res.status).toBe(202);
});

async function axe(page: Page): Promise<Result[]> {
  await page.addScriptTag({ path: AXE });
  const results = await page.evaluate(() =>
    (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe.run(
      document,
      { resultTypes: ['violations'] },
    ),
  );
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

function describeViolations(violations: Result[]): string {
  return violations
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help}\n${v.nodes
          .slice(0, 5)
          .map((n) => `  ${JSON.stringify(n.target)} ${n.failureSummary?.replace(/\n/g, ' ')}`)
          .join('\n')}`,
    )
    .join('\n');
}

/** axe and a screenshot of what is on screen now, as `name`. */
async function check(page: Page, name: string, scheme: Scheme, found: Record<string, string>): Promise<void> {
  // Let the last transition finish and the tooltip-free frame settle.
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(SHOTS, `${name}-${scheme}.png`), fullPage: true });
  const violations = await axe(page);
  if (violations.length > 0) found[name] = describeViolations(violations);
}

describe.each(['light', 'dark'] as const)('<activity-log> accessibility, %s', (scheme) => {
  it('has no serious or critical axe violation in any view', async () => {
    const found: Record<string, string> = {};
    const page = await stack.pages.open(stack.host.url({ user, sid: current }), { colorScheme: scheme });
    await settled(page);
    const w = widget(page);
    expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(
      scheme === 'dark',
    );
    await expect.poll(() => w.locator('[part~="activity-item"]').count()).toBeGreaterThan(5);
    await w.locator('[part~="banner"]').waitFor();
    await check(page, 'activity', scheme, found);

    await w.locator('[part~="alerts-toggle"]').click();
    await w.locator('[part~="not-me-button"]').first().click();
    await w.locator('[part~="alert"] .next').first().waitFor();
    await check(page, 'alerts', scheme, found);

    await w.getByRole('tab', { name: 'Sessions' }).click();
    await settled(page);
    await expect.poll(() => w.locator('[part~="session-row"]').count()).toBe(4);
    await check(page, 'sessions', scheme, found);

    await w.getByRole('button', { name: 'Sign out Firefox on Windows PC' }).click();
    await w.getByRole('dialog').waitFor();
    await check(page, 'dialog', scheme, found);
    await page.keyboard.press('Escape');
    await w.getByRole('dialog').waitFor({ state: 'hidden' });

    await w.getByRole('tab', { name: 'Devices' }).click();
    await settled(page);
    await expect.poll(() => w.locator('[part~="device-row"]').count()).toBeGreaterThan(2);
    await check(page, 'devices', scheme, found);

    await w.getByRole('tab', { name: 'Privacy' }).click();
    await settled(page);
    await w.getByRole('button', { name: 'Request erasure' }).waitFor();
    await check(page, 'privacy', scheme, found);

    await w.getByRole('button', { name: 'Request erasure' }).click();
    await w.getByRole('dialog').waitFor();
    await check(page, 'erase-dialog', scheme, found);
    await page.keyboard.press('Escape');

    const support = await stack.pages.open(
      stack.host.url({ user: uid('agent'), scope: 'support', mode: 'support', target: user }),
      { colorScheme: scheme },
    );
    await widget(support).getByLabel('Ticket reference').waitFor();
    await check(support, 'support-form', scheme, found);

    expect(
      found,
      Object.entries(found)
        .map(([view, v]) => `[${view}]\n${v}`)
        .join('\n'),
    ).toEqual({});
  });
});
