// A router whose NAT is nftables (test/fixtures/nft/router, recorded by make-nft-fixture.sh from a
// real kernel): its conntrack table after real UDP packets is the kernel's own answer for each. The
// trace from the host's dumps — loaded through the case loader, which prefers nft -j over the text
// form — must predict those translations, name the nft rule that made them, and drop what the
// kernel dropped (no conntrack entry).

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCase } from '../../src/case/load-case.js';
import { formatIpAddress, parseIpAddress } from '../../src/net/address.js';
import { loadHost, type LoadedHost } from '../../src/sim/load-host.js';
import { simulate, type SimResult } from '../../src/sim/simulate.js';
import { runCliInProcess } from '../cli/run-cli-in-process.js';
import { PROJECT_ROOT } from '../corpus.js';

const DIR = join(PROJECT_ROOT, 'test', 'fixtures', 'nft', 'router');

async function router(): Promise<LoadedHost> {
  const kase = await loadCase({ paths: [DIR], hosts: [] });
  return loadHost(kase.hosts[0]!, []);
}

function udp(host: LoadedHost, src: string, sport: number, dst: string, dport: number): SimResult {
  return simulate(host.model, {
    family: src.includes(':') ? 'ipv6' : 'ipv4', protocol: 'udp', protocolNumber: 17, src: parseIpAddress(src), dst: parseIpAddress(dst)!, sport, dport,
    icmpType: null, icmpCode: null, input: { kind: 'interface', name: 'r-in' }, mark: 0, options: { recentHistory: 'unknown' },
  });
}

/** Where each outcome sends the packet: `verdict src:sport → dst:dport`, ports kept only when fixed by the rules. */
function outcomes(r: SimResult): string[] {
  return r.outcomes.map((o) => {
    const p = o.state.packet;
    return `${o.verdict} ${p.src === null ? '?' : formatIpAddress(p.src)}:${p.sport} → ${formatIpAddress(p.dst)}:${p.dport} p=${o.probability}`;
  });
}

