// The Privacy view in real Chromium against the real server: the CSV download is a valid file of the user's
// whole history, and an erasure request, once confirmed, shows its status and the date it will run.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../server/views/export-csv.js';
import type { ActivityItem, Page as ApiPage, ErasureView } from '../../shared/api.js';
import { asUser, ingest, mintToken, signIn } from '../support/server.js';
import { ago, hostEvents, settled, shown, UA, uid, useStack, widget } from './support.js';

const stack = useStack();

/** RFC 4180: quoted fields may hold commas, doubled quotes and line breaks; records end in CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        cell += ch;
      }
    } else if (ch === '"') {
      if (cell !== '') throw new Error(`a quote inside an unquoted cell at ${i}`);
      quoted = true;
    } else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else if (ch === '\n' || ch === '\r') {
      throw new Error(`a bare line break outside quotes at ${i}`);
    } else {
      cell += ch;
    }
  }
  if (quoted) throw new Error('an unterminated quoted cell');
  if (cell !== '' || row.length > 0) throw new Error('the last record does not end in CRLF');
  return rows;
}

async function allActivity(token: string): Promise<ActivityItem[]> {
  const items: ActivityItem[] = [];
  let cursor: string | null = null;
  do {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const res = await asUser(stack.server, token, `/v1/me/activity?limit=200${q}`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as ApiPage<ActivityItem>;
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

describe('<activity-log> privacy view', () => {
  it('downloads a valid CSV of the whole history', async () => {
    const user = uid('usr');
    const sid = uid('s');
    const tricky = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0, "quoted"';
    const res = await ingest(stack.server, {
      events: [
        signIn(user, sid, { user_agent: UA.macChrome, timestamp: ago(120) }),
        signIn(user, uid('s'), { user_agent: tricky, ip_address: '198.51.100.61', timestamp: ago(100) }),
        {
          event_type: 'profile_update',
          outcome: 'success',
          user_id: user,
          session_id: sid,
          timestamp: ago(90),
          metadata: { field: 'display_name', note: 'line one\nline two, with "quotes"', formula: '=1+2' },
        },
        {
          event_type: 'login_failure',
          outcome: 'failure',
          user_id: user,
          ip_address: '192.0.2.33',
          timestamp: ago(80),
          metadata: { reason: 'invalid_password' },
        },
      ],
    });
    expect(res.status).toBe(202);

    const page = await stack.pages.open(stack.host.url({ user, sid, view: 'privacy' }), {
      acceptDownloads: true,
    });
    await settled(page);
    const w = widget(page);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      w.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^activity-\d{4}-\d{2}-\d{2}\.csv$/);
    const path = await download.path();
    const text = await readFile(path, 'utf8');
    const rows = parseCsv(text);
    const [header, ...records] = rows;
    expect(header).toEqual([...CSV_COLUMNS]);
    for (const r of records) expect(r).toHaveLength(CSV_COLUMNS.length);

    // Exactly the user's history as the API lists it, the export itself included.
    const token = await mintToken(stack.server, { userId: user, sessionId: sid });
    const api = await allActivity(token);
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    expect(records.map((r) => r[col('id')]).sort()).toEqual(api.map((i) => i.id).sort());
    const byType = (type: string) => records.filter((r) => r[col('event_type')] === type);
    expect(byType('login_success')).toHaveLength(2);
    expect(byType('data_export')).toHaveLength(1);
    expect(byType('login_failure')[0]?.[col('outcome')]).toBe('failure');
    expect(byType('login_failure')[0]?.[col('ip')]).toBe('192.0.2.xxx');
    // Commas, quotes and line breaks survive the round trip.
    const uas = records.map((r) => r[col('user_agent')]);
    expect(uas).toContain(tricky);
    const profile = byType('profile_update')[0];
    const meta = JSON.parse(profile?.[col('metadata')] ?? '{}') as Record<string, unknown>;
    expect(meta.note).toBe('line one\nline two, with "quotes"');
    const current = records.filter((r) => r[col('this_session')] === 'yes');
    expect(current.length).toBeGreaterThan(0);
    for (const r of records) {
      expect(r[col('timestamp')]).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(r[col('this_session')]).toMatch(/^(yes|no)$/);
    }
  });

  it('requests erasure after a confirmation that says what will and will not be erased, and shows its status', async () => {
    const user = uid('usr');
    const sid = uid('s');
    const res = await ingest(stack.server, { events: [signIn(user, sid, { timestamp: ago(60) })] });
    expect(res.status).toBe(202);
    const page = await stack.pages.open(stack.host.url({ user, sid, view: 'privacy' }));
    await settled(page);
    const w = widget(page);
    await w.getByRole('button', { name: 'Request erasure' }).click();
    const dialog = w.getByRole('dialog', { name: 'Erase your personal data' });
    await dialog.waitFor();
    const said = await shown(dialog);
    expect(said).toContain('What will be erased');
    expect(said).toContain('What will stay');
    const token = await mintToken(stack.server, { userId: user, sessionId: sid });
    const before = (await (await asUser(stack.server, token, '/v1/me/erasure')).json()) as ErasureView;
    expect(before.status).toBe('none');

    await dialog.getByRole('button', { name: 'Erase my data' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const view = (await (await asUser(stack.server, token, '/v1/me/erasure')).json()) as ErasureView;
    expect(view.status).toBe('pending');
    const grace = Date.parse(view.scheduled_for ?? '') - Date.parse(view.requested_at ?? '');
    expect(Math.round(grace / 86_400_000)).toBe(7);
    const when = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' }).format(
      new Date(view.scheduled_for ?? ''),
    );
    const status = w.locator('[part~="erasure-status"]');
    await status.waitFor();
    // (The exact request time follows the relative one, as its tooltip.)
    expect(await shown(status)).toMatch(
      new RegExp(`^Erasure requested (just )?now\\b[\\s\\S]*It will be carried out on ${when}\\.$`),
    );
    expect(await w.getByRole('button', { name: 'Request erasure' }).count()).toBe(0);
    expect((await hostEvents(page)).filter((e) => e.type === 'erasure-requested')).toEqual([
      { type: 'erasure-requested', detail: view },
    ]);

    // The status is the server's, not the page's: a fresh visit shows it too.
    await page.reload();
    await settled(page);
    expect(await shown(w.locator('[part~="erasure-status"]'))).toContain(`carried out on ${when}`);
  });
});
