// The caller's address: the socket's peer, or X-Forwarded-For only when that peer is a trusted proxy.
import { getConnInfo } from '@hono/node-server/conninfo';
import type { MiddlewareHandler } from 'hono';
import ipaddr from 'ipaddr.js';
import { normalizeIp } from '../../shared/mask.js';

function trusted(peer: string, proxies: string[]): boolean {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(peer);
  } catch {
    return false;
  }
  return proxies.some((p) => {
    try {
      const [range, bits] = p.includes('/') ? ipaddr.parseCIDR(p) : [ipaddr.process(p), -1];
      const r =
        range.kind() === 'ipv6' && (range as ipaddr.IPv6).isIPv4MappedAddress()
          ? (range as ipaddr.IPv6).toIPv4Address()
          : range;
      if (r.kind() !== addr.kind()) return false;
      return bits < 0 ? r.toString() === addr.toString() : addr.match(r, bits);
    } catch {
      return false;
    }
  });
}

// Every request on a connection comes from the same address, and a server sees few: each is parsed once.
const normalizedPeers = new Map<string, string>();

function normalizedPeer(address: string): string {
  let ip = normalizedPeers.get(address);
  if (ip === undefined) {
    ip = normalizeIp(address) ?? '0.0.0.0';
    if (normalizedPeers.size >= 10_000) normalizedPeers.clear();
    normalizedPeers.set(address, ip);
  }
  return ip;
}

export function clientIp(options: { trustProxy: string[] }): MiddlewareHandler {
  return async function clientIpMiddleware(c, next) {
    let peer = '0.0.0.0';
    try {
      peer = normalizedPeer(getConnInfo(c).remote.address ?? '');
    } catch {
      // app.request() in tests has no socket
    }
    let ip = peer;
    if (options.trustProxy.length > 0 && trusted(peer, options.trustProxy)) {
      // Walk X-Forwarded-For from the right, skipping our own proxies: the first untrusted hop is the client.
      const hops = (c.req.header('x-forwarded-for') ?? '')
        .split(',')
        .map((h) => normalizeIp(h.trim()))
        .filter((h): h is string => h !== null);
      for (let i = hops.length - 1; i >= 0; i--) {
        ip = hops[i]!;
        if (!trusted(ip, options.trustProxy)) break;
      }
    }
    c.set('clientIp', ip);
    await next();
  };
}
