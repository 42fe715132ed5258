import { describe, expect, it } from 'vitest';
import { isIcmpv4Error, isIcmpv4Query, isIcmpv6Error } from '../../src/net/icmp-types.js';

const all = Array.from({ length: 256 }, (_, t) => t);

describe('ICMP types by kind (RFC 792, RFC 4443)', () => {
  it('ICMPv4 errors are unreachable, source quench, redirect, time exceeded and parameter problem', () => {
    expect(all.filter(isIcmpv4Error)).toEqual([3, 4, 5, 11, 12]);
  });
  it('ICMPv4 queries are echo, timestamp, information and address mask, both ways', () => {
    expect(all.filter(isIcmpv4Query)).toEqual([0, 8, 13, 14, 15, 16, 17, 18]);
  });
  it('ICMPv6 errors are types 1-4; informational messages (128 and up) are not', () => {
    expect(all.filter(isIcmpv6Error)).toEqual([1, 2, 3, 4]);
  });
});
