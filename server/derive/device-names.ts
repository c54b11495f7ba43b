// Stored devices as people know them: the parser's names (kept as they are under existing rows, since they
// make the fingerprint) turned into today's names and a kind of device. Apart from user-agent.ts, so that
// what reads views (page reader threads among them) does not load the parser.
import type { DeviceInfo, DeviceKind, DeviceType } from '../../shared/api.js';

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
