// Devices from user agents, on the server only. A full parse costs ~100 µs, so results are cached by string.
// The store keeps the parser's own names (they make the device fingerprint, so they must not change under
// existing rows); device-names.ts turns them into the names people know when a view is read.
import UAParser from 'ua-parser-js';
import type { DeviceInfo, DeviceType } from '../../shared/api.js';

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
