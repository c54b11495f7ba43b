// GET /v1/me/activity: newest first, opaque cursors that cover every event once, filters, validation,
// devices parsed from user agents, `current`, and personal metadata masked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityItem, Page } from '../../../shared/api.js';
import { asUser, ingest, mintToken, signIn, startServer, type TestServer } from '../../support/server.js';
import { json } from '../http/helpers.js';

const USER = 'usr_activity';
const CHROME_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const FIREFOX_WIN = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';

interface Sent {
  id: string;
  event_type: string;
  outcome: 'success' | 'failure';
  timestamp: string;
}

let server: TestServer;
let token: string;
const sent: Sent[] = [];
const T0 = Date.now() - 2 * 86400_000;
const at = (minute: number) => new Date(T0 + minute * 60_000).toISOString();

async function page(query: string): Promise<Page<ActivityItem>> {
  const res = await asUser(server, token, `/v1/me/activity?${query}`);
  expect(res.status, `${query}: ${res.status}`).toBe(200);
  return json<Page<ActivityItem>>(res);
}

/** Follows the cursor to the end; returns the items and how many pages it took. */
async function walk(query: string): Promise<{ items: ActivityItem[]; pages: number }> {
  const items: ActivityItem[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const p: Page<ActivityItem> = await page(
      `${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    items.push(...p.items);
    cursor = p.next_cursor;
    pages++;
    expect(pages).toBeLessThan(100);
  } while (cursor);
  return { items, pages };
}

const idsOf = (items: { id: string }[]) => items.map((i) => i.id);

beforeAll(async () => {
  server = await startServer();
  const types: [string, 'success' | 'failure'][] = [
    ['login_success', 'success'],
    ['login_failure', 'failure'],
    ['data_access', 'success'],
    ['logout', 'success'],
    ['password_change', 'success'],
  ];
  const events: Record<string, unknown>[] = [];
  for (let n = 0; n < 25; n++) {
    const [event_type, outcome] = types[n % types.length]!;
    const e: Sent = { id: `act_${String(n).padStart(2, '0')}`, event_type, outcome, timestamp: at(n * 10) };
    sent.push(e);
    events.push({ ...e, user_id: USER, ip_address: '203.0.113.42', user_agent: CHROME_MAC });
  }
  // Three events in the same millisecond: the order among them must still be stable and newest-first.
  for (const n of [0, 1, 2]) {
    const e: Sent = { id: `act_tie_${n}`, event_type: 'data_access', outcome: 'success', timestamp: at(500) };
    sent.push(e);
    events.push({ ...e, user_id: USER });
  }
  events.push(
    signIn(USER, 'h_current', { id: 'act_cur', user_agent: IPHONE, timestamp: at(600) }),
    { ...signIn(USER, 'h_current', { id: 'act_cur_access', timestamp: at(601) }), event_type: 'data_access' },
    signIn(USER, 'h_other', { id: 'act_other_session', user_agent: FIREFOX_WIN, timestamp: at(602) }),
    {
      id: 'act_profile',
      event_type: 'profile_update',
      outcome: 'success',
      user_id: USER,
      timestamp: at(603),
      metadata: {
        email: 'alice@example.com',
        backup_email: 'al@example.com',
        phone: '+1 415 555 0123',
        field: 'email',
      },
    },
    {
      id: 'act_no_ua',
      event_type: 'password_reset_requested',
      outcome: 'success',
      user_id: USER,
      timestamp: at(604),
    },
    signIn('usr_activity_other', 'h_x', { id: 'act_not_mine', timestamp: at(605) }),
  );
  for (const e of events.slice(sent.length, -1)) {
    sent.push({
      id: String(e.id),
      event_type: String(e.event_type),
      outcome: e.outcome as Sent['outcome'],
      timestamp: String(e.timestamp),
    });
  }
  const res = await ingest(server, { events });
  expect(res.status, await res.clone().text()).toBe(202);
  token = await mintToken(server, { userId: USER, sessionId: 'h_current' });
});

afterAll(async () => {
  await server?.stop();
});

describe('order and pagination', () => {
  it('is newest first, ties broken by arrival (latest first)', async () => {
    const { items } = await page('limit=200');
    expect(items.length).toBeGreaterThanOrEqual(sent.length);
    const times = items.map((i) => Date.parse(i.timestamp));
    for (let n = 1; n < times.length; n++) expect(times[n]!).toBeLessThanOrEqual(times[n - 1]!);
    const ties = idsOf(items).filter((id) => id.startsWith('act_tie_'));
    expect(ties).toEqual(['act_tie_2', 'act_tie_1', 'act_tie_0']);
    expect(idsOf(items)).not.toContain('act_not_mine');
  });

  it('a cursor walk over many pages covers every event exactly once, in the same order', async () => {
    const whole = idsOf((await page('limit=200')).items);
    const { items, pages } = await walk('limit=4');
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(whole.length / 4));
    const walked = idsOf(items);
    expect(new Set(walked).size).toBe(walked.length);
    expect(walked).toEqual(whole);
    for (const e of sent) expect(walked).toContain(e.id);
  });

  it('the last page says so', async () => {
    const all = (await page('limit=200')).items.length;
    const last = await page(`limit=${all}`);
    expect(last.items).toHaveLength(all);
    expect(last.next_cursor).toBeNull();
    const short = await page(`limit=${all - 1}`);
    expect(short.next_cursor).toEqual(expect.any(String));
  });
});

describe('filters', () => {
  const expected = (pred: (e: Sent) => boolean) => sent.filter(pred).map((e) => e.id);

  it('event_type takes a comma-separated list', async () => {
    const { items } = await walk('limit=3&event_type=login_failure,logout');
    expect(new Set(items.map((i) => i.event_type))).toEqual(new Set(['login_failure', 'logout']));
    expect(idsOf(items).sort()).toEqual(
      expected((e) => e.event_type === 'login_failure' || e.event_type === 'logout').sort(),
    );
    const one = await walk('limit=50&event_type=password_change');
    expect(idsOf(one.items).sort()).toEqual(expected((e) => e.event_type === 'password_change').sort());
  });

  it('outcome', async () => {
    const failures = (await walk('limit=5&outcome=failure')).items;
    expect(failures.length).toBeGreaterThan(0);
    for (const i of failures) expect(i.outcome).toBe('failure');
    expect(idsOf(failures).sort()).toEqual(expected((e) => e.outcome === 'failure').sort());
    const successes = (await walk('limit=200&outcome=success')).items;
    for (const i of successes) expect(i.outcome).toBe('success');
    expect(idsOf(successes)).not.toContain('act_01');
  });

  it('from and to, inclusive, alone and together', async () => {
    const from = at(50);
    const to = at(120);
    const inWindow = (e: Sent) => e.timestamp >= from && e.timestamp <= to;
    const both = await walk(`limit=2&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    expect(idsOf(both.items).sort()).toEqual(expected(inWindow).sort());
    expect(idsOf(both.items)).toContain('act_05');
    expect(idsOf(both.items)).toContain('act_12');

    const before = await walk(`limit=200&to=${encodeURIComponent(at(20))}`);
    expect(idsOf(before.items).sort()).toEqual(['act_00', 'act_01', 'act_02']);
    const after = await walk(`limit=200&from=${encodeURIComponent(at(240))}`);
    for (const i of after.items) expect(Date.parse(i.timestamp)).toBeGreaterThanOrEqual(Date.parse(at(240)));
    expect(idsOf(after.items)).toContain('act_24');
    expect(idsOf(after.items)).not.toContain('act_23');
  });

  it('filters combine', async () => {
    const { items } = await walk(
      `limit=1&event_type=login_failure,login_success&outcome=failure&from=${encodeURIComponent(at(100))}`,
    );
    expect(idsOf(items).sort()).toEqual(
      expected((e) => e.event_type === 'login_failure' && e.timestamp >= at(100)).sort(),
    );
  });
});

