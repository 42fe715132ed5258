// `natpath trace` through the built CLI's main() in process (test/cli/run-cli-in-process.ts): both
// formats, host choice and usage errors. Its --help is checked in
// test/cli/cli.test.ts and test/cli/usage-errors.test.ts.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, samplePath } from '../corpus.js';
import { runCliInProcess } from '../cli/run-cli-in-process.js';

const NODE = join(PROJECT_ROOT, 'test', 'fixtures', 'snapshots', 'kube-node');

describe('natpath trace (CLI)', () => {
  it('prints the walk as text', async () => {
    const r = await runCliInProcess(['trace', NODE, '--proto', 'tcp', '--src', '198.51.100.9', '--dst', '10.0.0.11:30080', '--in', 'eth0']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Outcome 1/2  50%  ACCEPT, forwarded out of cni0');
    expect(r.stdout).toMatch(/DNAT: 198\.51\.100\.9:40000 → 10\.0\.0\.11:30080 {2}⇒ {2}198\.51\.100\.9:40000 → 10\.244\.1\.5:8080/);
    expect(r.stdout).toContain('iptables-save.txt:');
  });

  it('prints the documented JSON contract', async () => {
    const r = await runCliInProcess(['trace', NODE, '--proto', 'udp', '--from', '10.244.1.9', '--to', '8.8.8.8', '--dport', '53', '--iif', 'vethaaaa0001', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.schema).toBe('natpath.trace/1');
    expect(Array.isArray(j.diagnostics)).toBe(true);
    const o = j.outcomes[0];
    expect(Object.keys(o)).toEqual(expect.arrayContaining(['probability', 'verdict', 'delivery', 'packet', 'egress', 'translations', 'steps', 'unknowns']));
    expect(o).toMatchObject({ probability: 1, verdict: 'ACCEPT', delivery: 'forward', packet: { src: '10.0.0.11:40000', dst: '8.8.8.8:53' }, egress: { interface: 'eth0', via: '10.0.0.1' } });
    expect(o.translations[0]).toMatchObject({ kind: 'SNAT', before: { src: '10.244.1.9:40000' }, after: { src: '10.0.0.11:40000' }, rule: { table: 'nat', chain: 'FLANNEL-POSTRTG', ruleNumber: 5, target: 'MASQUERADE' } });
    expect(o.steps[0]).toMatchObject({ hook: 'PREROUTING', table: 'nat', chain: 'PREROUTING', ruleNumber: 1, target: 'KUBE-SERVICES' });
  });

  it('IPv6: a lab pod\'s packet is masqueraded to the node\'s global address', async () => {
    const dir = samplePath('ipv6-pod-egress');
    const r = await runCliInProcess(['trace', dir, '--host', 'node1', '--src', '[fd00:10:244:1::2]:60744', '--dst', '[2001:db8:100::10]:80', '--in', 'veth62608e08', '--format', 'json']);
    if (r.code !== 0 && r.stderr.includes('no host')) return; // samples not built here
    const j = JSON.parse(r.stdout);
    expect(j.outcomes[0].packet.src).toBe('[2001:db8:a::11]:60744');
    expect(j.outcomes[0].egress.interface).toBe('eth0');
  });

  it('asks for --host when the case has several hosts, and exits 2 on usage errors', async () => {
    const many = await runCliInProcess(['trace', samplePath('pod-egress-natgw'), '--src', '10.244.1.2', '--dst', '198.51.100.10:80']);
    expect(many.code).toBe(2);
    expect(many.stderr).toMatch(/name one with --host/);
    for (const args of [['trace', NODE, '--dst', '10.0.0.1:80'], ['trace', NODE, '--src', '1.2.3.4', '--dst', 'x'], ['trace', NODE, '--src', '1.2.3.4', '--dst', '10.0.0.1:80', '--mark', 'abc'], ['trace', '--src', '1.2.3.4', '--dst', '10.0.0.1:80']]) {
      const r = await runCliInProcess(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^natpath trace: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('--proto takes any spelling of the protocols it follows (TCP, 6, ipv6-icmp) and refuses others by name', async () => {
    const same = await Promise.all(['tcp', 'TCP', '6'].map(async (proto) => (await runCliInProcess(['trace', NODE, '--proto', proto, '--src', '198.51.100.9', '--dst', '10.0.0.11:30080', '--in', 'eth0', '--format', 'json'])).stdout));
    expect(JSON.parse(same[0]!).packet.protocol).toBe('tcp');
    expect(same[1]).toBe(same[0]);
    expect(same[2]).toBe(same[0]);
    const v6 = await runCliInProcess(['trace', NODE, '--proto', 'ipv6-icmp', '--src', '2001:db8::9', '--dst', '2001:db8::1', '--format', 'json']);
    expect(v6.code).toBe(0);
    expect(JSON.parse(v6.stdout).packet.protocol).toBe('icmpv6');
    for (const proto of ['gre', '300', 'frobnicate']) {
      const r = await runCliInProcess(['trace', NODE, '--proto', proto, '--src', '198.51.100.9', '--dst', '10.0.0.11:30080']);
      expect(r.code, proto).toBe(2);
      expect(r.stderr).toContain(`--proto must be tcp, udp, icmp, icmpv6 or sctp, not "${proto}"`);
    }
    // An empty value is refused by the command line itself, as for every option.
    const empty = await runCliInProcess(['trace', NODE, '--proto', '', '--src', '198.51.100.9', '--dst', '10.0.0.11:30080']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^natpath trace: --proto needs a value\n/);
  });
});
