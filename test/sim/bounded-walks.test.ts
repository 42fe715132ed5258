// Hostile rulesets cannot make a walk endless or exponential (issue 16): ip rule gotos that loop,
// chains that each jump twice to the next, chains that split at every level, loops between
// chains, nesting far deeper than any real ruleset, one chain of 20 000 matching rules. Each walk
// ends within its work budget, with a diagnostic naming the line where it was cut.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIpAddress } from '../../src/net/address.js';
import { parseIptablesSave } from '../../src/netfilter/index.js';
import { parseIpRule } from '../../src/route/index.js';
import { buildHostModel } from '../../src/sim/host-model.js';
import { runTrace } from '../../src/app/trace.js';
import { simulate, type TraceRequest } from '../../src/sim/simulate.js';
import { MAX_LISTED_STEPS } from '../../src/sim/state.js';
import { MAX_CHAIN_NESTING } from '../../src/sim/walk-chain.js';
import { DEFAULT_WORK_LIMIT } from '../../src/sim/work-budget.js';
import { runCliInProcess } from '../cli/run-cli-in-process.js';
import { PROJECT_ROOT } from '../corpus.js';

const GOTO_LOOP = join(PROJECT_ROOT, 'test', 'fixtures', 'hostile', 'rule-goto-loop');

function hostOf(lines: string[]) {
  const text = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ...lines, 'COMMIT', ''].join('\n');
  const dump = parseIptablesSave(text, 'rules.txt').value;
  return buildHostModel({ name: 'h', iptables: [dump], routes: [], rules: [], interfaces: null, conntrack: null, extraAddresses: [parseIpAddress('10.0.0.1')!] });
}

const request: TraceRequest = {
  family: 'ipv4', protocol: 'tcp', protocolNumber: 6, src: parseIpAddress('10.0.0.9'), dst: parseIpAddress('10.1.1.1')!, sport: 40000, dport: 80,
  icmpType: null, icmpCode: null, input: { kind: 'interface', name: 'eth0' }, mark: 0, options: { recentHistory: 'unknown' },
};

/** Chains D0…Dn; each Dk holds `perLevel(k)` rules leading to D(k+1); Dn sets a mark. */
function ladder(levels: number, perLevel: (k: number) => string[]): string[] {
  const lines = Array.from({ length: levels + 1 }, (_, k) => `:D${k} - [0:0]`);
  lines.push('-A FORWARD -j D0');
  for (let k = 0; k < levels; k++) lines.push(...perLevel(k));
  lines.push(`-A D${levels} -p tcp -j MARK --set-xmark 0x1/0xffffffff`);
  return lines;
}

const twice = (k: number) => [`-A D${k} -p tcp -j D${k + 1}`, `-A D${k} -p tcp -j D${k + 1}`];

