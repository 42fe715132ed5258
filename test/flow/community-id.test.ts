import { describe, expect, it } from 'vitest';
import { communityId } from '../../src/flow/community-id.js';
import { parseIpv4 } from '../../src/net/ipv4.js';
import { parseIpv6 } from '../../src/net/ipv6.js';

const v4 = (text: string) => [parseIpv4(text)!, 0, 0, 0];

// Baselines from the Community ID spec's reference implementation (community-id-spec, baseline/).
describe('community id v1', () => {
  it('matches the spec baseline for TCP and UDP over IPv4, in either direction', () => {
    expect(communityId(4, 6, v4('128.232.110.120'), 34855, v4('66.35.250.204'), 80)).toBe('1:LQU9qZlK+B5F3KDmev6m5PMibrg=');
    expect(communityId(4, 6, v4('66.35.250.204'), 80, v4('128.232.110.120'), 34855)).toBe('1:LQU9qZlK+B5F3KDmev6m5PMibrg=');
    expect(communityId(4, 17, v4('192.168.1.52'), 54585, v4('8.8.8.8'), 53)).toBe('1:d/FP5EW3wiY1vCndhwleRRKHowQ=');
  });

  it('hashes IPv6 endpoints and has no id for ICMP legs', () => {
    const id = communityId(6, 6, parseIpv6('fe80::1')!, 1, parseIpv6('fe80::2')!, 2);
    expect(id).toMatch(/^1:[A-Za-z0-9+/]{27}=$/);
    expect(communityId(4, 1, v4('1.2.3.4'), 7, v4('5.6.7.8'), 7)).toBeNull();
  });
});
