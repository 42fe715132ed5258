import { describe, expect, it } from 'vitest';
import { formatIpv4, parseIpv4 } from '../../src/net/ipv4.js';
import { formatIpv6, parseIpv6 } from '../../src/net/ipv6.js';
import { formatPrefix, parseIpAddress, parsePrefix, prefixContains, prefixNetwork } from '../../src/net/address.js';

describe('ipv4', () => {
  it('round-trips addresses as unsigned numbers', () => {
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4('10.244.1.5')).toBe(0x0af40105);
    expect(formatIpv4(0xcb007107)).toBe('203.0.113.7');
  });
  it('rejects what is not a dotted quad', () => {
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', '01.2.3.4', 'a.b.c.d', '1.2.3.4 ']) {
      expect(parseIpv4(bad), bad).toBeNull();
    }
  });
});

describe('ipv6', () => {
  it('formats in RFC 5952 canonical form', () => {
    const cases: Array<[string, string]> = [
      ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
      ['fd00:10:244:1::5', 'fd00:10:244:1::5'],
      ['::', '::'],
      ['::1', '::1'],
      ['fe80::', 'fe80::'],
      ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
      ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
      ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ];
    for (const [input, canonical] of cases) {
      const words = parseIpv6(input);
      expect(words, input).not.toBeNull();
      expect(formatIpv6(words!)).toBe(canonical);
    }
  });
  it('rejects malformed text', () => {
    for (const bad of ['', ':::', '1::2::3', '12345::', 'g::1', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7']) {
      expect(parseIpv6(bad), bad).toBeNull();
    }
  });
});

describe('prefixes', () => {
  it('parses lengths and dotted masks and tests containment', () => {
    const p = parsePrefix('10.244.0.0/16')!;
    expect(formatPrefix(p)).toBe('10.244.0.0/16');
    expect(prefixContains(p, parseIpAddress('10.244.2.5')!)).toBe(true);
    expect(prefixContains(p, parseIpAddress('10.245.0.1')!)).toBe(false);
    expect(parsePrefix('192.168.0.0/255.255.0.0')!.length).toBe(16);
    expect(parsePrefix('192.168.0.0/255.0.255.0')).toBeNull();
    expect(parsePrefix('fd00::/8')!.length).toBe(8);
    expect(prefixContains(parsePrefix('fd00::/8')!, parseIpAddress('fd00:10::11')!)).toBe(true);
    expect(prefixContains(parsePrefix('0.0.0.0/0')!, parseIpAddress('1.2.3.4')!)).toBe(true);
    expect(parsePrefix('10.0.0.0/33')).toBeNull();
  });
});

describe('prefixNetwork', () => {
  it('clears host bits of IPv4 and IPv6 prefixes', () => {
    expect(formatPrefix(prefixNetwork(parsePrefix('10.244.1.1/24')!))).toBe('10.244.1.0/24');
    expect(formatPrefix(prefixNetwork(parsePrefix('10.0.0.1/0')!))).toBe('0.0.0.0/0');
    expect(formatPrefix(prefixNetwork(parsePrefix('fd00:10:244:1::1/64')!))).toBe('fd00:10:244:1::/64');
    expect(formatPrefix(prefixNetwork(parsePrefix('2001:db8::ffff/127')!))).toBe('2001:db8::fffe/127');
  });
});