describe('validation', () => {
  const status = async (query: string) => (await asUser(server, token, `/v1/me/activity?${query}`)).status;

  it('a cursor that is not ours is a 400', async () => {
    expect(await status('cursor=not-a-cursor')).toBe(400);
    expect(await status(`cursor=${Buffer.from('hello.world').toString('base64url')}`)).toBe(400);
    expect(await status(`cursor=${'A'.repeat(300)}`)).toBe(400);
    const res = await asUser(server, token, '/v1/me/activity?cursor=%%%');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_request' } });
  });

  it('limit must be 1..200', async () => {
    expect(await status('limit=201')).toBe(400);
    expect(await status('limit=0')).toBe(400);
    expect(await status('limit=abc')).toBe(400);
    expect(await status('limit=2.5')).toBe(400);
    expect(await status('limit=200')).toBe(200);
    expect(await status('limit=1')).toBe(200);
  });

  it('bad filters are a 400 naming the field', async () => {
    const res = await asUser(server, token, '/v1/me/activity?outcome=maybe');
    expect(res.status).toBe(400);
    const body = await json<{ error: { issues: { path: string }[] } }>(res);
    expect(body.error.issues.map((i) => i.path)).toContain('outcome');
    expect(await status('from=yesterday')).toBe(400);
    expect(await status('event_type=DROP%20TABLE')).toBe(400);
    expect(await status('unknown=1')).toBe(400);
  });
});

