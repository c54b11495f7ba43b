// Devices from user agents, on the server only. A full parse costs ~100 µs, so results are cached by string.
// The store keeps the parser's own names (they make the device fingerprint, so they must not change under
// existing rows); `presentDevice` turns them into the names people know when a view is read.
import UAParser from 'ua-parser-js';
import type { DeviceInfo, DeviceKind, DeviceType } from '../../shared/api.js';

const KNOWN_TYPES = new Set<DeviceType>(['mobile', 'tablet', 'console', 'smarttv', 'wearable', 'embedded']);
const cache = new Map<string, DeviceInfo>();
const CACHE_LIMIT = 10_000;

export function parseUserAgent(ua: string): DeviceInfo {
  const hit = cache.get(ua);
  if (hit) return hit;
  const result = new UAParser(ua).getResult();
  const rawType = result.device.type as DeviceType | undefined;
  let type: DeviceType | null = rawType && KNOWN_TYPES.has(rawType) ? rawType : null;
  if (!type && /bot|crawler|spider|curl|wget|python-requests/i.test(ua)) type = 'bot';
  if (!type && (result.browser.name || result.os.name)) type = 'desktop';
  const info: DeviceInfo = { browser: result.browser.name ?? null, os: result.os.name ?? null, type };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(ua, info);
  return info;
}

/** Browser family + OS + device type: what makes two sign-ins "the same device" to a user. */
export function deviceFingerprint(d: DeviceInfo): string {
  return `${d.browser ?? '?'}|${d.os ?? '?'}|${d.type ?? '?'}`;
}

/** The parser's OS names as their makers write them today. */
const OS_NAMES: Record<string, string> = {
  'Mac OS': 'macOS',
  'Chromium OS': 'ChromeOS',
  'Windows Phone': 'Windows Phone',
};

/** English names of the kinds of device; the component translates the kind and falls back to these. */
export const KIND_NAMES: Record<DeviceKind, string> = {
  iphone: 'iPhone',
  ipad: 'iPad',
  android_phone: 'Android phone',
  android_tablet: 'Android tablet',
  mac: 'Mac',
  windows_pc: 'Windows PC',
  linux_pc: 'Linux PC',
  chromebook: 'Chromebook',
};

function kindOf(os: string | null, type: DeviceType | null): DeviceKind | null {
  const phone = type === 'mobile';
  const tablet = type === 'tablet';
  if (os === 'iOS') return tablet ? 'ipad' : phone ? 'iphone' : null;
  if (os === 'Android') return tablet ? 'android_tablet' : phone ? 'android_phone' : null;
  if (type !== 'desktop') return null;
  if (os === 'Mac OS') return 'mac';
  if (os === 'Windows') return 'windows_pc';
  if (os === 'Chromium OS') return 'chromebook';
  if (os === 'Linux' || os === 'Ubuntu' || os === 'Fedora' || os === 'Debian') return 'linux_pc';
  return null;
}

/**
 * A stored device as its owner should read it: "Safari" on an "iPhone" running iOS, "Chrome" on a "Mac"
 * running macOS. Mobile browsers lose their "Mobile" prefix (the device already says so); an iPad's iOS is
 * iPadOS.
 */
export function presentDevice(stored: {
  browser: string | null;
  os: string | null;
  type: DeviceType | null;
}): DeviceInfo {
  const kind = kindOf(stored.os, stored.type);
  const browser = stored.browser?.replace(/^Mobile (?=\S)/, '') ?? null;
  const os = kind === 'ipad' ? 'iPadOS' : stored.os ? (OS_NAMES[stored.os] ?? stored.os) : null;
  return { browser, os, type: stored.type, kind, name: kind ? KIND_NAMES[kind] : null };
}
