// A large cluster's dump (50 000 rules, 10 000 services) parses in well under a second, and a
// trace does not scan KUBE-SERVICES rule by rule: the chain index visits only candidate rules.

import { describe, expect, it } from 'vitest';
import { parseIpAddress } from '../../src/net/address.js';
import { parseIptablesSave } from '../../src/netfilter/index.js';
import { buildHostModel } from '../../src/sim/host-model.js';
import { simulate } from '../../src/sim/simulate.js';

function bigDump(services: number): string {
  const lines = ['*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', ':KUBE-SERVICES - [0:0]', ':KUBE-MARK-MASQ - [0:0]'];
  const rules = ['-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES', '-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000'];
  for (let i = 0; i < services; i++) {
    const ip = `10.96.${i >> 8}.${i & 255}`;
    lines.push(`:KUBE-SVC-${i} - [0:0]`, `:KUBE-SEP-${i}a - [0:0]`, `:KUBE-SEP-${i}b - [0:0]`);
    rules.push(
      `-A KUBE-SERVICES -d ${ip}/32 -p tcp -m comment --comment "ns/svc${i}:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-${i}`,
      `-A KUBE-SVC-${i} -m comment --comment "ns/svc${i}:http -> a" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-${i}a`,
      `-A KUBE-SVC-${i} -m comment --comment "ns/svc${i}:http -> b" -j KUBE-SEP-${i}b`,
      `-A KUBE-SEP-${i}a -p tcp -m comment --comment "ns/svc${i}:http" -m tcp -j DNAT --to-destination 10.244.${i >> 8}.${i & 255}:8080`,
      `-A KUBE-SEP-${i}b -p tcp -m comment --comment "ns/svc${i}:http" -m tcp -j DNAT --to-destination 10.245.${i >> 8}.${i & 255}:8080`,
    );
  }
  rules.push('-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS');
  lines.push(':KUBE-NODEPORTS - [0:0]', ...rules, 'COMMIT');
  return lines.join('\n');
}

describe('speed on a 50 000-rule dump', () => {
  it('parses fast and traces through an index instead of a linear scan', () => {
    const text = bigDump(10_000);
    const t0 = performance.now();
    const dump = parseIptablesSave(text, 'big.txt').value;
    const parseMs = performance.now() - t0;
    expect(dump.tables[0]!.chains.reduce((n, c) => n + c.rules.length, 0)).toBeGreaterThanOrEqual(50_000);
    const host = buildHostModel({ name: 'big', iptables: [dump], routes: [], rules: [], interfaces: null, conntrack: null, extraAddresses: [parseIpAddress('10.0.0.11')!] });
    const t1 = performance.now();
    const r = simulate(host, {
      family: 'ipv4', protocol: 'tcp', protocolNumber: 6, src: parseIpAddress('10.244.1.9'), dst: parseIpAddress('10.96.30.7')!, sport: 40000, dport: 80,
      icmpType: null, icmpCode: null, input: { kind: 'interface', name: 'cni0' }, mark: 0, options: { recentHistory: 'unknown' },
    });
    const traceMs = performance.now() - t1;
    console.log(`50k rules: parse ${parseMs.toFixed(0)} ms (host model ${(t1 - t0 - parseMs).toFixed(0)} ms), trace ${traceMs.toFixed(1)} ms, ${r.rulesEvaluated} rules evaluated`);
    expect(r.outcomes.map((o) => o.state.translations[0]?.after.dst && o.probability)).toEqual([0.5, 0.5]);
    expect(r.rulesEvaluated).toBeLessThan(50);
    // Bounds catch a linear scan or a quadratic slip; the parallel test run makes wall time noisy.
    expect(traceMs).toBeLessThan(1000);
    expect(parseMs).toBeLessThan(5000);
  });
});
