// Page readers, with real worker threads from the build (dist/) on the file of a real server: a page read on
// a reader thread is the page the main thread's reader writes, for every filter, and a reader that dies
// loses no page.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as Filter from '../../../server/store/activity.js';
import type * as SqliteModule from '../../../server/store/sqlite.js';
import type * as ActivityModule from '../../../server/views/activity.js';
import type * as Cursor from '../../../server/views/cursor.js';
import type * as Readers from '../../../server/views/page-readers.js';
import { ingest, onPostgres, ROOT, signIn, startServer, type TestServer } from '../../support/server.js';

const dist = async <T>(p: string): Promise<T> =>
  (await import(pathToFileURL(join(ROOT, 'dist/server', p)).href)) as T;

const USER = 'usr_page_readers';
const T0 = Date.now() - 86400_000;
const at = (minute: number) => new Date(T0 + minute * 60_000).toISOString();

let server: TestServer;
let subject: string;
let currentRef: string;
let PageReaders: typeof Readers.PageReaders;
let pageJson: typeof ActivityModule.pageJson;
let reader: SqliteModule.SqliteDb;
let decodeCursor: typeof Cursor.decodeCursor;

beforeAll(async () => {
  if (onPostgres) return;
  server = await startServer({ backend: 'sqlite' });
  // Sign-ins from two networks and devices, failures, personal values and an address in metadata, and
  // another user's events beside them.
  const events = Array.from({ length: 60 }, (_, i) =>
    i % 5 === 4
      ? {
          event_type: 'login_failure',
          outcome: 'failure',
          user_id: USER,
          ip_address: '2001:4860:4860::8888',
          timestamp: at(i),
          metadata: { reason: 'bad_password', note: `from 198.51.100.${i} again`, email: 'ada@example.com' },
        }
      : signIn(i % 7 === 0 ? 'usr_someone_else' : USER, `sess_${i % 3}`, {
          timestamp: at(i),
          ip_address: i % 2 ? '81.2.69.160' : '203.0.113.42',
        }),
  );
  const res = await ingest(server, { events });
  expect(res.status).toBe(202);
  const file = new Database(server.dbPath, { readonly: true });
  subject =
    (file.prepare('SELECT pseudonym FROM subjects WHERE user_id = ?').pluck().get(USER) as string) ?? '';
  currentRef = file
    .prepare('SELECT ref FROM sessions WHERE subject = ? LIMIT 1')
    .pluck()
    .get(subject) as string;
  file.close();
  expect(subject).not.toBe('');
  ({ PageReaders } = await dist<typeof Readers>('views/page-readers.js'));
  ({ pageJson } = await dist<typeof ActivityModule>('views/activity.js'));
  ({ decodeCursor } = await dist<typeof Cursor>('views/cursor.js'));
  const { openSqliteReader } = await dist<typeof SqliteModule>('store/sqlite.js');
  reader = openSqliteReader(server.dbPath);
});

afterAll(async () => {
  reader?.sqlite.close();
  await server?.stop();
});

/** Every page of the subject's under `filter`, cursor after cursor, as `read` answers them. */
async function allPages(
  read: (filter: Filter.ActivityFilter) => Promise<string>,
  filter: Filter.ActivityFilter,
): Promise<string[]> {
  const pages: string[] = [];
  let f = filter;
  for (;;) {
    const json = await read(f);
    pages.push(json);
    const page = JSON.parse(json) as { items: { id: string }[]; next_cursor: string | null };
    if (!page.next_cursor) return pages;
    // The cursor names the page's last item; the next page's filter starts after it, as the route's does.
    const before = decodeCursor(page.next_cursor);
    expect(before).not.toBeNull();
    f = { ...filter, before: before! };
  }
}

const FILTERS: Filter.ActivityFilter[] = [
  {},
  { outcome: 'failure' },
  { eventTypes: ['login_success'] },
  { from: Date.parse(at(10)), to: Date.parse(at(40)) },
];

describe.skipIf(onPostgres)('page readers', () => {
  it('should answer every page, under every filter, as the main thread reads it', async () => {
    const readers = new PageReaders({ size: 2, path: server.dbPath, reader });
    try {
      for (const filter of FILTERS) {
        for (const limit of [1, 7, 50]) {
          const viaThreads = await allPages(
            (f) => readers.page({ subject, filter: f, limit, currentRef }),
            filter,
          );
          const inline = await allPages((f) => pageJson(reader, subject, f, limit, currentRef), filter);
          expect(viaThreads).toEqual(inline);
          expect(viaThreads.join('')).toContain('"items":[{');
        }
      }
      // Both threads were used once pages were asked for at once.
      const many = await Promise.all(
        Array.from({ length: 20 }, () => readers.page({ subject, filter: {}, limit: 5, currentRef })),
      );
      expect(new Set(many).size).toBe(1);
      expect(readers.threads).toBe(2);
      // What the page says: the subject's own events only, masked.
      const first = JSON.parse(many[0]!) as { items: { ip: string; current: boolean }[] };
      expect(first.items).toHaveLength(5);
      expect(first.items.every((i) => !/\.\d+$/.test(i.ip ?? ''))).toBe(true);
    } finally {
      await readers.close();
    }
  });

  it('should end a reader left idle, and start one again for the next page', async () => {
    const crashes: Error[] = [];
    const readers = new PageReaders({
      size: 1,
      path: server.dbPath,
      reader,
      idleMs: 50,
      onCrash: (e) => crashes.push(e),
    });
    try {
      const task = { subject, filter: {}, limit: 8, currentRef };
      const inline = await pageJson(reader, subject, {}, 8, currentRef);
      expect(await readers.page(task)).toBe(inline);
      expect(readers.threads).toBe(1);
      await vi.waitFor(() => expect(readers.threads).toBe(0), { timeout: 5000, interval: 20 });
      expect(await readers.page(task)).toBe(inline);
      expect(readers.threads).toBe(1);
      // Pages in a row are read on a reader thread, never inline for want of one.
      for (let i = 0; i < 5; i++) expect(await readers.page(task)).toBe(inline);
      expect(readers.threads).toBe(1);
      expect(crashes, 'an idle reader is not a lost one').toEqual([]);
    } finally {
      await readers.close();
    }
  });

  it('should read a page on the main thread when its reader dies, and start a new reader after', async () => {
    const crashes: Error[] = [];
    const readers = new PageReaders({
      size: 1,
      path: server.dbPath,
      reader,
      script: new URL('../../fixtures/workers/page-reader-dies.mjs', import.meta.url),
      onCrash: (e) => crashes.push(e),
    });
    try {
      const task = (limit: number) => ({ subject, filter: {}, limit, currentRef });
      expect(await readers.page(task(5))).toBe(await pageJson(reader, subject, {}, 5, currentRef));
      expect(readers.threads).toBe(1);
      // The thread ends on a 13-item page; the page comes from the main thread's reader, whole.
      const page = await readers.page(task(13));
      expect(page).toBe(await pageJson(reader, subject, {}, 13, currentRef));
      expect((JSON.parse(page) as { items: unknown[] }).items).toHaveLength(13);
      expect(crashes.map((e) => e.message)).toEqual(['page reader exited (70)']);
      expect(await readers.page(task(6))).toBe(await pageJson(reader, subject, {}, 6, currentRef));
      expect(readers.threads).toBe(1);
      expect(crashes).toHaveLength(1);
    } finally {
      await readers.close();
    }
  });
});
