// The kernel decides: test/fixtures/ipset/ipset-node (made by make-ipset-fixtures.sh on a real
// kernel) has sets of every type natpath evaluates and one chain of `-m set` rules per probe
// packet; `iptables-save -c` counters say which rules each probe matched. Tracing the same probe
// through the same snapshots must match exactly those rules — from `ipset save` and from `ipset list`.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIpset } from '../../src/ipset/index.js';
import { parseIpAddress } from '../../src/net/address.js';
import { parseIptablesSave } from '../../src/netfilter/index.js';
import { parseIpLink, parseIpRoute } from '../../src/route/index.js';
import { buildHostModel } from '../../src/sim/host-model.js';
import { simulate, type TraceRequest } from '../../src/sim/simulate.js';
import { PROJECT_ROOT } from '../corpus.js';

const DIR = join(PROJECT_ROOT, 'test', 'fixtures', 'ipset', 'ipset-node');
const read = (f: string) => readFileSync(join(DIR, f), 'utf8');

function host(ipsetFile: string) {
  const ipsets = parseIpset(read(ipsetFile), ipsetFile);
  expect(ipsets.issues).toEqual([]);
  return buildHostModel({
    name: 'ipset-node',
    iptables: [parseIptablesSave(read('iptables-save-c.txt'), 'iptables-save-c.txt').value],
    routes: parseIpRoute(read('ip-route.txt'), 'ip-route.txt').value.routes,
    rules: [],
    interfaces: parseIpLink(read('ip-addr.txt'), 'ip-addr.txt').value,
    conntrack: null,
    ipsets: ipsets.value,
    extraAddresses: [],
  });
}

// The probes the script sent (see make-ipset-fixtures.sh), each counted in its own chain.
const PROBES: Array<{ chain: string; protocol: 'udp' | 'tcp' | 'icmp'; dst: string; dport: number | null }> = [
  { chain: 'P_UDP53', protocol: 'udp', dst: '10.1.2.3', dport: 53 },
  { chain: 'P_TCP80', protocol: 'tcp', dst: '10.1.2.3', dport: 80 },
  { chain: 'P_HOLE', protocol: 'udp', dst: '10.1.2.9', dport: 53 },
  { chain: 'P_PLAIN', protocol: 'udp', dst: '10.1.2.200', dport: 53 },
  { chain: 'P_PORTRANGE', protocol: 'udp', dst: '10.5.5.5', dport: 8005 },
  { chain: 'P_ICMP', protocol: 'icmp', dst: '10.1.2.3', dport: null },
  { chain: 'P_RANGE', protocol: 'udp', dst: '10.9.0.2', dport: 53 },
];

function request(p: (typeof PROBES)[number]): TraceRequest {
  const icmp = p.protocol === 'icmp';
  return {
    family: 'ipv4', protocol: p.protocol, protocolNumber: icmp ? 1 : p.protocol === 'tcp' ? 6 : 17,
    src: null, dst: parseIpAddress(p.dst)!, sport: icmp ? null : 40000, dport: p.dport,
    icmpType: icmp ? 8 : null, icmpCode: icmp ? 0 : null, input: { kind: 'local' }, mark: 0, options: { recentHistory: 'unknown' },
  };
}

describe('-m set --match-set agrees with the kernel rule by rule', () => {
  const dump = parseIptablesSave(read('iptables-save-c.txt'), 'iptables-save-c.txt').value;
  const chains = dump.tables.find((t) => t.name === 'filter')!.chains;

  for (const ipsetFile of ['ipset-save.txt', 'ipset-list.txt']) {
    const h = host(ipsetFile);
    for (const probe of PROBES) {
      it(`${probe.chain} (${probe.protocol} to ${probe.dst}${probe.dport === null ? '' : `:${probe.dport}`}) from ${ipsetFile}`, () => {
        const chain = chains.find((c) => c.name === probe.chain)!;
        const kernelHits = chain.rules.filter((r) => (r.counters?.packets ?? 0) > 0).map((r) => `${r.number} ${r.text}`);
        expect(kernelHits.length).toBeGreaterThan(0);
        const result = simulate(h, request(probe));
        expect(result.outcomes).toHaveLength(1);
        const state = result.outcomes[0]!.state;
        const hits = state.steps.filter((s) => s.chain === probe.chain).map((s) => `${s.ruleNumber} ${s.text}`);
        expect(hits).toEqual(kernelHits);
      });
    }
  }

  it('an entry with a timeout running is taken as present, and the walk says so', () => {
    const result = simulate(host('ipset-save.txt'), request(PROBES[0]!));
    const notes = result.outcomes[0]!.state.unknowns.filter((u) => u.includes('--match-set timed'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/entry "10\.1\.2\.3 timeout \d+" of timed had \d+ s left when the dump was made \(ipset-save\.txt:\d+\); taken as still present/);
  });
});