describe('trace on an nftables router agrees with the kernel (conntrack after real packets)', async () => {
  const host = await router();

  it('loads the JSON dump, says the text dump is not used, sets the bridge table and the iptables-nft copy aside', () => {
    const kinds = host.files.map((f) => `${f.path.split('/').pop()} ${f.kind}`);
    expect(kinds).toContain('nft-ruleset.json nft-ruleset-json');
    expect(host.diagnostics.some((d) => d.code === 'case.nft-text-not-used' && d.place.file.endsWith('nft-ruleset.txt'))).toBe(true);
    const aside = host.diagnostics.filter((d) => d.code === 'trace.nft-table-not-simulated').map((d) => d.message);
    expect(aside).toEqual([
      'table bridge natpath-l2 is not simulated: bridge tables see frames before or beside IP routing (bridged traffic, ARP, ingress) — a drop or mark there would change what reaches the IP hooks',
      "table ip nat is iptables-nft's copy of the iptables-save rules: those are used instead, so no rule applies twice",
    ]);
  });

  it('DNAT by a concatenated map, then SNAT to a port range on ct status dnat (kernel: 10.9.2.2:80, source 10.9.2.1:30007)', () => {
    const r = udp(host, '10.9.1.2', 41000, '10.9.1.1', 8080);
    expect(outcomes(r)).toEqual(['ACCEPT 10.9.2.1:30000 → 10.9.2.2:80 p=1']);
    const [dnat, snat] = r.outcomes[0]!.state.translations;
    expect(dnat!.rule.text).toBe('dnat ip to ip daddr . meta l4proto . udp dport map @svc');
    expect(dnat!.rule.nft).toEqual({ family: 'inet', handle: 11 });
    expect(dnat!.rule.source.jsonPath).toMatch(/^\$\.nftables\[\d+\]\.rule$/);
    expect(snat!.rule.text).toBe('ct status dnat meta l4proto udp snat ip to 10.9.2.1:30000-30010');
    expect(snat!.range).toBe(':30000-30010'); // the address is fixed, the port is the kernel's pick within the range
    expect(snat!.rule.nft).toEqual({ family: 'inet', handle: 19 });
  });

  it('verdict map jump, mark with mask, masquerade to :ports (kernel: source 10.9.2.1:20009)', () => {
    const r = udp(host, '10.9.1.2', 41001, '10.9.2.2', 9000);
    expect(outcomes(r)).toEqual(['ACCEPT 10.9.2.1:20000 → 10.9.2.2:9000 p=1']);
    const o = r.outcomes[0]!;
    expect(o.state.packet.mark).toBe(0x100);
    expect(o.state.steps.map((s) => s.target)).toContain('jump mark-it');
    expect(o.state.translations[0]!.rule.text).toBe('meta mark & 0x0000ff00 == 0x00000100 oifname "r-out" meta l4proto udp masquerade to :20000-20010');
  });

  it('verdict map drop and an interval set drop (kernel: no conntrack entry for either)', () => {
    const dropped = udp(host, '10.9.1.2', 41002, '10.9.2.2', 9001);
    expect(dropped.outcomes.map((o) => [o.verdict, o.state.verdictBy])).toEqual([['DROP', 'inet natpath forward-filter handle 16 (udp dport vmap @ports)']]);
    const blocked = udp(host, '10.9.1.110', 41003, '10.9.2.2', 5000);
    expect(blocked.outcomes.map((o) => [o.verdict, o.state.verdictBy])).toEqual([['DROP', 'inet natpath prerouting-nat handle 9 (ip saddr @blocked counter drop)']]);
  });

  it('numgen random mod 2: both endpoints, half each (kernel took 10.9.2.2 this time)', () => {
    const r = udp(host, '10.9.1.2', 41004, '10.9.1.1', 8081);
    expect(outcomes(r)).toEqual(['ACCEPT 10.9.2.1:30000 → 10.9.2.2:8081 p=0.5', 'ACCEPT 10.9.2.1:30000 → 10.9.2.3:8081 p=0.5']);
    expect(r.outcomes.every((o) => o.state.unknowns.length === 0)).toBe(true); // chance, not ignorance
  });

  it('no NAT for plain forwarding; fib daddr type local → redirect to :7001; the iptables-nft MASQUERADE applied once', () => {
    expect(outcomes(udp(host, '10.9.1.2', 41005, '10.9.2.2', 5000))).toEqual(['ACCEPT 10.9.1.2:41005 → 10.9.2.2:5000 p=1']);
    const redirected = udp(host, '10.9.1.2', 41006, '10.9.1.1', 7000);
    expect(outcomes(redirected)).toEqual(['ACCEPT 10.9.1.2:41006 → 10.9.1.1:7001 p=1']);
    expect(redirected.outcomes[0]!.delivery).toBe('local');
    const masq = udp(host, '10.9.1.2', 41007, '10.9.2.2', 6000);
    expect(outcomes(masq)).toEqual(['ACCEPT 10.9.2.1:41007 → 10.9.2.2:6000 p=1']);
    const by = masq.outcomes[0]!.state.translations.map((t) => `${t.rule.table}/${t.rule.chain} ${t.rule.nft === null ? 'iptables' : 'nft'}`);
    expect(by).toEqual(['nat/POSTROUTING iptables']);
  });

  it('ct mark set (kernel: mark=66 on the connection), fib saddr . iif oif and fib daddr oif missing drop (kernel: no entry)', () => {
    const marked = udp(host, '10.9.1.2', 41005, '10.9.2.2', 5000);
    expect(marked.outcomes.map((o) => o.state.conn.mark)).toEqual([66]);
    const spoofed = udp(host, '203.0.113.5', 41008, '10.9.2.2', 5000);
    expect(spoofed.outcomes.map((o) => [o.verdict, o.state.verdictBy])).toEqual([['DROP', 'ip natpath-raw prerouting-raw handle 2 (fib saddr . iif oif missing counter drop)']]);
    const unroutable = udp(host, '10.9.1.2', 41009, '198.18.0.1', 5000);
    expect(unroutable.outcomes.map((o) => [o.verdict, o.state.verdictBy])).toEqual([['DROP', 'ip natpath-raw prerouting-raw handle 4 (udp dport 5000 fib daddr oif missing counter drop)']]);
  });

  it('fib daddr oif is missing for the router\'s own address, as the kernel counted (handle 3: packets 1)', () => {
    const r = udp(host, '10.9.1.2', 41006, '10.9.1.1', 7000);
    const raw = r.outcomes[0]!.state.steps.filter((st) => st.table === 'natpath-raw').map((st) => st.nft?.handle);
    expect(raw).toEqual([3]);
  });

  it('IPv6: dnat ip6 to [fd09:2::2]:443, then `snat ip` does nothing to IPv6 and masquerade takes fd09:2::1 (kernel: the same)', () => {
    const r = udp(host, 'fd09:1::2', 41010, 'fd09:1::1', 8443);
    expect(outcomes(r)).toEqual(['ACCEPT fd09:2::1:41010 → fd09:2::2:443 p=1']);
    expect(r.outcomes[0]!.state.translations.map((t) => `${t.kind} ${t.rule.nft?.handle}`)).toEqual(['DNAT 14', 'SNAT 20']);
    const fwd = udp(host, 'fd09:1::2', 41011, 'fd09:2::2', 5000);
    expect(outcomes(fwd)).toEqual(['ACCEPT fd09:2::1:41011 → fd09:2::2:5000 p=1']);
    expect(fwd.outcomes[0]!.state.conn.mark).toBe(66);
  });

  it('natpath trace --format json carries the nft rule identity (family, handle, text, JSON path)', async () => {
    const r = await runCliInProcess(['trace', DIR, '--proto', 'udp', '--src', '10.9.1.2:41000', '--dst', '10.9.1.1:8080', '--in', 'r-in', '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { outcomes: Array<{ translations: Array<{ rule: Record<string, unknown> }>; steps: Array<Record<string, unknown>> }>; conntrack: Array<{ agreesWithOutcome: number | null }> };
    const dnat = report.outcomes[0]!.translations[0]!.rule;
    expect(dnat).toMatchObject({ table: 'natpath', chain: 'prerouting-nat', nft: { family: 'inet', handle: 11 }, text: 'dnat ip to ip daddr . meta l4proto . udp dport map @svc' });
    expect(report.outcomes[0]!.steps[0]!.source).toMatch(/nft-ruleset\.json \$\.nftables\[\d+\]\.rule$/);
    expect(report.conntrack.map((c) => c.agreesWithOutcome)).toEqual([0]);
  });
});
