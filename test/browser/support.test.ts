// Support mode in real Chromium against the real server: the agent gives a ticket reference before anything
// is fetched, then sees the user's views and revokes a session with a confirmation; the user's own component
// then shows that support did it, with the ticket.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ingest, signIn } from '../support/server.js';
import { ago, hostEvents, hostSessionStatus, settled, shown, UA, uid, useStack, widget } from './support.js';

const stack = useStack();

interface SupportRow {
  user_id: string | null;
  metadata: string | null;
}

/** The `support_access` events in the store, with the user each one is about. */
function supportAccess(): { user: string | null; meta: Record<string, unknown> }[] {
  const db = new Database(stack.server.dbPath, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare<[], SupportRow>(
        `SELECT p.user_id, e.metadata FROM events e LEFT JOIN personal_data p ON p.seq = e.seq
         WHERE e.event_type = 'support_access' ORDER BY e.seq`,
      )
      .all()
      .map((r) => ({
        user: r.user_id,
        meta: r.metadata ? (JSON.parse(r.metadata) as Record<string, unknown>) : {},
      }));
  } finally {
    db.close();
  }
}

describe('<activity-log mode="support">', () => {
  it('asks for the ticket first, then shows the views and revokes; the user sees it was support', async () => {
    const user = uid('usr');
    const agent = uid('agent');
    const current = uid('mac');
    const stolen = uid('win');
    const res = await ingest(stack.server, {
      events: [
        signIn(user, stolen, { user_agent: UA.winFirefox, ip_address: '192.0.2.66', timestamp: ago(40) }),
        signIn(user, current, { user_agent: UA.macChrome, ip_address: '203.0.113.42', timestamp: ago(20) }),
      ],
    });
    expect(res.status).toBe(202);

    const apiCalls: string[] = [];
    const page = await stack.pages.open(
      stack.host.url({ user: agent, scope: 'support', mode: 'support', target: user }),
      {
        before: (p) =>
          p.on('request', (req) => {
            if (req.url().startsWith(`${stack.server.url}/v1/`))
              apiCalls.push(`${req.method()} ${req.url()}`);
          }),
      },
    );
    const w = widget(page);

    // 1. The reason comes first: a form, no tabs, no data, no request, nothing on the record.
    const reason = w.getByLabel('Ticket reference');
    await reason.waitFor();
    expect(await w.getByRole('tab').count()).toBe(0);
    await w.getByRole('button', { name: 'Continue' }).click();
    expect(await shown(w.locator('#reason-error'))).toContain('Enter a ticket reference');
    await page.waitForTimeout(300);
    expect(apiCalls).toEqual([]);
    expect(supportAccess()).toEqual([]);

    // 2. With a ticket, the views (no Privacy: export and erasure are the user's own).
    await reason.fill('142');
    await reason.press('Enter');
    await settled(page);
    expect(await w.getByRole('tab').allInnerTexts()).toEqual(['Activity', 'Sessions', 'Devices']);
    expect(await shown(w.locator('[part~="support-bar"]'))).toContain(`Viewing ${user} for ticket 142`);
    await expect
      .poll(() => w.locator('[part~="activity-item"]').filter({ hasText: 'Signed in' }).count())
      .toBe(2);
    // Support does not speak for the user: no "This wasn't me".
    expect(await w.locator('[part~="report-button"]').count()).toBe(0);
    expect(apiCalls.length).toBeGreaterThan(0);
    for (const call of apiCalls) expect(call).toContain(`/v1/support/users/${user}/`);
    const viewed = supportAccess();
    expect(viewed.length).toBeGreaterThan(0);
    for (const row of viewed) {
      expect(row.user).toBe(user);
      expect(row.meta).toMatchObject({ agent, reason: '142' });
    }

    // 3. Sessions, and a revoke with its confirmation.
    await w.getByRole('tab', { name: 'Sessions' }).click();
    const rows = w.locator('[part~="session-row"]');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await w.locator('[part~="revoke-others-button"]').count()).toBe(0);
    await w.getByRole('button', { name: 'Sign out Firefox on Windows PC' }).click();
    const dialog = w.getByRole('dialog', { name: 'Sign out this session?' });
    await dialog.waitFor();
    expect((await hostSessionStatus(stack.server, stolen)).status).toBe('active');
    await dialog.getByRole('button', { name: 'Sign out', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => rows.count()).toBe(1);
    const status = await hostSessionStatus(stack.server, stolen);
    expect(status.status).toBe('revoked');
    expect(status.revoked_by).toContain(agent);
    expect((await hostSessionStatus(stack.server, current)).status).toBe('active');
    expect(await hostEvents(page)).toContainEqual({
      type: 'session-revoked',
      detail: { id: expect.any(String) },
    });
    expect(supportAccess().filter((r) => r.meta.action === 'revoked_session')).toHaveLength(1);

    // 4. The user's own component, on their own session, shows what support did and under which ticket.
    const mine = await stack.pages.open(stack.host.url({ user, sid: current }));
    await settled(mine);
    const panel = widget(mine).locator('[part~="panel"]');
    await expect.poll(() => shown(panel)).toContain('Support signed out a session — ticket #142');
    const text = await shown(panel);
    expect(text).toContain('Support viewed your sessions — ticket #142');
    expect(text).toContain('Support viewed your activity — ticket #142');
    await widget(mine).getByRole('tab', { name: 'Sessions' }).click();
    await expect.poll(() => widget(mine).locator('[part~="session-row"]').count()).toBe(1);
    expect(await shown(widget(mine).locator('[part~="session-row"]'))).toContain('This device');
  });
});
