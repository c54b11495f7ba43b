// The demo page as a visitor sees it, in real Chromium against a real demo server: no horizontal overflow
// on a 390 px phone in English, German or Japanese, tabs that wrap rather than hide, Japanese words and
// badges kept whole; the Try it panel's host status flips to `revoked`, and the revoke link from the
// email works in a fresh page. Screenshots of every view at 390 and 1280 px go to test-output/screenshots/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startServer, type TestServer, tempDir } from '../support/server.js';
import { launchBrowser, settled, shown, widget } from './support.js';

const SHOTS = join(ROOT, 'test-output/screenshots');
const VIEWS = ['activity', 'sessions', 'devices', 'privacy'] as const;
const TAB_NAMES: Record<string, string[]> = {
  en: ['Activity', 'Sessions', 'Devices', 'Privacy'],
};

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const dir = tempDir();
  server = await startServer({
    dir,
    reuseEnv: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      RECEIPTS_DB: join(dir, 'receipts.db'),
    },
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(width: number, lang: string): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${server.url}/`);
  await page.selectOption('#locale', lang);
  await settled(page);
  await page.waitForFunction(
    (l) =>
      document
        .querySelector('activity-log')
        ?.shadowRoot?.querySelector('[part~="base"]')
        ?.getAttribute('lang') === l,
    lang,
  );
  return page;
}

const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describe('the demo page in every language', () => {
  for (const lang of ['en', 'de', 'ja']) {
    for (const width of [390, 1280]) {
      it(`fits ${width} px in ${lang}, every view, with every tab visible and whole`, async () => {
        const page = await open(width, lang);
        const w = widget(page);
        const tabs = w.locator('[part~="tab"]');
        for (const [i, view] of VIEWS.entries()) {
          await tabs.nth(i).click();
          await settled(page);
          expect(await overflow(page), `${lang} ${width} ${view}: horizontal overflow`).toBeLessThanOrEqual(
            0,
          );
          await page.screenshot({
            path: join(SHOTS, `demo-${lang}-${width}-${view}.png`),
            fullPage: width === 390,
          });
        }
        // Every tab is inside the component's box and on one line (no label broken one character per line).
        const boxes = await tabs.evaluateAll((els) =>
          els.map((el) => {
            const r = el.getBoundingClientRect();
            const host = (el.getRootNode() as ShadowRoot).host.getBoundingClientRect();
            const line = Number.parseFloat(getComputedStyle(el).lineHeight) || 24;
            return {
              inside: r.right <= host.right + 0.5 && r.left >= host.left - 0.5,
              lines: Math.round((r.height - 16) / line),
            };
          }),
        );
        for (const b of boxes) {
          expect(b.inside).toBe(true);
          expect(b.lines).toBeLessThanOrEqual(1);
        }
        if (lang === 'en') expect(await tabs.allInnerTexts()).toEqual(TAB_NAMES.en);
        await page.context().close();
      });
    }
  }
});

describe('the demo page checks its entries against the log', () => {
  it('says the history was checked by the browser, with the key the server publishes', async () => {
    const key = await (await fetch(`${server.url}/v1/log/key`)).text();
    const page = await open(1280, 'en');
    expect(await page.locator('activity-log').getAttribute('log-key')).toBe(key.trim());
    await expect
      .poll(() => shown(widget(page).locator('[part~="panel"]')), { timeout: 15_000 })
      .toContain('Recorded in a tamper-evident log, checked by your browser.');
    await page.context().close();
  });
});

describe('the Try it panel', () => {
  it('shows the host status flip to revoked, and the emailed revoke link works in a fresh page', async () => {
    const page = await open(1280, 'en');
    const w = widget(page);
    await page.click('#simulate');
    const status = page.locator('#host-status li').first();
    await expect.poll(() => status.textContent()).toContain('active');
    const link = page.locator('#email a');
    await link.waitFor();
    const href = await link.getAttribute('href');
    expect(href).toMatch(/^\/v1\/revoke\//);
    await page.screenshot({ path: join(SHOTS, 'demo-try-it-1280.png') });

    // A fresh page, as from the email: confirm, then sign it out.
    const fresh = await browser.newContext();
    const mail = await fresh.newPage();
    await mail.goto(`${server.url}${href}`);
    expect(await mail.locator('h1').textContent()).toContain('Sign out this device?');
    await mail.getByRole('button', { name: 'Sign it out' }).click();
    await expect.poll(() => mail.locator('h1').textContent()).toContain('that device is signed out');
    await fresh.close();

    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toContain('revoked (by link)');
    await w.getByRole('tab', { name: 'Activity' }).click();
    await expect
      .poll(() => shown(w.locator('[part~="panel"]')), { timeout: 10_000 })
      .toContain('Session signed out remotely');
    await page.context().close();
  });
});
