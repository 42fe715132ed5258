// The real-kernel fixtures (test/fixtures/snapshots/real-node, made by make-real-fixtures.sh) hold what the
// kernel itself did: its conntrack table records each connection's NAT. Tracing the same first
// packets through the same host's snapshots must predict those translations.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConntrack } from '../../src/conntrack/index.js';
import { formatIpAddress, parseIpAddress } from '../../src/net/address.js';
import { parseIptablesSave } from '../../src/netfilter/index.js';
import { parseIpLink, parseIpRoute, parseIpRule } from '../../src/route/index.js';
import { buildHostModel } from '../../src/sim/host-model.js';
import { simulate, type TraceRequest } from '../../src/sim/simulate.js';
import { PROJECT_ROOT } from '../corpus.js';

const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures', 'snapshots', 'real-node');
const read = (f: string) => readFileSync(join(FIXTURES, f), 'utf8');

function node() {
  const addr = parseIpLink(read('ip-addr.txt'), 'ip-addr.txt').value;
  const link = parseIpLink(read('ip-d-link.txt'), 'ip-d-link.txt').value;
  for (const itf of addr.interfaces) {
    const l = link.interfaces.find((x) => x.name === itf.name);
    itf.details = l?.details ?? null;
    itf.slaveKind = l?.slaveKind ?? null;
  }
  return buildHostModel({
    name: 'nptest-node',
    iptables: [parseIptablesSave(read('iptables-save.txt'), 'iptables-save.txt').value, parseIptablesSave(read('ip6tables-save-c.txt'), 'ip6tables-save-c.txt').value],
    routes: parseIpRoute(read('ip-route-table-all.txt'), 'ip-route-table-all.txt').value.routes,
    rules: [...parseIpRule(read('ip-rule.txt'), 'ip-rule.txt').value.rules, ...parseIpRule(read('ip6-rule.txt'), 'ip6-rule.txt', { family: 'ipv6' }).value.rules],
    interfaces: addr,
    conntrack: null,
    extraAddresses: [],
  });
}

function request(proto: 'tcp' | 'udp', src: string, sport: number, dst: string, dport: number, input: TraceRequest['input']): TraceRequest {
  return {
    family: 'ipv4', protocol: proto, protocolNumber: proto === 'tcp' ? 6 : 17, src: parseIpAddress(src), dst: parseIpAddress(dst)!, sport, dport,
    icmpType: null, icmpCode: null, input, mark: 0, options: { recentHistory: 'unknown' },
  };
}

