import { describe, expect, it } from 'vitest';
import type { ActivityItem } from '../../shared/api.js';
import {
  activityQuery,
  canReport,
  FILTER_KINDS,
  fold,
  matchesKind,
  mergeItems,
  PAGE_SIZE,
} from '../../widget/internal/paging.js';

function item(id: string, timestamp: string, extra: Partial<ActivityItem> = {}): ActivityItem {
  return {
    id,
    timestamp,
    event_type: 'login_success',
    level: 'INFO',
    outcome: 'success',
    device: null,
    ip: null,
    location: null,
    current: false,
    session: null,
    metadata: null,
    ...extra,
  };
}

describe('activityQuery', () => {
  it('should ask for one page of everything by default', () => {
    const q = new URLSearchParams(activityQuery('all'));
    expect(q.get('limit')).toBe(String(PAGE_SIZE));
    expect(q.has('cursor')).toBe(false);
    expect(q.has('event_type')).toBe(false);
  });

  it('should pass the cursor through unchanged, encoded', () => {
    const q = new URLSearchParams(activityQuery('all', 'abc+/=='));
    expect(q.get('cursor')).toBe('abc+/==');
  });

  it('should list the event types of a kind in the format the server validates', () => {
    for (const kind of FILTER_KINDS.filter((k) => k !== 'all')) {
      const types = new URLSearchParams(activityQuery(kind)).get('event_type') ?? '';
      expect(types).toMatch(/^[a-z0-9_,]+$/);
      expect(types.length).toBeLessThanOrEqual(512);
    }
    const signins = new URLSearchParams(activityQuery('signins')).get('event_type')?.split(',');
    expect(signins).toContain('login_success');
    expect(signins).toContain('login_failure');
    expect(signins).not.toContain('data_export');
  });
});

describe('matchesKind', () => {
  it('should sort event types into the filter kinds', () => {
    expect(matchesKind('login_failure', 'signins')).toBe(true);
    expect(matchesKind('password_change', 'security')).toBe(true);
    expect(matchesKind('password_change', 'signins')).toBe(false);
    expect(matchesKind('support_access', 'data')).toBe(true);
    expect(matchesKind('x_custom', 'all')).toBe(true);
    expect(matchesKind('x_custom', 'security')).toBe(false);
  });
});

describe('mergeItems', () => {
  it('should keep the union, newest first', () => {
    const page1 = [item('c', '2026-04-01T10:00:00Z'), item('b', '2026-04-01T09:00:00Z')];
    const page2 = [item('a', '2026-04-01T08:00:00Z')];
    expect(mergeItems(page1, page2).map((i) => i.id)).toEqual(['c', 'b', 'a']);
  });

  it('should put a live item on top and not duplicate one it already has', () => {
    const list = [item('b', '2026-04-01T09:00:00Z'), item('a', '2026-04-01T08:00:00Z')];
    const merged = mergeItems(list, [item('new', '2026-04-01T11:00:00Z'), item('b', '2026-04-01T09:00:00Z')]);
    expect(merged.map((i) => i.id)).toEqual(['new', 'b', 'a']);
  });

  it('should replace an item with a newer copy of itself', () => {
    const merged = mergeItems(
      [item('a', '2026-04-01T08:00:00Z')],
      [item('a', '2026-04-01T08:00:00Z', { current: true })],
    );
    expect(merged).toHaveLength(1);
    expect(merged[0]?.current).toBe(true);
  });

  it('should order equal timestamps by id so that merges are stable', () => {
    const t = '2026-04-01T08:00:00Z';
    expect(mergeItems([item('a', t)], [item('b', t)]).map((i) => i.id)).toEqual(['b', 'a']);
    expect(mergeItems([item('b', t)], [item('a', t)]).map((i) => i.id)).toEqual(['b', 'a']);
  });

  it('should not change the lists it was given', () => {
    const list = [item('a', '2026-04-01T08:00:00Z')];
    mergeItems(list, [item('b', '2026-04-01T09:00:00Z')]);
    expect(list.map((i) => i.id)).toEqual(['a']);
  });
});

describe('canReport', () => {
  it('should offer "This wasn\'t me" on sign-ins from other sessions only', () => {
    expect(canReport(item('a', '2026-04-01T08:00:00Z'))).toBe(true);
    expect(canReport(item('a', '2026-04-01T08:00:00Z', { event_type: 'session_created' }))).toBe(true);
    expect(canReport(item('a', '2026-04-01T08:00:00Z', { current: true }))).toBe(false);
    expect(canReport(item('a', '2026-04-01T08:00:00Z', { event_type: 'password_change' }))).toBe(false);
    expect(
      canReport(item('a', '2026-04-01T08:00:00Z', { event_type: 'login_failure', outcome: 'failure' })),
    ).toBe(false);
  });
});

describe('fold', () => {
  it('should fold a run of repeated "viewed" entries into one with a count', () => {
    const rows = fold([
      item('a', '2026-04-01T10:05:00Z', { event_type: 'data_access' }),
      item('b', '2026-04-01T10:04:00Z', { event_type: 'data_access' }),
      item('c', '2026-04-01T10:03:00Z', { event_type: 'data_access' }),
      item('d', '2026-04-01T10:02:00Z'),
      item('e', '2026-04-01T10:01:00Z', { event_type: 'data_access' }),
    ]);
    expect(rows.map((r) => [r.item.id, r.count])).toEqual([
      ['a', 3],
      ['d', 1],
      ['e', 1],
    ]);
  });

  it('should let Receipts’ own echoes give way to the entry they are about', () => {
    const rows = fold([
      item('alert', '2026-04-01T10:05:01Z', { event_type: 'alert_raised', metadata: { events: ['signin'] } }),
      item('rev', '2026-04-01T10:05:00Z', {
        event_type: 'session_revoked',
        metadata: { revoked_by: 'user:report' },
      }),
      item('rep', '2026-04-01T10:05:00Z', { event_type: 'activity_reported' }),
      item('signin', '2026-04-01T10:04:00Z'),
      item('other', '2026-04-01T10:03:00Z', {
        event_type: 'alert_raised',
        metadata: { events: ['elsewhere'] },
      }),
    ]);
    expect(rows.map((r) => r.item.id)).toEqual(['rep', 'signin', 'other']);
  });
});
