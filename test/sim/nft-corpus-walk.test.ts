// Every real ruleset of the corpus (nftables/, kube-proxy-nft/: Docker, firewalld-style, OpenWrt
// fw4, nftables' own test dumps, kube-proxy) walks without a crash for a few ordinary packets,
// each walk's outcomes adding up to probability 1 and every unknown naming its reason.
// @module-tag corpus

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIpAddress } from '../../src/net/address.js';
import { readNftJson } from '../../src/nftables/read-json.js';
import { buildHostModel } from '../../src/sim/host-model.js';
import { simulate, type TraceRequest } from '../../src/sim/simulate.js';
import { nftJsonFiles } from '../nftables/corpus-pairs.js';

const PACKETS: Array<Omit<TraceRequest, 'options'>> = [
  { family: 'ipv4', protocol: 'tcp', protocolNumber: 6, src: parseIpAddress('192.0.2.10'), dst: parseIpAddress('10.0.0.1')!, sport: 40000, dport: 80, icmpType: null, icmpCode: null, input: { kind: 'interface', name: 'eth0' }, mark: 0 },
  { family: 'ipv4', protocol: 'udp', protocolNumber: 17, src: parseIpAddress('172.17.0.2'), dst: parseIpAddress('8.8.8.8')!, sport: 40000, dport: 53, icmpType: null, icmpCode: null, input: { kind: 'interface', name: 'docker0' }, mark: 0 },
  { family: 'ipv4', protocol: 'tcp', protocolNumber: 6, src: null, dst: parseIpAddress('10.96.0.10')!, sport: 40000, dport: 443, icmpType: null, icmpCode: null, input: { kind: 'local' }, mark: 0 },
  { family: 'ipv6', protocol: 'tcp', protocolNumber: 6, src: parseIpAddress('2001:db8::10'), dst: parseIpAddress('2001:db8:1::1')!, sport: 40000, dport: 22, icmpType: null, icmpCode: null, input: { kind: 'interface', name: 'eth0' }, mark: 0 },
];

describe('walking every corpus nft ruleset', () => {
  it('never throws; outcomes add up to 1 for every packet', () => {
    const files = nftJsonFiles();
    let walks = 0;
    const bad: string[] = [];
    for (const file of files) {
      const ruleset = readNftJson(readFileSync(file, 'utf8'), file).value;
      const host = buildHostModel({ name: 'h', iptables: [], routes: [], rules: [], interfaces: null, conntrack: null, extraAddresses: [parseIpAddress('10.0.0.1')!, parseIpAddress('2001:db8:1::1')!], nftables: [ruleset] });
      for (const p of PACKETS) {
        const r = simulate(host, { ...p, options: { recentHistory: 'unknown' } });
        const total = r.outcomes.reduce((s, o) => s + o.probability, 0);
        if (r.outcomes.length === 0 || Math.abs(total - 1) > 1e-6) bad.push(`${file}: ${p.family} ${p.protocol} → total ${total} over ${r.outcomes.length} outcomes`);
        if (r.outcomes.some((o) => o.state.unknowns.some((u) => u.trim() === ''))) bad.push(`${file}: an empty unknown`);
        walks++;
      }
    }
    expect(bad).toEqual([]);
    expect(walks).toBe(files.length * PACKETS.length);
  });
});