describe('trace on the real-kernel fixtures agrees with the kernel\'s own conntrack', () => {
  const host = node();
  const conntrack = parseConntrack(read('conntrack-L.txt'), 'conntrack-L.txt').value.entries;
  const fromPod = { kind: 'interface', name: 'vethpod0' } as const;

  const cases: Array<{ name: string; req: TraceRequest; egress: string }> = [
    { name: 'pod → 8.8.8.8:53/udp is masqueraded out of eth0', req: request('udp', '10.244.0.5', 41962, '8.8.8.8', 53, fromPod), egress: 'eth0' },
    { name: 'pod → 10.50.1.1:53/udp (multipath route) is masqueraded out of eth0', req: request('udp', '10.244.0.5', 47178, '10.50.1.1', 53, fromPod), egress: 'eth0' },
    { name: 'pod → 192.168.50.254:22/tcp is masqueraded out of eth0', req: request('tcp', '10.244.0.5', 55052, '192.168.50.254', 22, fromPod), egress: 'eth0' },
    // After DNAT to port 8080, `ip rule 500: ipproto tcp dport 8080 lookup egress` sends it out of eth0 to
    // 192.168.50.253 (nobody there): that is why the script's connect timed out instead of being refused.
    { name: 'pod → ClusterIP 10.96.0.20:80 is DNAT\'d to itself:8080, then policy-routed out of eth0, not hairpinned', req: request('tcp', '10.244.0.5', 41982, '10.96.0.20', 80, fromPod), egress: 'eth0' },
    { name: 'node → DNS ClusterIP is DNAT\'d to the local endpoint and masqueraded to cni0\'s address', req: request('udp', '192.168.50.10', 36466, '10.96.0.10', 53, { kind: 'auto' }), egress: 'cni0' },
  ];

  for (const c of cases) {
    it(c.name, () => {
      // Found by addresses and destination port, so the fixtures can be regenerated (source ports change).
      const entry = conntrack.find(
        (e) => formatIpAddress(e.original.src) === formatIpAddress(c.req.src!) && formatIpAddress(e.original.dst) === formatIpAddress(c.req.dst) && e.original.dport === c.req.dport,
      )!;
      expect(entry).toBeDefined();
      const result = simulate(host, { ...c.req, sport: entry.original.sport });
      const expectedSrc = formatIpAddress(entry.translatedSource.address);
      const expectedDst = `${formatIpAddress(entry.translatedDestination.address)}:${entry.translatedDestination.port}`;
      const predicted = result.outcomes.map((o) => `${o.verdict} ${o.egress?.interface} ${o.state.packet.src === null ? '?' : formatIpAddress(o.state.packet.src)} ${formatIpAddress(o.state.packet.dst)}:${o.state.packet.dport}`);
      expect(predicted).toContain(`ACCEPT ${c.egress} ${expectedSrc} ${expectedDst}`);
      const hit = result.outcomes.find((o) => o.egress?.interface === c.egress)!;
      expect(hit.state.translations.some((t) => t.kind === 'SNAT')).toBe(entry.snat);
      expect(hit.state.translations.some((t) => t.kind === 'DNAT')).toBe(entry.dnat);
      // The connection mark the kernel recorded (CONNMARK --save-mark in mangle POSTROUTING -o eth0).
      expect(hit.state.conn.mark).toBe(entry.mark);
      expect(hit.state.unknowns).toEqual([]);
    });
  }

  it('splits the DNS ClusterIP by kube-proxy\'s probabilities: 1/2, then 1/4 + 1/4 (nth taken as 1 in 2)', () => {
    const r = simulate(host, request('udp', '192.168.50.10', 36466, '10.96.0.10', 53, { kind: 'auto' }));
    expect(r.outcomes.map((o) => [o.probability, `${formatIpAddress(o.state.packet.dst)}`, o.egress?.interface])).toEqual([
      [0.5, '10.244.0.5', 'cni0'],
      [0.25, '10.244.1.7', 'flannel.1'],
      [0.25, '10.244.1.7', 'flannel.1'],
    ]);
    expect(r.outcomes[1]!.state.unknowns[0]).toMatch(/nth/);
  });

  it('multipath splits by weight (1:3), both masqueraded to eth0\'s primary address', () => {
    const r = simulate(host, request('udp', '10.244.0.5', 47178, '10.50.1.1', 53, fromPod));
    expect(r.outcomes.map((o) => [o.probability, o.egress?.via && formatIpAddress(o.egress.via)])).toEqual([
      [0.25, '192.168.50.254'],
      [0.75, '192.168.50.253'],
    ]);
  });

  it('policy routing: blackhole and prohibit rules, unreachable routes in another table, forward policy DROP', () => {
    const verdict = (src: string, dst: string, proto: 'tcp' | 'udp' = 'tcp') => {
      const r = simulate(host, request(proto, src, 40000, dst, 80, { kind: 'interface', name: 'eth0' }));
      return r.outcomes.map((o) => `${o.verdict} ${o.state.verdictBy}`);
    };
    expect(verdict('198.51.100.7', '10.244.0.5')).toEqual(['DROP routing: blackhole (ip rule 710)']);
    expect(verdict('192.0.2.9', '10.244.0.5')).toEqual(['REJECT routing: prohibit (ip rule 700)']);
    expect(verdict('192.168.50.77', '10.99.1.1')[0]).toMatch(/^DROP routing: blackhole route 10.99.0.0\/16/);
    // From outside to a pod: FORWARD's policy is DROP, but FLANNEL-FWD accepts -d 10.244.0.0/16.
    expect(verdict('192.168.50.77', '10.244.0.5')).toEqual(['ACCEPT filter FLANNEL-FWD rule 2']);
    // A TCP SYN forwarded elsewhere is rejected by FLANNEL-FWD; UDP falls through to FORWARD's policy.
    expect(verdict('192.168.50.77', '10.70.0.1')).toEqual(['REJECT filter FLANNEL-FWD rule 3']);
    expect(verdict('192.168.50.77', '10.70.0.1', 'udp')).toEqual(['DROP policy DROP of filter FORWARD']);
  });

  it('fwmark rule sends marked packets to table kube, where throw falls back to main', () => {
    const r = simulate(host, { ...request('tcp', '192.168.50.77', 40000, '10.96.5.5', 80, { kind: 'interface', name: 'eth0' }), mark: 0x4000 });
    expect(r.outcomes[0]!.state.routes[0]).toMatchObject({ table: 'main', destination: '0.0.0.0/0' });
    const p = simulate(host, { ...request('tcp', '192.168.50.77', 40000, '10.97.5.5', 80, { kind: 'interface', name: 'eth0' }), mark: 0x4000 });
    expect(p.outcomes[0]!.verdict).toBe('REJECT');
    expect(p.outcomes[0]!.state.routes[0]).toMatchObject({ decision: 'prohibit', table: 'kube' });
  });
});

describe('trace report: conntrack evidence', () => {
  it('lists the connections conntrack recorded like the traced packet, and which outcome each agrees with', async () => {
    const { runTrace } = await import('../../src/app/trace.js');
    const run = await runTrace({ paths: [FIXTURES], hosts: [], proto: 'udp', src: '10.244.0.5', dst: '8.8.8.8:53', in: 'vethpod0' });
    expect(run.ok).toBe(true);
    if (!run.ok) return;
    expect(run.report.conntrack).toHaveLength(1);
    expect(run.report.conntrack[0]).toMatchObject({ snat: true, dnat: false, translated: { dst: '8.8.8.8:53' }, agreesWithOutcome: 0 });
    expect(run.report.conntrack[0]!.translated.src).toMatch(/^192\.168\.50\.10:\d+$/);
    expect(run.report.conntrack[0]!.source).toMatch(/conntrack-L(-extended)?\.txt:\d+$/);
  });
});
