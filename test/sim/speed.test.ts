// A large cluster's dump (50 000 rules, 10 000 services) parses, and a trace does not scan
// KUBE-SERVICES rule by rule: the chain index visits only candidate rules. Times are measured by
// `npm run bench` (bench/rules.mjs), not here.

import { describe, expect, it } from 'vitest';
import { parseIpAddress } from '../../src/net/address.js';
import { parseIptablesSave } from '../../src/netfilter/index.js';
import { buildHostModel } from '../../src/sim/host-model.js';
import { simulate } from '../../src/sim/simulate.js';
import { bigKubeDump } from '../../bench/rules.mjs';

describe('a 50 000-rule dump', () => {
  it('parses and traces through an index instead of a linear scan', () => {
    const text = bigKubeDump(10_000);
    const dump = parseIptablesSave(text, 'big.txt').value;
    expect(dump.tables[0]!.chains.reduce((n, c) => n + c.rules.length, 0)).toBeGreaterThanOrEqual(50_000);
    const host = buildHostModel({ name: 'big', iptables: [dump], routes: [], rules: [], interfaces: null, conntrack: null, extraAddresses: [parseIpAddress('10.0.0.11')!] });
    const r = simulate(host, {
      family: 'ipv4', protocol: 'tcp', protocolNumber: 6, src: parseIpAddress('10.244.1.9'), dst: parseIpAddress('10.96.30.7')!, sport: 40000, dport: 80,
      icmpType: null, icmpCode: null, input: { kind: 'interface', name: 'cni0' }, mark: 0, options: { recentHistory: 'unknown' },
    });
    expect(r.outcomes.map((o) => o.state.translations[0]?.after.dst && o.probability)).toEqual([0.5, 0.5]);
    expect(r.rulesEvaluated).toBeLessThan(50);
  });
});
