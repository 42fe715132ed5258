// @module-tag corpus
import { describe, expect, it } from 'vitest';
import { loadKubeProxyCases, traceCase, tracerView } from './kube-proxy-helpers.js';

function score(addFirewallJumps: boolean): { total: number; exact: number; misses: string[] } {
  let total = 0;
  let exact = 0;
  const misses: string[] = [];
  for (const { host, cases } of loadKubeProxyCases(addFirewallJumps)) {
    for (const c of cases) {
      total++;
      const view = tracerView(traceCase(host, c));
      if (view.output === c.expectedOutput && view.masq === c.masq) exact++;
      else misses.push(`${c.test} / ${c.name}: expected "${c.expectedOutput}" masq=${c.masq}, natpath "${view.output}" masq=${view.masq}`);
    }
  }
  return { total, exact, misses };
}

describe('kube-proxy corpus (62 packet-flow cases from kube-proxy\'s own tests)', () => {
  it('reproduces 58 of 62 on the dumps as given; the 4 others differ because the dump lacks the KUBE-PROXY-FIREWALL jumps', () => {
    const r = score(false);
    console.log(`kube-proxy corpus, dumps as given: ${r.exact}/${r.total}\n${r.misses.join('\n')}`);
    expect(r.total).toBe(62);
    expect(r.exact).toBe(58);
    expect(r.misses.every((m) => m.startsWith('TestLoadBalancer /') && m.includes('expected "DROP"'))).toBe(true);
  });

  it('where the packet is not dropped, MASQUERADE really runs in POSTROUTING exactly when the tracer says "masq" (46/46)', () => {
    let total = 0;
    const differ: string[] = [];
    for (const { host, cases } of loadKubeProxyCases(true)) {
      for (const c of cases) {
        const view = tracerView(traceCase(host, c));
        if (view.output === 'DROP' || view.output === 'REJECT') continue;
        total++;
        if (view.masqueraded !== c.masq) differ.push(`${c.test} / ${c.name}`);
      }
    }
    expect(total).toBe(46);
    expect(differ).toEqual([]);
  });

  it('reproduces all 62 once the filter chains jump to KUBE-PROXY-FIREWALL as kube-proxy installs them', () => {
    const r = score(true);
    console.log(`kube-proxy corpus, with KUBE-PROXY-FIREWALL jumps: ${r.exact}/${r.total}\n${r.misses.join('\n')}`);
    expect(r.misses).toEqual([]);
  });
});
