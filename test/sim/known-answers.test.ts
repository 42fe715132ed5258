// Known answers on a hand-written kube-proxy + flannel node (test/fixtures/snapshots/kube-node):
// which endpoint, whether masqueraded (and to which address), the verdict — through runTrace and
// its JSON report, as `natpath trace --format json` gives them.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTrace, type TraceOptions } from '../../src/app/trace.js';
import type { TraceReport } from '../../src/report/trace-model.js';
import { PROJECT_ROOT } from '../corpus.js';

const NODE = join(PROJECT_ROOT, 'test', 'fixtures', 'snapshots', 'kube-node');

async function trace(o: Partial<TraceOptions>): Promise<TraceReport> {
  const run = await runTrace({ paths: [NODE], hosts: [], proto: 'tcp', dst: '', ...o });
  if (!run.ok) throw new Error(run.message);
  return run.report;
}

/** Each outcome as "probability verdict egress src → dst [masq]". */
function summary(r: TraceReport): string[] {
  return r.outcomes.map((o) => {
    const masq = o.translations.some((t) => t.kind === 'SNAT') ? ' masq' : '';
    return `${o.probability.toFixed(3)} ${o.verdict} ${o.egress?.interface ?? '-'} ${o.packet.src} → ${o.packet.dst}${masq}`;
  });
}

