// Masking used by every response that leaves through /v1/me and /v1/support.
import { describe, expect, it } from 'vitest';
import { isIp, maskCard, maskEmail, maskIp, maskIpsInText, normalizeIp } from '../../shared/mask.js';

describe('maskIp', () => {
  it('should keep three octets of IPv4 and the /48 of IPv6', () => {
    expect(maskIp('203.0.113.42')).toBe('203.0.113.xxx');
    expect(maskIp('2001:db8:85a3:8d3:1319:8a2e:370:7348')).toBe('2001:db8:85a3::/48');
  });

  it('should treat IPv4-mapped IPv6 as IPv4', () => {
    expect(maskIp('::ffff:198.51.100.7')).toBe('198.51.100.xxx');
    expect(normalizeIp('::ffff:198.51.100.7')).toBe('198.51.100.7');
  });

  it('should answer null for what is not an address', () => {
    expect(maskIp('not-an-ip')).toBeNull();
  });
});

describe('isIp', () => {
  it('should accept dotted quads and IPv6, and refuse shorthands', () => {
    for (const ip of ['203.0.113.42', '0.0.0.0', '2001:db8::1', '::1', '::ffff:203.0.113.9'])
      expect(isIp(ip), ip).toBe(true);
    for (const ip of ['1', '1.2.3', '0x7f.1', '010.1.1.1', '256.1.1.1', '3232235777', 'a:b', ''])
      expect(isIp(ip), ip).toBe(false);
  });
});

describe('maskEmail', () => {
  it('should show the first letter of a longer local part', () => {
    expect(maskEmail('alex.morgan@example.com')).toBe('a***@example.com');
  });

  it('should reveal nothing of one- and two-letter local parts', () => {
    expect(maskEmail('a@example.com')).toBe('***@example.com');
    expect(maskEmail('al@example.com')).toBe('***@example.com');
  });
});

describe('maskCard', () => {
  it('should keep the last four digits', () => {
    expect(maskCard('4111 1111 1111 1234')).toBe('**** 1234');
  });
});

describe('maskIpsInText', () => {
  it('should mask every address inside free text and leave times and versions alone', () => {
    expect(maskIpsInText('blocked 203.0.113.9 and 2001:db8:aa:1::5 at 09:15:44, v1.2.3')).toBe(
      'blocked 203.0.113.xxx and 2001:db8:aa::/48 at 09:15:44, v1.2.3',
    );
  });
});
