// Finds full IP addresses in a response body: every textual form an address can take, not just the one sent.
import ipaddr from 'ipaddr.js';

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The ways `ip` can be written out in full (as given, canonical, expanded, zero-padded, IPv4 of a mapped one). */
export function ipForms(ip: string): string[] {
  const forms = new Set<string>([ip.toLowerCase()]);
  const addr = ipaddr.parse(ip);
  forms.add(addr.toString());
  if (addr.kind() === 'ipv6') {
    const v6 = addr as ipaddr.IPv6;
    forms.add(v6.toNormalizedString());
    forms.add(v6.parts.map((p) => p.toString(16).padStart(4, '0')).join(':'));
    if (v6.isIPv4MappedAddress()) {
      const v4 = v6.toIPv4Address().toString();
      forms.add(v4);
      forms.add(`::ffff:${v4}`);
    }
  } else {
    const v4 = addr as ipaddr.IPv4;
    forms.add(v4.toIPv4MappedAddress().toString());
    forms.add(`::ffff:${v4.toString()}`);
  }
  return [...forms];
}

/** A pattern for one full form that does not match inside a longer number or address. */
function formPattern(form: string): RegExp {
  return new RegExp(`(?<![0-9A-Fa-f.:])${escapeRe(form)}(?![0-9A-Fa-f]|[.:][0-9A-Fa-f])`, 'i');
}

/** The full addresses among `ips` that occur in `text`, in any form (empty when the text is clean). */
export function findFullIps(text: string, ips: readonly string[]): string[] {
  const found: string[] = [];
  for (const ip of ips) {
    for (const form of ipForms(ip)) {
      if (formPattern(form).test(text)) found.push(`${ip} (as ${form})`);
    }
  }
  return found;
}

/** Any dotted quad in the text that is not masked (`a.b.c.xxx`), except version strings in user agents. */
export function dottedQuads(text: string): string[] {
  return [...text.matchAll(/(?<![\w./])(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})(?![\w.])/g)].map((m) => m[1]!);
}
