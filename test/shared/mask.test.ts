// Masking used by every response that leaves through /v1/me and /v1/support.
import ipaddr from 'ipaddr.js';
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

  // maskIp turns texts away before ipaddr.js parses them; it must not turn away one that ipaddr.js takes.
  it('should take for an address every text ipaddr.js takes, in its loose forms too', () => {
    const forms = [
      '3232235777',
      '0x7f.1',
      '010.1.1.1',
      '127.1',
      '0xc0.0xa8.1',
      '1.2.3.4',
      '0',
      '::',
      '::1',
      'fe80::1%eth0',
      'FE80::A%25',
      '::ffff:1.2.3.4',
      '::1.2.3.4',
      '2001:db8::1.2.3.4%z9',
      '1:2:3:4:5:6:7:8',
      '4155550100',
      '+1 415 555 0100',
      'alex',
      'face',
      'b.a.d',
      '1.2.3.4 ',
      ' ::1',
      '1.2.3.4%eth0',
      'x',
      '0X1F',
    ];
    // Random short texts over the characters of every form and a few that are in none.
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const alphabet = '0123456789abcdefxX.:%ABCgz -_/';
    for (let i = 0; i < 20_000; i++) {
      const length = 1 + Math.floor(next() * 14);
      forms.push(Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''));
    }
    let taken = 0;
    for (const text of forms) {
      const expected = ipaddr.isValid(text) ? ipaddr.process(text).toString() : null;
      expect(normalizeIp(text), text).toBe(expected);
      expect(maskIp(text) !== null, text).toBe(expected !== null);
      if (expected !== null) taken++;
    }
    expect(taken).toBeGreaterThan(500);
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
