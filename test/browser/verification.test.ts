// The log check in real Chromium against the real server: with `log-key` set to the server's key the
// component shows every event verified (a live one too, its newer checkpoint proven consistent); a proof altered on the way, or a wrong key, is shown
// as a failure and fires `activity-error`; a page that cannot check, or a malformed key, never claims to have.
// Screenshots at 390 and 1280 px go to test-output/screenshots/verification-*.png.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ActivityProof } from '../../shared/api.js';
import { formatVkey, keyIdOf, parseVkey } from '../../shared/tlog/index.js';
import { ingest, ROOT, signIn } from '../support/server.js';
import { ago, hostEvents, settled, shown, UA, uid, useStack, widget } from './support.js';

const SHOTS = join(ROOT, 'test-output/screenshots');
const AXE = join(dirname(createRequire(import.meta.url).resolve('axe-core')), 'axe.min.js');
const VERIFIED = 'Recorded in a tamper-evident log, checked by your browser.';
const COULD_NOT = 'Your browser could not check this history against the tamper-evident log.';
const MARK = 'Checked: recorded in the tamper-evident log';

const stack = useStack();
/** The server's verifier key, as a host reads it once from `GET /v1/log/key`. */
let serverKey = '';

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const res = await fetch(`${stack.server.url}/v1/log/key`);
  expect(res.status).toBe(200);
  serverKey = (await res.text()).trim();
});

/** A user with a few weeks' worth of sign-ins, a failure and an export; returns the user and this session. */
async function account(): Promise<{ user: string; sid: string }> {
  const user = uid('usr');
  const sid = uid('s');
  const events = [
    signIn(user, uid('s'), { user_agent: UA.winFirefox, ip_address: '198.51.100.4', timestamp: ago(3000) }),
    signIn(user, uid('s'), { user_agent: UA.iphoneSafari, ip_address: '198.51.100.5', timestamp: ago(1500) }),
    {
      ...signIn(user, uid('s'), { user_agent: UA.androidChrome, timestamp: ago(200) }),
      event_type: 'login_failure',
      outcome: 'failure',
      metadata: { reason: 'invalid_password' },
    },
    signIn(user, sid, { user_agent: UA.macChrome, timestamp: ago(60) }),
    { ...signIn(user, sid), event_type: 'data_export', timestamp: ago(30) },
  ];
  const res = await ingest(stack.server, { events });
  expect(res.status, await res.clone().text()).toBe(202);
  return { user, sid };
}

const items = (page: Page) => widget(page).locator('[part~="activity-item"]');
const line = (page: Page) => widget(page).locator('[part~="verification"]');

/** How many items the feed shows once loaded (the server adds its own, such as alerts and support access). */
async function shownCount(page: Page): Promise<number> {
  await settled(page);
  await expect.poll(() => items(page).count()).toBeGreaterThanOrEqual(5);
  return items(page).count();
}

/** Sets `log-key` on the component, as a host page does in its markup. */
async function setKey(page: Page, key: string): Promise<void> {
  await page.evaluate((k) => document.querySelector('activity-log')?.setAttribute('log-key', k), key);
}

async function shoot(page: Page, name: string): Promise<void> {
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(SHOTS, `verification-${name}-${width}.png`), fullPage: true });
  }
}

/** axe's serious and critical violations on the page as it is now, as `id: target` lines. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const results = await page.evaluate(() =>
    (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe.run(
      document,
      { resultTypes: ['violations'] },
    ),
  );
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}

/** A well-formed key of the same name as the server's, for a key pair the server never had. */
async function strangerKey(): Promise<string> {
  const { name } = parseVkey(serverKey);
  const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
  const raw = new Uint8Array(Buffer.from(jwk.x as string, 'base64url'));
  return formatVkey(name, await keyIdOf(name, raw), raw);
}