describe('known answers: kube-proxy services on one node', () => {
  it('ClusterIP with three endpoints: one branch per endpoint, 1/3 each, pod source kept', async () => {
    const r = await trace({ src: '10.244.1.9', dst: '10.96.0.20:80', in: 'vethaaaa0001' });
    expect(summary(r)).toEqual([
      '0.333 ACCEPT cni0 10.244.1.9:40000 → 10.244.1.5:8080',
      '0.333 ACCEPT cni0 10.244.1.9:40000 → 10.244.1.6:8080',
      '0.333 ACCEPT flannel.1 10.244.1.9:40000 → 10.244.2.7:8080',
    ]);
    expect(r.outcomes.every((o) => o.unknowns.length === 0)).toBe(true);
    expect(r.notes[0]).toMatch(/port of bridge cni0/);
    const dnat = r.outcomes[0]!.translations[0]!;
    expect(dnat).toMatchObject({ kind: 'DNAT', before: { dst: '10.96.0.20:80' }, after: { dst: '10.244.1.5:8080' }, rule: { table: 'nat', chain: 'KUBE-SEP-WEB1WEB1WEB1WEB1', ruleNumber: 2 } });
  });

  it('NodePort from outside: DNAT to either endpoint and masquerade to the egress interface\'s address', async () => {
    const r = await trace({ src: '198.51.100.9', dst: '10.0.0.11:30080', in: 'eth0' });
    expect(summary(r)).toEqual([
      '0.500 ACCEPT cni0 10.244.1.1:40000 → 10.244.1.5:8080 masq',
      '0.500 ACCEPT flannel.1 10.244.1.0:40000 → 10.244.2.7:8080 masq',
    ]);
    expect(r.outcomes[1]!.egress).toEqual({ interface: 'flannel.1', via: '10.244.2.0' });
    expect(r.outcomes[0]!.steps.map((s) => s.chain)).toContain('KUBE-MARK-MASQ');
  });

  it('LoadBalancer with loadBalancerSourceRanges: allowed source is served and masqueraded, others dropped by KUBE-PROXY-FIREWALL', async () => {
    const ok = await trace({ src: '198.51.100.9', dst: '203.0.113.50:443', in: 'eth0' });
    expect(summary(ok)).toEqual(['1.000 ACCEPT cni0 10.244.1.1:40000 → 10.244.1.6:8443 masq']);
    const blocked = await trace({ src: '192.0.2.1', dst: '203.0.113.50:443', in: 'eth0' });
    expect(summary(blocked)).toEqual(['1.000 DROP - 192.0.2.1:40000 → 203.0.113.50:443']);
    expect(blocked.outcomes[0]!.verdictBy).toBe('filter KUBE-PROXY-FIREWALL rule 1');
  });

  it('externalTrafficPolicy Local: an outside client reaches only the local endpoint, its address kept', async () => {
    const r = await trace({ src: '198.51.100.9', dst: '10.0.0.11:30090', in: 'eth0' });
    expect(summary(r)).toEqual(['1.000 ACCEPT cni0 198.51.100.9:40000 → 10.244.1.5:8080']);
  });

  it('externalTrafficPolicy Local from the node itself: every endpoint, masqueraded (addrtype --src-type LOCAL)', async () => {
    const r = await trace({ src: '10.0.0.11', dst: '10.0.0.11:30090' });
    expect(r.locallyGenerated).toBe(true);
    expect(summary(r)).toEqual([
      '0.500 ACCEPT cni0 10.244.1.1:40000 → 10.244.1.5:8080 masq',
      '0.500 ACCEPT flannel.1 10.244.1.0:40000 → 10.244.2.7:8080 masq',
    ]);
    expect(r.outcomes[0]!.delivery).toBe('output');
  });

  it('session affinity: unknown client history splits and says so; --new-client gives the plain 50/50', async () => {
    const unknown = await trace({ src: '10.244.1.9', dst: '10.96.0.40:80', in: 'vethaaaa0001' });
    expect(unknown.outcomes.map((o) => o.probability)).toEqual([0.5, 0.25, 0.125, 0.125]);
    expect(unknown.outcomes.every((o) => o.unknowns.some((u) => u.includes('-m recent')))).toBe(true);
    const fresh = await trace({ src: '10.244.1.9', dst: '10.96.0.40:80', in: 'vethaaaa0001', newClient: true });
    expect(summary(fresh)).toEqual([
      '0.500 ACCEPT cni0 10.244.1.9:40000 → 10.244.1.6:80',
      '0.500 ACCEPT flannel.1 10.244.1.9:40000 → 10.244.2.7:80',
    ]);
    expect(fresh.outcomes.every((o) => o.unknowns.length === 0)).toBe(true);
  });

  it('a service with no endpoints is rejected, from a pod (FORWARD) and from the node (OUTPUT)', async () => {
    const pod = await trace({ src: '10.244.1.9', dst: '10.96.0.50:80', in: 'vethaaaa0001' });
    expect(pod.outcomes.map((o) => [o.verdict, o.verdictBy, o.delivery])).toEqual([['REJECT', 'filter KUBE-SERVICES rule 1', null]]);
    const node = await trace({ src: '10.0.0.11', dst: '10.96.0.50:80' });
    expect(node.outcomes.map((o) => o.verdict)).toEqual(['REJECT']);
    expect(node.outcomes[0]!.steps.map((s) => s.hook)).toContain('OUTPUT');
  });

  it('hairpin: a pod reaching its own service is masqueraded only on the branch that picks itself', async () => {
    const r = await trace({ src: '10.244.1.5', dst: '10.96.0.20:80', in: 'vethaaaa0001' });
    expect(summary(r)).toEqual([
      '0.333 ACCEPT cni0 10.244.1.1:40000 → 10.244.1.5:8080 masq',
      '0.333 ACCEPT cni0 10.244.1.5:40000 → 10.244.1.6:8080',
      '0.333 ACCEPT flannel.1 10.244.1.5:40000 → 10.244.2.7:8080',
    ]);
  });

  it('without --in, a foreign source arrives where the host routes it back (default route: eth0), and the answer says so', async () => {
    const r = await trace({ src: '198.51.100.9', dst: '10.0.0.11:30080' });
    expect(r.packet.input).toBe('in on eth0 (from the routes)');
    expect(r.notes.join(' ')).toMatch(/198\.51\.100\.9 is reached through eth0 \(route 0\.0\.0\.0\/0 dev eth0\)/);
    expect(r.outcomes).toHaveLength(2);
  });

  it('without --in, a pod address arrives on the bridge whose subnet holds it', async () => {
    const r = await trace({ src: '10.244.1.5', dst: '198.51.100.9:443' });
    expect(r.packet.input).toBe('in on cni0 (from the routes)');
    expect(r.notes.join(' ')).toMatch(/10\.244\.1\.5 is reached through cni0/);
  });

  it('without --in and without routes, a foreign source arrives on an unknown interface, and the answer says so', async () => {
    const run = await runTrace({ paths: [join(NODE, 'iptables-save.txt')], hosts: [], proto: 'tcp', src: '198.51.100.9', dst: '10.0.0.11:30080', hostAddrs: ['10.0.0.11'] });
    expect(run.ok).toBe(true);
    if (!run.ok) return;
    expect(run.report.packet.input).toBe('arriving on an unknown interface');
    expect(run.report.notes.join(' ')).toMatch(/unknown interface/);
  });

  it('a bare iptables-save is a host: --host-addrs makes the NodePort local', async () => {
    const run = await runTrace({ paths: [join(NODE, 'iptables-save.txt')], hosts: [], proto: 'tcp', src: '198.51.100.9', dst: '10.0.0.11:30080', hostAddrs: ['10.0.0.11'] });
    expect(run.ok).toBe(true);
    if (!run.ok) return;
    const o = run.report.outcomes;
    expect(o.map((x) => x.translations.find((t) => t.kind === 'DNAT')?.after.dst)).toEqual(['10.244.1.5:8080', '10.244.2.7:8080']);
    // No ip addr / ip route: MASQUERADE's address and the egress are unknown, and said so.
    expect(o[0]!.translations.find((t) => t.kind === 'SNAT')!.after.src).toBeNull();
    expect(o[0]!.egress).toEqual({ interface: null, via: null });
    expect(o[0]!.unknowns.join(' ')).toMatch(/no ip route snapshot/);
  });

  it('usage errors are messages, not exceptions', async () => {
    expect(await runTrace({ paths: [NODE], hosts: [], proto: 'gre', dst: '10.0.0.1' })).toMatchObject({ ok: false, message: expect.stringMatching(/--proto/) });
    expect(await runTrace({ paths: [NODE], hosts: [], proto: 'tcp', src: '10.0.0.1', dst: 'nope' })).toMatchObject({ ok: false });
    expect(await runTrace({ paths: [NODE], hosts: [], proto: 'tcp', src: '10.0.0.1', dst: '10.0.0.2' })).toMatchObject({ ok: false, message: expect.stringMatching(/port/) });
    expect(await runTrace({ paths: [NODE], hosts: [], proto: 'tcp', src: '::1', dst: '10.0.0.2:80' })).toMatchObject({ ok: false, message: expect.stringMatching(/families/) });
  });
});
