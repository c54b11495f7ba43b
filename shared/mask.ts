// Masking for everything that leaves through the user-facing API. Pure functions, shared by server and tests.
import ipaddr from 'ipaddr.js';

// Every form ipaddr.js accepts (decimal, octal and 0x IPv4 parts; IPv6 with an IPv4 tail and a zone index)
// is made of these characters only. Its isValid throws and catches inside for each text it refuses, so a
// name or a phone number is turned away here first: that was most of the cost of masking a personal value.
const IP_CHARS = /^[0-9a-fx.:]+(?:%[0-9a-z]+)?$/i;

/** Whether ipaddr.js takes the text for an address, in any of the forms it accepts. */
function parsesAsIp(value: string): boolean {
  return IP_CHARS.test(value) && ipaddr.isValid(value);
}

/** IPv4 keeps three octets (`203.0.113.xxx`); IPv6 keeps its /48; IPv4-mapped IPv6 is treated as IPv4. */
export function maskIp(value: string): string | null {
  // Asked first rather than caught: text such as `12:30:00` is a candidate in every masked reply, and a
  // thrown error per candidate was most of the cost of masking.
  if (!parsesAsIp(value)) return null;
  return maskAddress(ipaddr.process(value));
}

/** `maskIp` for an address already parsed (with `ipaddr.process`). */
export function maskAddress(addr: ipaddr.IPv4 | ipaddr.IPv6): string {
  if (addr.kind() === 'ipv4') {
    const o = (addr as ipaddr.IPv4).octets;
    return `${o[0]}.${o[1]}.${o[2]}.xxx`;
  }
  const parts = (addr as ipaddr.IPv6).parts.slice(0, 3);
  const prefix = new ipaddr.IPv6([...parts, 0, 0, 0, 0, 0]).toString();
  return `${prefix}/48`;
}

/** Canonical text form of an IP (IPv4-mapped IPv6 becomes IPv4), or null when it is not an IP. */
export function normalizeIp(value: string): string | null {
  return parsesAsIp(value) ? ipaddr.process(value).toString() : null;
}

const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const IPV6_CHARS = /^[0-9a-f:.]+$/i;

/** Strict: dotted-quad IPv4 or IPv6 only ("1", "0x7f.1" and "3232235777" are not addresses here). */
export function isIp(value: string): boolean {
  // Cheap checks first: this runs on every metadata string at ingest.
  const quad = DOTTED_QUAD.exec(value);
  if (quad) return quad.slice(1).every((o) => Number(o) <= 255 && (o.length === 1 || o[0] !== '0'));
  if (!value.includes(':') || value.length > 45 || !IPV6_CHARS.test(value.split('%')[0]!)) return false;
  return ipaddr.IPv6.isValid(value);
}

/** `a***@example.com`; one- and two-letter local parts reveal nothing: `***@example.com`. */
export function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at < 0) return '***';
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  const shown = local.length > 2 ? local[0] : '';
  return `${shown}***@${domain}`;
}

/** Card numbers keep their last four digits. */
export function maskCard(value: string): string {
  const digits = value.replace(/\D/g, '');
  return `**** ${digits.slice(-4)}`;
}

/** Phone numbers keep their last two digits. */
export function maskPhone(value: string): string {
  const digits = value.replace(/\D/g, '');
  return `***${digits.slice(-2)}`;
}

// Addresses written inside free text ("blocked 203.0.113.9 at the gateway"): IPv6 (maybe with an IPv4 tail)
// first, then IPv4. Each candidate is masked only if it parses as an address.
const IPV6_IN_TEXT =
  /(?<![0-9a-f:.])(?:[0-9a-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9a-f]{1,4})?(?![0-9a-f:])/gi;
const IPV4_IN_TEXT = /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?!\.?\d)/g;

/** Masks every address inside a text, so no full IP leaves in host-written metadata. */
export function maskIpsInText(text: string): string {
  if (!/\d\.\d|:/.test(text)) return text;
  const mask = (m: string) => (/[0-9a-f]/i.test(m) ? (maskIp(m) ?? m) : m);
  return text.replace(IPV6_IN_TEXT, mask).replace(IPV4_IN_TEXT, mask);
}
