// The one protocol table against the system's own /etc/protocols (what getprotobyname() reads for
// iptables, nft, ipset and ip rule), and words that are not protocols.

import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ipProtocolName, ipProtocolNumber, shownIpProtocolNumber } from '../../src/net/ip-protocol-names.js';

const ETC_PROTOCOLS = '/etc/protocols';

/** Every word of /etc/protocols (name and aliases column) with its number; IP protocols only (≤ 255). */
function systemProtocolWords(): Array<[string, number]> {
  const words: Array<[string, number]> = [];
  for (const line of readFileSync(ETC_PROTOCOLS, 'utf8').split('\n')) {
    const fields = line.replace(/#.*/, '').trim().split(/\s+/);
    if (fields.length < 2 || !/^\d+$/.test(fields[1]!)) continue;
    const number = Number(fields[1]);
    if (number > 255) continue;
    for (const w of [fields[0]!, ...fields.slice(2)]) words.push([w, number]);
  }
  return words;
}

describe('the IP protocol table', () => {
  it.skipIf(!existsSync(ETC_PROTOCOLS))('gives every name and alias of this system\'s /etc/protocols its number', () => {
    const words = systemProtocolWords();
    expect(words.length).toBeGreaterThan(50);
    expect(words.filter(([w, n]) => ipProtocolNumber(w) !== n)).toEqual([]);
  });

  it('reads the spellings the tools add of their own and decimal numbers', () => {
    expect(ipProtocolNumber('icmpv6')).toBe(58);
    expect(ipProtocolNumber('ipv6-icmp')).toBe(58);
    expect(ipProtocolNumber('mh')).toBe(135);
    expect(ipProtocolNumber('ipv4')).toBe(4); // Red Hat's name for 4
    expect(ipProtocolNumber('TCP')).toBe(6);
    expect(ipProtocolNumber('0')).toBe(0);
    expect(ipProtocolNumber('255')).toBe(255);
    // getprotobyname("ipip") is 94 on Debian and Red Hat alike; 4 is ipencap / ipv4.
    expect(ipProtocolNumber('ipip')).toBe(94);
  });

  it('says null for words that are no protocol', () => {
    for (const w of ['', '256', '1000', '-1', '6x', 'tcp ', 'foo', 'all', 'ipproto-6', '0x06']) expect(ipProtocolNumber(w), w).toBeNull();
  });

  it('shows short names for common protocols, numbers for the rest, and reads its own names back', () => {
    expect([1, 2, 4, 6, 17, 47, 58, 132, 136].map(ipProtocolName)).toEqual(['icmp', 'igmp', 'ipip', 'tcp', 'udp', 'gre', 'icmpv6', 'sctp', 'udplite']);
    expect(ipProtocolName(94)).toBe('94');
    expect(ipProtocolName(253)).toBe('253');
    for (let n = 0; n < 256; n++) {
      const shown = ipProtocolName(n);
      if (shown !== String(n)) expect(shownIpProtocolNumber(shown)).toBe(n);
    }
    expect(shownIpProtocolNumber('ipencap')).toBeUndefined();
  });
});