describe('each item', () => {
  let items: ActivityItem[];
  const item = (id: string) => items.find((i) => i.id === id)!;

  beforeAll(async () => {
    items = (await page('limit=200')).items;
  });

  it('has the device parsed from the user agent', () => {
    expect(item('act_00').device).toEqual({
      browser: 'Chrome',
      os: 'macOS',
      type: 'desktop',
      kind: 'mac',
      name: 'Mac',
    });
    expect(item('act_cur').device).toEqual({
      browser: 'Safari',
      os: 'iOS',
      type: 'mobile',
      kind: 'iphone',
      name: 'iPhone',
    });
    expect(item('act_other_session').device).toEqual({
      browser: 'Firefox',
      os: 'Windows',
      type: 'desktop',
      kind: 'windows_pc',
      name: 'Windows PC',
    });
    expect(item('act_no_ua').device).toBeNull();
  });

  it('is current only when it belongs to the token’s session', () => {
    expect(item('act_cur').current).toBe(true);
    expect(item('act_cur_access').current).toBe(true);
    expect(item('act_other_session').current).toBe(false);
    expect(
      items
        .filter((i) => i.current)
        .map((i) => i.id)
        .sort(),
    ).toEqual(['act_cur', 'act_cur_access']);
    expect(item('act_cur').session).toBe(item('act_cur_access').session);
    expect(item('act_cur').session).not.toBe(item('act_other_session').session);
  });

  it('shows the IP masked and personal metadata masked', () => {
    expect(item('act_00').ip).toBe('203.0.113.xxx');
    expect(item('act_profile').metadata).toEqual({
      email: 'a***@example.com',
      backup_email: '***@example.com',
      phone: '***23',
      field: 'email',
    });
  });

  it('has the documented shape', () => {
    expect(Object.keys(item('act_00')).sort()).toEqual(
      [
        'current',
        'device',
        'event_type',
        'id',
        'ip',
        'level',
        'location',
        'metadata',
        'outcome',
        'session',
        'timestamp',
      ].sort(),
    );
    expect(item('act_01')).toMatchObject({
      event_type: 'login_failure',
      outcome: 'failure',
      level: 'WARNING',
    });
    expect(item('act_00').timestamp).toBe(at(0));
  });
});
