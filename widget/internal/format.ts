// Dates for people: relative times, exact times and day groups, all from Intl. Pure functions.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const cache = new Map<string, Intl.RelativeTimeFormat | Intl.DateTimeFormat>();

function rtf(locale: string): Intl.RelativeTimeFormat {
  const key = `r${locale}`;
  const f = cache.get(key) ?? new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  cache.set(key, f);
  return f as Intl.RelativeTimeFormat;
}

function dtf(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d${locale}${JSON.stringify(options)}`;
  const f = cache.get(key) ?? new Intl.DateTimeFormat(locale, options);
  cache.set(key, f);
  return f as Intl.DateTimeFormat;
}

/** "now", "5 minutes ago", "yesterday", "in 2 hours": the unit that reads naturally for the distance. */
export function relativeTime(when: string | number, now: number, locale: string, timeZone?: string): string {
  const ms = new Date(when).getTime() - now;
  if (Number.isNaN(ms)) return '';
  const abs = Math.abs(ms);
  const f = rtf(locale);
  if (abs < 45 * SECOND) return f.format(0, 'second');
  if (abs < 45 * MINUTE) return f.format(Math.round(ms / MINUTE), 'minute');
  if (abs < 22 * HOUR) return f.format(Math.round(ms / HOUR), 'hour');
  // Days count calendar days, as the day headings do: 22:11 two evenings ago is "2 days ago", not "yesterday".
  if (abs < 6.5 * DAY)
    return f.format(
      Math.round((Date.parse(dayKey(when, timeZone)) - Date.parse(dayKey(now, timeZone))) / DAY),
      'day',
    );
  if (abs < 30 * DAY) return f.format(Math.round(ms / (7 * DAY)), 'week');
  if (abs < 335 * DAY) return f.format(Math.round(ms / (30.44 * DAY)), 'month');
  return f.format(Math.round(ms / (365.25 * DAY)), 'year');
}

/** The exact time for a tooltip: "Tuesday, April 1, 2026 at 2:23:11 PM UTC". */
export function exactTime(when: string | number, locale: string, timeZone?: string): string {
  const d = new Date(when);
  if (Number.isNaN(d.getTime())) return '';
  return dtf(locale, { dateStyle: 'full', timeStyle: 'long', timeZone }).format(d);
}

/** A calendar date without the time: "April 1, 2026". */
export function shortDate(when: string | number, locale: string, timeZone?: string): string {
  const d = new Date(when);
  if (Number.isNaN(d.getTime())) return '';
  return dtf(locale, { dateStyle: 'long', timeZone }).format(d);
}

/** `YYYY-MM-DD` of the calendar day the instant falls on in the time zone. */
export function dayKey(when: string | number, timeZone?: string): string {
  if (Number.isNaN(new Date(when).getTime())) return '';
  // Canadian English writes dates as ISO 8601 does.
  return dtf('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }).format(new Date(when));
}

export function capitalize(text: string, locale: string): string {
  return text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);
}

/** "Today", "Yesterday", "Monday, March 30", and the year only when it is not this year's. */
export function dayLabel(key: string, now: number, locale: string, timeZone?: string): string {
  if (!key) return '';
  const today = dayKey(now, timeZone);
  const diff = Math.round((Date.parse(key) - Date.parse(today)) / DAY);
  if (diff === 0 || diff === -1) return capitalize(rtf(locale).format(diff, 'day'), locale);
  const date = new Date(`${key}T12:00:00Z`);
  const options: Intl.DateTimeFormatOptions = {
    weekday: 'long',
    month: 'long',
    day: 'numeric',
    timeZone: 'UTC',
  };
  if (key.slice(0, 4) !== today.slice(0, 4)) options.year = 'numeric';
  return dtf(locale, options).format(date);
}

export interface DayGroup<T> {
  key: string;
  label: string;
  items: T[];
}

/** Groups items (newest first) by the calendar day of their timestamp, keeping their order. */
export function groupByDay<T extends { timestamp: string }>(
  items: readonly T[],
  now: number,
  locale: string,
  timeZone?: string,
): DayGroup<T>[] {
  const groups = new Map<string, DayGroup<T>>();
  for (const item of items) {
    const key = dayKey(item.timestamp, timeZone);
    const group = groups.get(key) ?? { key, label: dayLabel(key, now, locale, timeZone), items: [] };
    groups.set(key, group);
    group.items.push(item);
  }
  return [...groups.values()];
}

/** "Berlin, Germany" (the country in the reader's language), the region when no city is known, or ''. */
export function placeName(
  place: { country: string; country_name: string; region?: string; city?: string } | null | undefined,
  locale: string,
): string {
  if (!place) return '';
  let country = place.country_name;
  try {
    country = new Intl.DisplayNames(locale, { type: 'region' }).of(place.country) ?? country;
  } catch {
    // An engine without DisplayNames, or an odd code: the server's English name will do.
  }
  const local = place.city || place.region;
  return local ? `${local}, ${country}` : country;
}