describe('<activity-log log-key>', () => {
  it("shows every event verified against the server's key, a live one too, fetching each proof once", async () => {
    const { user, sid } = await account();
    const proofs: string[] = [];
    const consistency: string[] = [];
    const page = await stack.pages.open(stack.host.url({ user, sid }), {
      before: (p) =>
        p.on('request', (req) => {
          if (req.url().endsWith('/proof')) proofs.push(new URL(req.url()).pathname);
          if (req.url().includes('/v1/log/consistency')) consistency.push(new URL(req.url()).search);
        }),
    });
    await setKey(page, serverKey);
    const count = await shownCount(page);
    await expect.poll(() => shown(line(page))).toBe(VERIFIED);
    const w = widget(page);
    expect(await w.getByRole('img', { name: MARK }).count()).toBe(count);
    expect(await w.locator('[part~="unverified-mark"]').count()).toBe(0);
    expect(proofs).toHaveLength(count);
    expect(new Set(proofs).size).toBe(count);
    for (const path of proofs) expect(path).toMatch(/^\/v1\/me\/activity\/[^/]+\/proof$/);
    expect(await axeViolations(page)).toEqual([]);
    await shoot(page, 'verified');

    // A new sign-in arrives live, and is checked as it appears.
    const res = await ingest(stack.server, signIn(user, uid('s'), { user_agent: UA.linuxFirefox }));
    expect(res.status).toBe(202);
    await expect.poll(() => items(page).count()).toBe(count + 1);
    await expect.poll(() => w.getByRole('img', { name: MARK }).count()).toBe(count + 1);
    expect(await shown(line(page))).toBe(VERIFIED);
    // Its proof came with a newer checkpoint, which the page accepted only as an extension of the first.
    expect(consistency.length).toBeGreaterThan(0);
    const failures = (await hostEvents(page)).filter((e) => e.type === 'activity-error');
    expect(failures).toEqual([]);
  });

  it("checks through the support route in support mode, the agent's ticket attached", async () => {
    const { user } = await account();
    const proofs: { path: string; reason: string | null }[] = [];
    const page = await stack.pages.open(
      stack.host.url({ user: uid('agent'), scope: 'support', mode: 'support', target: user }),
      {
        before: (p) =>
          p.on('request', (req) => {
            if (req.url().endsWith('/proof'))
              proofs.push({
                path: new URL(req.url()).pathname,
                reason: req.headers()['x-support-reason'] ?? null,
              });
          }),
      },
    );
    await setKey(page, serverKey);
    const w = widget(page);
    const reason = w.getByLabel('Ticket reference');
    await reason.fill('T-881');
    await reason.press('Enter');
    const count = await shownCount(page);
    await expect.poll(() => shown(line(page))).toBe(VERIFIED);
    expect(await w.getByRole('img', { name: MARK }).count()).toBe(count);
    expect(proofs).toHaveLength(count);
    for (const p of proofs) {
      expect(p.path).toMatch(new RegExp(`^/v1/support/users/${user}/activity/[^/]+/proof$`));
      expect(p.reason).toBe('T-881');
    }
  });

  it("says it in the component's language", async () => {
    const { user, sid } = await account();
    const page = await stack.pages.open(stack.host.url({ user, sid }));
    await page.evaluate(() => document.querySelector('activity-log')?.setAttribute('locale', 'de'));
    await setKey(page, serverKey);
    const count = await shownCount(page);
    await expect
      .poll(() => shown(line(page)))
      .toBe('In einem fälschungssicheren Protokoll festgehalten, von Ihrem Browser geprüft.');
    const marks = widget(page).getByRole('img', {
      name: 'Geprüft: im fälschungssicheren Protokoll festgehalten',
    });
    expect(await marks.count()).toBe(count);
  });

  it('says it is checking, and marks nothing, until the proofs are in', async () => {
    const { user, sid } = await account();
    const page = await stack.pages.open(stack.host.url({ user, sid }));
    const count = await shownCount(page);
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    await page.route('**/v1/me/activity/*/proof', async (route) => {
      await held;
      await route.continue();
    });
    const w = widget(page);
    try {
      await setKey(page, serverKey);
      await expect
        .poll(() => shown(line(page)))
        .toBe('Checking this history against the tamper-evident log…');
      expect(await w.locator('[part~="verified-mark"]').count()).toBe(0);
    } finally {
      release();
    }
    await expect.poll(() => shown(line(page))).toBe(VERIFIED);
    expect(await w.getByRole('img', { name: MARK }).count()).toBe(count);
  });

  it('shows a proof altered on the way as a failure, names the entry and fires activity-error', async () => {
    const { user, sid } = await account();
    const page = await stack.pages.open(stack.host.url({ user, sid }));
    const count = await shownCount(page);
    const target = await items(page).nth(1).getAttribute('data-key');
    expect(target).toBeTruthy();
    await page.route('**/v1/me/activity/*/proof', async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as ActivityProof;
      if (body.event.id === target) {
        expect(body.proof.length).toBeGreaterThan(0);
        const first = Buffer.from(body.proof[0] as string, 'base64');
        first[7] = (first[7] as number) ^ 0x20;
        body.proof[0] = first.toString('base64');
      }
      await route.fulfill({ response: res, json: body });
    });
    await setKey(page, serverKey);

    const w = widget(page);
    const alert = w.locator('[part~="verification-failed"]');
    await alert.waitFor();
    await expect.poll(() => w.getByRole('img', { name: MARK }).count()).toBe(count - 1);
    const text = await shown(alert);
    expect(text).toContain('1 entry could not be verified');
    expect(text).toContain('This history may have been altered');
    expect(await w.getByRole('alert').filter({ hasText: 'could not be verified' }).count()).toBe(1);
    const bad = w.locator(`[data-key="${target}"] [part~="unverified-mark"]`);
    expect(await shown(bad)).toContain('Not verified');
    expect(await w.locator('[part~="unverified-mark"]').count()).toBe(1);
    expect(text).not.toContain(VERIFIED);
    await expect
      .poll(async () => (await hostEvents(page)).filter((e) => e.type === 'activity-error'))
      .toEqual([
        {
          type: 'activity-error',
          detail: expect.objectContaining({ code: 'log_verification_failed', eventIds: [target] }),
        },
      ]);
    expect(await axeViolations(page)).toEqual([]);
    await shoot(page, 'altered');
  });

  it('shows every entry as not verified when log-key is not the key that signs the log', async () => {
    const { user, sid } = await account();
    const page = await stack.pages.open(stack.host.url({ user, sid }));
    await setKey(page, await strangerKey());
    const count = await shownCount(page);
    const w = widget(page);
    await expect.poll(() => w.locator('[part~="unverified-mark"]').count()).toBe(count);
    expect(await shown(line(page))).toContain(`${count} entries could not be verified`);
    expect(await w.getByRole('img', { name: MARK }).count()).toBe(0);
    await expect
      .poll(async () => (await hostEvents(page)).map((e) => (e.detail as { code: string }).code))
      .toContain('log_verification_failed');
  });

  it('says it could not check, and never that events are verified, where the page has no WebCrypto', async () => {
    const { user, sid } = await account();
    const page = await stack.pages.open(stack.host.url({ user, sid }));
    // As on a page served over plain http from another host: no crypto.subtle.
    await page.addInitScript(() => {
      Object.defineProperty(Crypto.prototype, 'subtle', { get: () => undefined });
    });
    await page.reload();
    await setKey(page, serverKey);
    await settled(page);
    await expect.poll(() => shown(line(page))).toBe(COULD_NOT);
    const w = widget(page);
    expect(await w.locator('[part~="verified-mark"], [part~="unverified-mark"]').count()).toBe(0);
    expect(await shown(w.locator('[part~="panel"]'))).not.toContain('checked by your browser');
  });

  it('tells the integrator in the console when log-key is malformed, and says it could not check', async () => {
    const { user, sid } = await account();
    const messages: string[] = [];
    const page = await stack.pages.open(stack.host.url({ user, sid }), {
      before: (p) => p.on('console', (m) => messages.push(m.text())),
    });
    await setKey(page, 'receipts-log-key');
    await settled(page);
    await expect.poll(() => shown(line(page))).toBe(COULD_NOT);
    expect(messages.some((m) => m.includes('log-key'))).toBe(true);
    expect(await widget(page).locator('[part~="verified-mark"]').count()).toBe(0);
  });
});
