import { describe, expect, it, vi } from 'vitest';
import type { ActivityItem, Page } from '../../shared/api.js';
import { ApiError } from '../../widget/internal/api.js';
import { ActivityFeed } from '../../widget/internal/feed.js';
import { Loader } from '../../widget/internal/loader.js';
import { FakeHost } from './controllers.js';

function item(id: string, minute: number, event_type = 'login_success'): ActivityItem {
  return {
    id,
    timestamp: new Date(Date.UTC(2026, 3, 1, 10, minute)).toISOString(),
    event_type: event_type as ActivityItem['event_type'],
    level: 'INFO',
    outcome: 'success',
    device: null,
    ip: null,
    location: null,
    current: false,
    session: null,
    metadata: null,
  };
}

/** Pages keyed by cursor ('' for the first); records the queries it was asked. */
function pages(map: Record<string, Page<ActivityItem>>) {
  const queries: URLSearchParams[] = [];
  const fetchPage = async (query: string) => {
    const q = new URLSearchParams(query);
    queries.push(q);
    const page = map[q.get('cursor') ?? ''];
    if (!page) throw new ApiError('not_found', 'no such page', 404);
    return page;
  };
  return { fetchPage, queries };
}

describe('ActivityFeed', () => {
  it('should load the first page and then the next over the cursor', async () => {
    const { fetchPage, queries } = pages({
      '': { items: [item('b', 2), item('a', 1)], next_cursor: 'c1' },
      c1: { items: [item('z', 0)], next_cursor: null },
    });
    const feed = new ActivityFeed(new FakeHost(), fetchPage, () => {});
    await feed.load();
    expect(feed.status).toBe('ready');
    expect(feed.items.map((i) => i.id)).toEqual(['b', 'a']);
    expect(feed.next).toBe('c1');
    await feed.more();
    expect(queries[1]?.get('cursor')).toBe('c1');
    expect(feed.items.map((i) => i.id)).toEqual(['b', 'a', 'z']);
    expect(feed.next).toBeNull();
    await feed.more();
    expect(queries).toHaveLength(2);
  });

  it('should start over with the filter when the kind changes', async () => {
    const { fetchPage, queries } = pages({ '': { items: [item('a', 1)], next_cursor: null } });
    const feed = new ActivityFeed(new FakeHost(), fetchPage, () => {});
    await feed.load();
    await feed.load('security');
    expect(feed.kind).toBe('security');
    expect(queries[1]?.get('event_type')).toContain('password_change');
  });

  it('should put a live item on top when it fits the filter, once', async () => {
    const { fetchPage } = pages({ '': { items: [item('a', 1)], next_cursor: null } });
    const feed = new ActivityFeed(new FakeHost(), fetchPage, () => {});
    await feed.load('signins');
    expect(feed.add(item('new', 5))).toBe(true);
    expect(feed.add(item('new', 5))).toBe(false);
    expect(feed.add(item('export', 6, 'data_export'))).toBe(false);
    expect(feed.items.map((i) => i.id)).toEqual(['new', 'a']);
    expect(feed.fresh.has('new')).toBe(true);
  });

  it('should merge the newest page on refresh and mark what is new', async () => {
    const map: Record<string, Page<ActivityItem>> = { '': { items: [item('a', 1)], next_cursor: null } };
    const { fetchPage } = pages(map);
    const feed = new ActivityFeed(new FakeHost(), fetchPage, () => {});
    await feed.load();
    map[''] = { items: [item('c', 3), item('a', 1)], next_cursor: null };
    await feed.refresh();
    expect(feed.items.map((i) => i.id)).toEqual(['c', 'a']);
    expect([...feed.fresh]).toEqual(['c']);
  });

  it('should show an error, report it, and keep the list when "Load more" fails', async () => {
    const { fetchPage } = pages({ '': { items: [item('a', 1)], next_cursor: 'gone' } });
    const onError = vi.fn();
    const feed = new ActivityFeed(new FakeHost(), fetchPage, onError);
    await feed.load();
    await feed.more();
    expect(feed.moreStatus).toBe('error');
    expect(feed.moreError?.code).toBe('not_found');
    expect(feed.items).toHaveLength(1);
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it('should drop the answer to a request made before a reset', async () => {
    let release: (page: Page<ActivityItem>) => void = () => {};
    const feed = new ActivityFeed(
      new FakeHost(),
      () => new Promise((resolve) => (release = resolve)),
      () => {},
    );
    const loading = feed.load();
    feed.reset();
    release({ items: [item('stale', 1)], next_cursor: null });
    await loading;
    expect(feed.items).toEqual([]);
    expect(feed.status).toBe('idle');
  });
});

describe('Loader', () => {
  it('should go from loading to ready with the value', async () => {
    const host = new FakeHost();
    const loader = new Loader(
      host,
      async () => 42,
      () => {},
    );
    const run = loader.run();
    expect(loader.status).toBe('loading');
    await run;
    expect(loader.status).toBe('ready');
    expect(loader.value).toBe(42);
    expect(host.updates).toBeGreaterThan(0);
  });

  it('should keep what is shown during a quiet refresh, and stay quiet when it fails', async () => {
    let fail = false;
    const onError = vi.fn();
    const loader = new Loader(
      new FakeHost(),
      async () => {
        if (fail) throw new ApiError('internal', 'boom', 500);
        return 'v1';
      },
      onError,
    );
    await loader.run();
    fail = true;
    const quiet = loader.run(true);
    expect(loader.status).toBe('ready');
    await quiet;
    expect(loader.value).toBe('v1');
    expect(onError).not.toHaveBeenCalled();
    await loader.run();
    expect(loader.status).toBe('error');
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it('should not load quietly what was never shown', async () => {
    const task = vi.fn(async () => 1);
    const loader = new Loader(new FakeHost(), task, () => {});
    await loader.run(true);
    expect(task).not.toHaveBeenCalled();
    expect(loader.status).toBe('idle');
  });

  it('should abort the older of two runs', async () => {
    const signals: AbortSignal[] = [];
    const loader = new Loader(
      new FakeHost(),
      async (signal) => {
        signals.push(signal);
        return signals.length;
      },
      () => {},
    );
    const first = loader.run();
    const second = loader.run();
    await Promise.all([first, second]);
    expect(signals[0]?.aborted).toBe(true);
    expect(loader.value).toBe(2);
  });
});
