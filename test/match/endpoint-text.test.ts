import { describe, expect, it } from 'vitest';
import { addressOf, endpointWithPort, portOf } from '../../src/match/endpoint-text.js';

describe('endpoint text, made and read back in one place', () => {
  it('reads the port of IPv4 and bracketed IPv6 endpoints, and none of bare addresses', () => {
    expect(portOf('10.244.1.2:60269')).toBe(60269);
    expect(portOf('[2001:db8:100::10]:9000')).toBe(9000);
    expect(portOf('10.244.1.2')).toBeNull();
    expect(portOf('2001:db8:100::10')).toBeNull();
    expect(portOf('[2001:db8:100::10]')).toBeNull();
  });
  it('reads back what endpointWithPort wrote', () => {
    for (const [address, port] of [['198.51.100.10', 80], ['fd00:10:244:1::2', 50265]] as const) {
      const text = endpointWithPort(address, port);
      expect([addressOf(text), portOf(text)]).toEqual([address, port]);
    }
  });
});
