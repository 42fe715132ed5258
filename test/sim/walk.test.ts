// Chain-walk semantics on small inline dumps: jumps, goto, RETURN, policies, marks, unknowns.

import { describe, expect, it } from 'vitest';
import { formatIpAddress, parseIpAddress } from '../../src/net/address.js';
import { parseIptablesSave } from '../../src/netfilter/index.js';
import { buildHostModel } from '../../src/sim/host-model.js';
import { simulate, type TraceRequest } from '../../src/sim/simulate.js';

function host(filter: string[], nat: string[] = [], addrs = ['10.0.0.1']) {
  const text = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ...filter, 'COMMIT', '*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', ...nat, 'COMMIT'].join('\n');
  const r = parseIptablesSave(text, 'rules.txt');
  return buildHostModel({ name: 'h', iptables: [r.value], routes: [], rules: [], interfaces: null, conntrack: null, extraAddresses: addrs.map((a) => parseIpAddress(a)!) });
}

function req(over: Partial<TraceRequest> = {}): TraceRequest {
  return {
    family: 'ipv4', protocol: 'tcp', protocolNumber: 6, src: parseIpAddress('192.0.2.9'), dst: parseIpAddress('198.51.100.1')!, sport: 40000, dport: 443,
    icmpType: null, icmpCode: null, input: { kind: 'interface', name: 'eth0' }, mark: 0, options: { recentHistory: 'unknown' }, ...over,
  };
}

const verdicts = (h: ReturnType<typeof host>, r = req()) => simulate(h, r).outcomes.map((o) => `${o.probability} ${o.verdict} ${o.state.verdictBy ?? ''}`);

describe('chain walk', () => {
  it('a jump comes back, RETURN goes back, falling off a built-in chain is its policy', () => {
    const h = host([':A - [0:0]', '-A FORWARD -j A', '-A FORWARD -p tcp --dport 443 -j ACCEPT', '-A A -p tcp -j RETURN', '-A A -j DROP']);
    expect(verdicts(h)).toEqual(['1 ACCEPT filter FORWARD rule 2']);
    expect(verdicts(h, req({ dport: 80 }))).toEqual(['1 DROP policy DROP of filter FORWARD']);
    expect(verdicts(h, req({ protocol: 'udp', protocolNumber: 17 }))).toEqual(['1 DROP filter A rule 2']);
  });

  it('-g does not come back to the chain that jumped', () => {
    const h = host([':G - [0:0]', '-A FORWARD -g G', '-A FORWARD -j ACCEPT', '-A G -p udp -j ACCEPT']);
    expect(verdicts(h)).toEqual(['1 DROP policy DROP of filter FORWARD']);
  });

  it('marks set in one chain are seen by the next rules and by later hooks', () => {
    const h = host(['-A FORWARD -m mark --mark 0x4000/0x4000 -j ACCEPT'], ['-A PREROUTING -j MARK --set-xmark 0x4000/0x4000']);
    expect(verdicts(h)).toEqual(['1 ACCEPT filter FORWARD rule 1']);
  });

  it('an unknown input interface splits the walk in two halves, both marked unknown', () => {
    const h = host(['-A FORWARD -i eth0 -j ACCEPT']);
    const r = simulate(h, req({ input: { kind: 'auto' } }));
    expect(r.outcomes.map((o) => `${o.probability} ${o.verdict}`)).toEqual(['0.5 ACCEPT', '0.5 DROP']);
    expect(r.outcomes[0]!.state.unknowns.join(' ')).toMatch(/taken as matching: the input interface is not known/);
  });

  it('an ipset or unknown match is unknown, never guessed', () => {
    const h = host(['-A FORWARD -m set --match-set allow src -j ACCEPT', '-A FORWARD -m hashlimit --hashlimit-upto 1/sec -j ACCEPT']);
    const r = simulate(h, req());
    expect(r.outcomes.map((o) => `${o.probability} ${o.verdict}`)).toEqual(['0.5 ACCEPT', '0.25 ACCEPT', '0.25 DROP']);
    expect(r.outcomes[2]!.state.unknowns.filter((u) => u.includes('taken as not matching'))).toHaveLength(2);
  });

  it('a locally generated packet to a local address goes out and back in through lo, DNAT in OUTPUT re-routes', () => {
    const h = host([], ['-A OUTPUT -d 10.0.0.1 -p tcp --dport 80 -j DNAT --to-destination 127.0.0.1:8080']);
    const r = simulate(h, req({ src: parseIpAddress('10.0.0.1'), dst: parseIpAddress('10.0.0.1')!, dport: 80, input: { kind: 'auto' } }));
    expect(r.locallyGenerated).toBe(true);
    expect(r.outcomes.map((o) => [o.verdict, o.delivery, `${formatIpAddress(o.state.packet.dst)}:${o.state.packet.dport}`])).toEqual([['ACCEPT', 'local', '127.0.0.1:8080']]);
    expect(r.outcomes[0]!.state.steps.map((s) => s.hook)).toEqual(['OUTPUT']);
  });

  it('NOTRACK in raw keeps the packet out of the nat table', () => {
    const text = ['*raw', ':PREROUTING ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', '-A PREROUTING -p tcp --dport 443 -j NOTRACK', 'COMMIT', '*nat', ':PREROUTING ACCEPT [0:0]', '-A PREROUTING -j DNAT --to-destination 10.9.9.9', 'COMMIT'].join('\n');
    const h = buildHostModel({ name: 'h', iptables: [parseIptablesSave(text, 'r').value], routes: [], rules: [], interfaces: null, conntrack: null, extraAddresses: [parseIpAddress('10.0.0.1')!] });
    const r = simulate(h, req());
    expect(r.outcomes[0]!.state.translations).toEqual([]);
    const tracked = simulate(h, req({ dport: 80 }));
    expect(formatIpAddress(tracked.outcomes[0]!.state.packet.dst)).toBe('10.9.9.9');
  });
});
