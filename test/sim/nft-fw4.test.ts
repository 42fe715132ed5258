// OpenWrt's firewall4 (corpus: openwrt-fw4/03_rules_07_redirect, `fw4 print` loaded into nft 1.0.6
// and dumped with nft -j): port forwards from the WAN zone. A SYN from the internet to the router's
// port 22 is DNAT'd to the LAN host by the dstnat_wan rule and then accepted by the forward chain's
// `ct status dnat accept`; IPv6 port 25 likewise to its IPv6 host; a port with no redirect is not
// translated and meets forward_wan's reject, as fw4 intends.
// @module-tag corpus

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatIpAddress, parseIpAddress } from '../../src/net/address.js';
import { readNftJson } from '../../src/nftables/read-json.js';
import { buildHostModel, type HostModel } from '../../src/sim/host-model.js';
import { simulate } from '../../src/sim/simulate.js';
import { corpusPath } from '../corpus.js';

const file = corpusPath('nftables/openwrt-fw4/03_rules_07_redirect.json');
// Built in beforeAll, not at module level: without the corpus this file is skipped, not failed.
let host: HostModel;
beforeAll(() => {
  host = buildHostModel({
    name: 'openwrt', iptables: [], routes: [], rules: [], interfaces: null, conntrack: null,
    extraAddresses: [parseIpAddress('10.11.12.194')!, parseIpAddress('2001:db8:54:321::2')!],
    nftables: [readNftJson(readFileSync(file, 'utf8'), file).value],
  });
});

function syn(src: string, dst: string, dport: number, iif: string) {
  const family = src.includes(':') ? 'ipv6' : 'ipv4';
  return simulate(host, {
    family, protocol: 'tcp', protocolNumber: 6, src: parseIpAddress(src), dst: parseIpAddress(dst)!, sport: 50000, dport,
    icmpType: null, icmpCode: null, input: { kind: 'interface', name: iif }, mark: 0, options: { recentHistory: 'unknown' },
  });
}

function distinct(r: ReturnType<typeof syn>): string[] {
  return [...new Set(r.outcomes.map((o) => `${o.verdict} ${formatIpAddress(o.state.packet.dst)}:${o.state.packet.dport}`))];
}

describe('fw4 port forwards (OpenWrt firewall4 ruleset from the corpus)', () => {
  it('forwards WAN tcp/22 to 192.168.26.100:22 and accepts it on ct status dnat', () => {
    const r = syn('198.51.100.7', '10.11.12.194', 22, 'pppoe-wan');
    // Without ip route the egress interface is unknown, so srcnat's oifname tests split the walk; every branch has the same DNAT.
    expect(distinct(r)).toEqual(['ACCEPT 192.168.26.100:22']);
    const dnat = r.outcomes[0]!.state.translations[0]!;
    expect(dnat.rule.text).toBe('meta nfproto ipv4 tcp dport 22 counter dnat ip to 192.168.26.100:22 comment "!fw4: Redirect test #3"');
    expect(r.outcomes.some((o) => o.state.steps.some((st) => st.chain === 'forward_wan' && st.text.startsWith('ct status dnat accept')))).toBe(true);
  });

  it('forwards WAN tcp/25 over IPv6 to [2001:db8:1000:1::1234]:25', () => {
    const r = syn('2001:db8:ffff::7', '2001:db8:54:321::2', 25, 'pppoe-wan');
    expect(distinct(r)).toEqual(['ACCEPT 2001:db8:1000:1::1234:25']);
  });

  it('translates nothing for a WAN port without a redirect', () => {
    const r = syn('198.51.100.7', '10.11.12.194', 8080, 'pppoe-wan');
    expect(r.outcomes.every((o) => o.state.translations.length === 0)).toBe(true);
    expect(r.outcomes.map((o) => o.delivery ?? o.verdict)).not.toContain('forward');
  });

  it('holds one assumption about the unknown egress interface per outcome (srcnat tests pppoe-wan, br-lan, wwan0 in turn)', () => {
    const r = syn('198.51.100.7', '10.11.12.194', 22, 'pppoe-wan');
    const oif = r.outcomes.map((o) => [o.probability, o.state.packet.oif]);
    expect(oif).toEqual([
      [0.5, { kind: 'name', name: 'pppoe-wan' }],
      [0.25, { kind: 'name', name: 'br-lan' }],
      [0.125, { kind: 'name', name: 'wwan0' }],
      [0.125, { kind: 'unknown', not: ['pppoe-wan', 'br-lan', 'wwan0'] }],
    ]);
  });
});
