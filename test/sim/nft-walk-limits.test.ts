// Hostile nft rulesets (hand-made: the kernel would refuse to load them, or they are built to
// explode a branching walk) stay bounded: loops are not followed, nesting stops at the kernel's
// jump stack, and the work budget cuts an exponential walk with a diagnostic.

import { describe, expect, it } from 'vitest';
import { parseIpAddress } from '../../src/net/address.js';
import { readNftJson } from '../../src/nftables/read-json.js';
import { buildHostModel } from '../../src/sim/host-model.js';
import { simulate } from '../../src/sim/simulate.js';

function host(items: object[]) {
  const ruleset = readNftJson(JSON.stringify({ nftables: [{ table: { family: 'ip', name: 't' } }, ...items] }), 'hostile.json').value;
  return buildHostModel({ name: 'h', iptables: [], routes: [], rules: [], interfaces: null, conntrack: null, extraAddresses: [parseIpAddress('10.0.0.1')!], nftables: [ruleset] });
}
const chain = (name: string, base = false) => ({ chain: { family: 'ip', table: 't', name, ...(base ? { type: 'filter', hook: 'prerouting', prio: 0, policy: 'accept' } : {}) } });
const rule = (chainName: string, expr: object[]) => ({ rule: { family: 'ip', table: 't', chain: chainName, expr } });
const unknownMatch = { match: { op: '==', left: { meta: { key: 'cpu' } }, right: 1 } };

function trace(h: ReturnType<typeof host>) {
  return simulate(h, {
    family: 'ipv4', protocol: 'udp', protocolNumber: 17, src: parseIpAddress('192.0.2.1'), dst: parseIpAddress('10.0.0.9')!, sport: 1, dport: 2,
    icmpType: null, icmpCode: null, input: { kind: 'interface', name: 'eth0' }, mark: 0, options: { recentHistory: 'unknown' },
  });
}

describe('nft walk limits', () => {
  it('does not follow a jump back into a chain being walked', () => {
    const h = host([chain('pre', true), chain('a'), rule('pre', [{ jump: { target: 'a' } }]), rule('a', [{ jump: { target: 'a' } }])]);
    const r = trace(h);
    expect(r.outcomes.map((o) => o.verdict)).toEqual(['ACCEPT']);
    expect(r.outcomes[0]!.state.unknowns[0]).toBe('jump a loops back into a chain being walked (the kernel refuses to load such a ruleset): not followed');
  });

  it('stops at the kernel jump stack (16 levels)', () => {
    const items: object[] = [chain('pre', true), rule('pre', [{ jump: { target: 'c0' } }])];
    for (let i = 0; i < 40; i++) items.push(chain(`c${i}`), rule(`c${i}`, [{ jump: { target: `c${i + 1}` } }]));
    items.push(chain('c40'));
    const r = trace(host(items));
    expect(r.outcomes[0]!.state.unknowns.some((u) => u.startsWith('jumps nest deeper than 16'))).toBe(true);
  });

  it('cuts an exponential walk (each level splits twice on an unknown) with the work budget, quickly', () => {
    const items: object[] = [chain('pre', true), rule('pre', [{ jump: { target: 'l0' } }])];
    for (let i = 0; i < 15; i++) {
      items.push(chain(`l${i}`), rule(`l${i}`, [unknownMatch, { jump: { target: `l${i + 1}` } }]), rule(`l${i}`, [{ jump: { target: `l${i + 1}` } }]));
    }
    items.push(chain('l15'), rule('l15', [{ counter: null }]));
    const started = Date.now();
    const r = trace(host(items));
    expect(Date.now() - started).toBeLessThan(5000);
    const total = r.outcomes.reduce((p, o) => p + o.probability, 0);
    expect(total).toBeCloseTo(1, 6);
    expect(r.outcomes.length).toBeLessThanOrEqual(600);
  });
});
