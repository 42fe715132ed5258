// Reads the kube-proxy corpus cases and turns natpath's outcomes into the string kube-proxy's own
// test tracer prints, so the two can be compared case by case.

import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatIpAddress, parseIpAddress } from '../../src/net/address.js';
import { parseIptablesSave } from '../../src/netfilter/index.js';
import { buildHostModel, type HostModel } from '../../src/sim/host-model.js';
import { simulate, type SimResult } from '../../src/sim/simulate.js';
import { corpusPath } from '../corpus.js';

export interface KubeProxyCase {
  test: string;
  name: string;
  sourceIP: string;
  destIP: string;
  destPort: number;
  protocol: string;
  expectedOutput: string;
  masq: boolean;
}

/**
 * kube-proxy installs `-A INPUT/FORWARD/OUTPUT -m conntrack --ctstate NEW -j KUBE-PROXY-FIREWALL`
 * in the filter table; the corpus' derived `.full.txt` dumps lack these jumps. With
 * `addFirewallJumps` they are added (only where the chain exists and nothing jumps to it).
 */
export function withFirewallJumps(text: string): string {
  if (!text.includes(':KUBE-PROXY-FIREWALL') || text.includes('-j KUBE-PROXY-FIREWALL')) return text;
  const jumps = ['INPUT', 'FORWARD', 'OUTPUT'].map(
    (c) => `-A ${c} -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL`,
  );
  const filterCommit = text.indexOf('COMMIT', text.indexOf('*filter'));
  return `${text.slice(0, filterCommit)}${jumps.join('\n')}\n${text.slice(filterCommit)}`;
}

export function loadKubeProxyCases(addFirewallJumps = false): Array<{ test: string; host: HostModel; cases: KubeProxyCase[] }> {
  const root = corpusPath('kube-proxy');
  const out = [];
  for (const d of readdirSync(root, { withFileTypes: true })) {
    if (!d.isDirectory() || !existsSync(join(root, d.name, 'cases.json'))) continue;
    const dir = join(root, d.name);
    const full = join(dir, 'iptables-save.full.txt');
    const file = existsSync(full) ? full : join(dir, 'iptables-save.txt');
    const text = readFileSync(file, 'utf8');
    const dump = parseIptablesSave(addFirewallJumps ? withFirewallJumps(text) : text, file, { family: 'ipv4' }).value;
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { localIPs: string[] };
    const host = buildHostModel({
      name: d.name, iptables: [dump], routes: [], rules: [], interfaces: null, conntrack: null,
      extraAddresses: meta.localIPs.map((a) => parseIpAddress(a)!).filter((a) => a.family === 'ipv4'),
    });
    const cases = (JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as Omit<KubeProxyCase, 'test'>[]).map((c) => ({ ...c, test: d.name }));
    out.push({ test: d.name, host, cases });
  }
  return out;
}

export function traceCase(host: HostModel, c: KubeProxyCase): SimResult {
  return simulate(host, {
    family: 'ipv4',
    protocol: c.protocol ?? 'tcp',
    protocolNumber: (c.protocol ?? 'tcp') === 'udp' ? 17 : 6,
    src: parseIpAddress(c.sourceIP),
    dst: parseIpAddress(c.destIP)!,
    sport: 40000,
    dport: c.destPort,
    icmpType: null,
    icmpCode: null,
    input: { kind: 'auto' },
    mark: 0,
    // The tracer's premise: a client never seen before (`-m recent --rcheck` does not match).
    options: { recentHistory: 'empty' },
  });
}

/** Only these filter chains are run by kube-proxy's tracer. */
const TRACER_FILTER_CHAINS = new Set(['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-NODEPORTS', 'KUBE-PROXY-FIREWALL']);

/** natpath's answer in the tracer's words: DNAT destinations in rule order, else the explicit verdict, else "". */
export function tracerView(r: SimResult): { output: string; masq: boolean; masqueraded: boolean } {
  const dnats: string[] = [];
  for (const o of r.outcomes) {
    for (const t of o.state.translations) {
      if (t.kind !== 'DNAT') continue;
      const d = `${formatIpAddress(t.after.dst)}:${t.after.dport}`;
      if (!dnats.includes(d)) dnats.push(d);
    }
  }
  const marked = r.outcomes.some((o) => o.state.steps.some((s) => s.target === 'KUBE-MARK-MASQ'));
  const masqueraded = r.outcomes.some((o) => o.state.translations.some((t) => t.kind === 'SNAT'));
  if (dnats.length > 0) return { output: dnats.join(', '), masq: marked, masqueraded };
  const verdicts = new Set(r.outcomes.map((o) => o.verdict));
  if (verdicts.size === 1 && !verdicts.has('ACCEPT')) return { output: [...verdicts][0]!, masq: marked, masqueraded };
  const explicitAccept = r.outcomes.some((o) => o.state.steps.some((s) => s.table === 'filter' && s.target === 'ACCEPT' && TRACER_FILTER_CHAINS.has(s.chain)));
  return { output: explicitAccept ? 'ACCEPT' : '', masq: marked, masqueraded };
}