describe('ip rule lookup', () => {
  it('two rules that goto each other, and a rule that gotos itself, end with a diagnostic naming the lines', async () => {
    const parsed = parseIpRule('0:\tfrom all lookup local\n100:\tfrom all goto 200\n200:\tfrom all goto 100\n32766:\tfrom all lookup main\n', 'ip-rule.txt');
    expect(parsed.issues.map((d) => `${d.code} ${d.place.line}`)).toEqual(['rule.backward-goto 3']);
    const r = await runCliInProcess(['trace', GOTO_LOOP, '--src', '10.0.0.9', '--dst', '8.8.8.8:53', '--proto', 'udp', '--in', 'eth0', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.outcomes.map((o: { verdict: string; egress: { interface: string } }) => `${o.verdict} ${o.egress.interface}`)).toEqual(['ACCEPT eth0']);
    const unknowns: string[] = report.outcomes[0].unknowns;
    expect(unknowns.some((u) => /ip rule 200 \(.*ip-rule\.txt:3\) goes back to ip rule 100 \(.*ip-rule\.txt:2\)/.test(u))).toBe(true);
    expect(unknowns.some((u) => /ip rule 300 \(.*ip-rule\.txt:4\) goes back to ip rule 300/.test(u))).toBe(true);
    expect(report.diagnostics.map((d: { code: string; place: { line: number } }) => `${d.code} ${d.place.line}`)).toEqual(['rule.backward-goto 3', 'rule.backward-goto 4']);
  });
});

describe('chains that each jump twice to the next', () => {
  it('16 levels (2^17 rules fired) complete under the budget; listed steps are capped, the rest counted', () => {
    const t = performance.now();
    const r = simulate(hostOf(ladder(16, twice)), request);
    expect(performance.now() - t).toBeLessThan(5_000);
    expect(r.work.cut).toBe(false);
    expect(r.outcomes).toHaveLength(1);
    const o = r.outcomes[0]!;
    expect(o.state.packet.mark).toBe(1);
    expect(o.state.steps).toHaveLength(MAX_LISTED_STEPS);
    // FORWARD's jump, 2 per level over 2^k entries of level k, and the mark 2^16 times.
    expect(o.state.steps.length + o.state.stepsNotListed).toBe(1 + (2 ** 17 - 2) + 2 ** 16);
  });

  for (const levels of [20, 40]) {
    it(`${levels} levels are cut by the work cap with a diagnostic at the rule, in bounded time and memory`, () => {
      const heapBefore = process.memoryUsage().heapUsed;
      const t = performance.now();
      const r = simulate(hostOf(ladder(levels, twice)), request);
      expect(performance.now() - t).toBeLessThan(10_000);
      expect(r.work).toEqual({ used: DEFAULT_WORK_LIMIT, limit: DEFAULT_WORK_LIMIT, cut: true });
      expect(r.outcomes.every((o) => o.state.steps.length <= MAX_LISTED_STEPS)).toBe(true);
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(300e6);
      const cut = r.diagnostics.find((d) => d.code === 'sim.work-cap')!;
      expect(cut.place.file).toBe('rules.txt');
      expect(cut.place.line).toBeGreaterThan(4);
      expect(cut.message).toMatch(/the walk was cut after 1,000,000 units of work .* at filter D\d+ rule \d \(rules\.txt:\d+\): the outcomes listed are incomplete/);
      expect(r.outcomes[0]!.state.unknowns.at(-1)).toBe(cut.message);
    });
  }

  it('chains that split at every level (an unknown ipset) merge the branches that reach the same state', () => {
    const split = (k: number) => [`-A D${k} -m set --match-set s${k} src -j D${k + 1}`, `-A D${k} -p tcp -j D${k + 1}`];
    const r = simulate(hostOf(ladder(40, split)), request);
    expect(r.work.cut).toBe(false);
    expect(r.outcomes.length).toBeLessThanOrEqual(16);
    expect(r.outcomes.reduce((p, o) => p + o.probability, 0)).toBeCloseTo(1, 9);
    expect(r.outcomes.some((o) => o.state.unknowns.some((u) => /other paths? through filter D\d+ reached the same state; merged/.test(u)))).toBe(true);
  });
});

describe('chain nesting and loops', () => {
  it('a legitimate 1 000-deep chain is walked to its end', () => {
    const r = simulate(hostOf(ladder(1000, (k) => [`-A D${k} -p tcp -j D${k + 1}`])), request);
    expect(r.diagnostics).toEqual([]);
    expect(r.outcomes.map((o) => [o.verdict, o.state.packet.mark])).toEqual([['ACCEPT', 1]]);
  });

  it(`nesting deeper than ${MAX_CHAIN_NESTING} stops with a diagnostic at the jump, without exhausting the stack`, () => {
    const r = simulate(hostOf(ladder(3000, (k) => [`-A D${k} -p tcp -j D${k + 1}`])), request);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['sim.chain-nesting']);
    expect(r.diagnostics[0]!.message).toMatch(new RegExp(`filter D${MAX_CHAIN_NESTING - 1} rule 1 \\(rules\\.txt:\\d+\\): user chains nested deeper than ${MAX_CHAIN_NESTING}`));
    expect(r.outcomes.map((o) => o.state.packet.mark)).toEqual([0]);
  });

  it('a chain that jumps back into a chain being walked is a loop: reported at its line, not followed', () => {
    const r = simulate(hostOf([':A - [0:0]', ':B - [0:0]', '-A FORWARD -j A', '-A A -j B', '-A B -j A', '-A B -j MARK --set-xmark 0x2/0xffffffff']), request);
    expect(r.diagnostics.map((d) => `${d.code} ${d.place.file}:${d.place.line}`)).toEqual(['sim.chain-loop rules.txt:9']);
    expect(r.diagnostics[0]!.message).toMatch(/filter B rule 1 .* jumps back into A, which is already being walked: a loop/);
    expect(r.outcomes.map((o) => o.state.packet.mark)).toEqual([2]);
  });

  it('20 000 matching rules in one chain are walked without recursion per rule', () => {
    const rules = Array.from({ length: 20_000 }, (_, i) => `-A FORWARD -p tcp -j MARK --set-xmark 0x${(i + 1).toString(16)}/0xffffffff`);
    const r = simulate(hostOf(rules), request);
    expect(r.outcomes.map((o) => o.state.packet.mark)).toEqual([20_000]);
  });
});

describe('100 000 interfaces', () => {
  it('ip link and ip addr of 100 000 veths are merged by name, and a trace takes seconds, not minutes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'natpath-links-'));
    const head = (n: number, name: string, extra = '') => `${n}: ${name}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue ${extra}state UP mode DEFAULT group default qlen 1000`;
    const link: string[] = [head(2, 'eth0'), '    link/ether 2a:04:2f:70:73:d5 brd ff:ff:ff:ff:ff:ff', head(3, 'cni0'), '    link/ether e6:0e:59:42:78:fc brd ff:ff:ff:ff:ff:ff'];
    const addr: string[] = [head(2, 'eth0'), '    link/ether 2a:04:2f:70:73:d5 brd ff:ff:ff:ff:ff:ff', '    inet 192.168.50.10/24 scope global eth0'];
    for (let i = 0; i < 100_000; i++) {
      const name = `veth${i}@if2`;
      const mac = `    link/ether e6:0e:59:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')} brd ff:ff:ff:ff:ff:ff`;
      link.push(head(i + 4, name, 'master cni0 '), mac);
      addr.push(head(i + 4, name, 'master cni0 '), mac, `    inet 10.${100 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32 scope global veth${i}`);
    }
    writeFileSync(join(dir, 'ip-link.txt'), `${link.join('\n')}\n`);
    writeFileSync(join(dir, 'ip-addr.txt'), `${addr.join('\n')}\n`);
    writeFileSync(join(dir, 'ip-route.txt'), 'default via 192.168.50.254 dev eth0\n192.168.50.0/24 dev eth0 proto kernel scope link src 192.168.50.10\n');
    writeFileSync(join(dir, 'iptables-save.txt'), '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -i veth50000 -o eth0 -j ACCEPT\nCOMMIT\n');
    const t = performance.now();
    const run = await runTrace({ paths: [dir], hosts: [], proto: 'udp', src: '10.244.0.9', dst: '8.8.8.8:53', in: 'veth50000' });
    expect(performance.now() - t).toBeLessThan(30_000);
    if (!run.ok) throw new Error(run.message);
    expect(run.report.outcomes.map((o) => [o.verdict, o.egress?.interface, o.steps.map((s) => s.text)])).toEqual([['ACCEPT', 'eth0', ['-A FORWARD -i veth50000 -o eth0 -j ACCEPT']]]);
  }, 60_000);
});
