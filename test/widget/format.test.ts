import { describe, expect, it } from 'vitest';
import {
  dayKey,
  dayLabel,
  exactTime,
  groupByDay,
  relativeTime,
  shortDate,
} from '../../widget/internal/format.js';

const NOW = Date.parse('2026-04-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('relativeTime', () => {
  it('should say "now" for the last 45 seconds', () => {
    expect(relativeTime(ago(30_000), NOW, 'en')).toBe('now');
  });

  it('should count minutes, hours and days in the past', () => {
    expect(relativeTime(ago(5 * MIN), NOW, 'en')).toBe('5 minutes ago');
    expect(relativeTime(ago(3 * HOUR), NOW, 'en')).toBe('3 hours ago');
    expect(relativeTime(ago(DAY), NOW, 'en')).toBe('yesterday');
    expect(relativeTime(ago(3 * DAY), NOW, 'en')).toBe('3 days ago');
    // Calendar days, like the day headings: at 07:00, 22:00 two evenings ago (33 hours) is "2 days ago".
    const morning = Date.parse('2026-11-26T07:00:00Z');
    expect(relativeTime(morning - 33 * HOUR, morning, 'en', 'UTC')).toBe('2 days ago');
    expect(relativeTime(morning - 23 * HOUR, morning, 'en', 'UTC')).toBe('yesterday');
  });

  it('should switch to weeks, months and years for older times', () => {
    expect(relativeTime(ago(14 * DAY), NOW, 'en')).toBe('2 weeks ago');
    expect(relativeTime(ago(90 * DAY), NOW, 'en')).toBe('3 months ago');
    expect(relativeTime(ago(800 * DAY), NOW, 'en')).toBe('2 years ago');
  });

  it('should say "in …" for the future', () => {
    expect(relativeTime(ago(-2 * HOUR), NOW, 'en')).toBe('in 2 hours');
  });

  it('should follow the locale', () => {
    expect(relativeTime(ago(DAY), NOW, 'de')).toBe('gestern');
    expect(relativeTime(ago(5 * MIN), NOW, 'fr')).toBe('il y a 5 minutes');
  });

  it('should return an empty string for a timestamp that is not one', () => {
    expect(relativeTime('not a date', NOW, 'en')).toBe('');
  });
});

describe('exactTime and shortDate', () => {
  it('should give the full date and time with its zone', () => {
    const text = exactTime('2026-04-01T14:23:11Z', 'en', 'UTC');
    expect(text).toContain('Wednesday, April 1, 2026');
    expect(text).toContain('2:23:11');
    expect(text).toContain('UTC');
  });

  it('should give a date without the time', () => {
    expect(shortDate('2026-04-01T14:23:11Z', 'en', 'UTC')).toBe('April 1, 2026');
    expect(shortDate('2026-04-01T14:23:11Z', 'de', 'UTC')).toBe('1. April 2026');
  });
});

describe('dayKey', () => {
  it('should name the calendar day in the given time zone', () => {
    expect(dayKey('2026-04-01T23:30:00Z', 'UTC')).toBe('2026-04-01');
    expect(dayKey('2026-04-01T23:30:00Z', 'Europe/Berlin')).toBe('2026-04-02');
    expect(dayKey('2026-04-01T02:30:00Z', 'America/New_York')).toBe('2026-03-31');
  });
});

describe('dayLabel', () => {
  it('should say Today and Yesterday, capitalized', () => {
    expect(dayLabel('2026-04-01', NOW, 'en', 'UTC')).toBe('Today');
    expect(dayLabel('2026-03-31', NOW, 'en', 'UTC')).toBe('Yesterday');
    expect(dayLabel('2026-03-31', NOW, 'de', 'UTC')).toBe('Gestern');
  });

  it('should name older days by weekday and date, with the year only when it differs', () => {
    expect(dayLabel('2026-03-27', NOW, 'en', 'UTC')).toBe('Friday, March 27');
    expect(dayLabel('2025-12-24', NOW, 'en', 'UTC')).toBe('Wednesday, December 24, 2025');
  });
});

describe('groupByDay', () => {
  it('should group consecutive items by day and keep their order', () => {
    const items = [
      { id: 'a', timestamp: '2026-04-01T11:00:00Z' },
      { id: 'b', timestamp: '2026-04-01T08:00:00Z' },
      { id: 'c', timestamp: '2026-03-31T22:00:00Z' },
      { id: 'd', timestamp: '2026-03-20T10:00:00Z' },
    ];
    const groups = groupByDay(items, NOW, 'en', 'UTC');
    expect(groups.map((g) => [g.label, g.items.map((i) => i.id)])).toEqual([
      ['Today', ['a', 'b']],
      ['Yesterday', ['c']],
      ['Friday, March 20', ['d']],
    ]);
  });

  it('should put the same instant on different days in different time zones', () => {
    const items = [{ id: 'late', timestamp: '2026-03-31T23:30:00Z' }];
    expect(groupByDay(items, NOW, 'en', 'UTC')[0]?.label).toBe('Yesterday');
    expect(groupByDay(items, NOW, 'en', 'Europe/Berlin')[0]?.label).toBe('Today');
  });

  it('should return no groups for no items', () => {
    expect(groupByDay([], NOW, 'en', 'UTC')).toEqual([]);
  });
});
