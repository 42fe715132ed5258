// Issue 11: a flow without TCP handshake, ICMP type or conntrack entry — the common case for UDP,
// whose conntrack entries expire 30 s after its last packet — is oriented by its hosts' nat rules
// when they explain its translations with its first sender as the client and not the other way
// round: the kernel walks a nat table only for a connection's first packet, in its original
// direction. Real data: samples/pod-egress-natgw without its conntrack snapshots, whole or cut so
// that the server speaks first; and (contrived input) node1's iptables-save with one added rule
// that would also translate the server's packets, so both ends are possible clients.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/app/analyze-case.js';
import { ANALYZE_FORMATS } from '../../src/report/analyze-formats.js';
import { makeStyle } from '../../src/report/terminal.js';
import { SAMPLES, labScenarios } from './truth.js';

const NATGW = 'pod-egress-natgw';
const HOSTS = ['natgw', 'node1', 'partner'];
const scratch = mkdtempSync(join(tmpdir(), 'natpath-orient-by-nat-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The sample with every conntrack snapshot removed, as taken once the UDP entries had expired. */
function withoutConntrack(name: string): string {
  const root = join(scratch, name);
  cpSync(join(SAMPLES, NATGW), root, { recursive: true });
  for (const host of HOSTS) rmSync(join(root, host, 'conntrack.txt'));
  return root;
}

describe.runIf(labScenarios().includes(NATGW))('orientation from nat rules (pod-egress-natgw without conntrack)', () => {
  it('the UDP flow is oriented by node1\'s MASQUERADE and natgw\'s SNAT, and answered again', async () => {
    const report = await runAnalyze({ paths: [withoutConntrack('bare')], hosts: [] });
    const udp = report.flows.filter((f) => f.proto === 'udp');
    expect(udp).toHaveLength(1);
    const flow = udp[0]!;
    expect(flow.client).toMatch(/^10\.244\.1\.2:\d+$/);
    expect(flow.server).toBe('198.51.100.10:9000');
    expect(flow.orientation.basis).toBe('nat-rule');
    expect(flow.orientation.guessed).toBe(false);
    expect(flow.orientation.reason).toBe(
      `node1's nat/FLANNEL-POSTRTG rule 5 (MASQUERADE) and natgw's nat/POSTROUTING rule 1 (SNAT) matched ${flow.client}'s packets; ` +
        "nat rules see only a connection's first packet in its original direction, and no rule of node1 or natgw translates 198.51.100.10:9000's packets as the first ones",
    );
    const answer = report.answers.find((a) => a.server === '198.51.100.10:9000')!;
    expect(answer.flows).toBe(1);
    expect(answer.orientationGuessed).toBeNull();
    expect(answer.sources).toEqual(['203.0.113.7']);
    expect(answer.seenAtServer).toBe(true);
    const text = ANALYZE_FORMATS.table(report, { style: makeStyle(false), width: 400 });
    expect(text).not.toContain('client unknown');
    const csv = ANALYZE_FORMATS.csv(report).trim().split('\n').filter((r) => r.startsWith(`${flow.id},`));
    expect(csv.length).toBeGreaterThan(0);
    for (const r of csv) expect(r.endsWith(',nat-rule,false')).toBe(true);
  });

  it('rules that would also translate the server\'s first packet (edited snapshot): both ends possible, still a guess', async () => {
    const root = withoutConntrack('both');
    const file = join(root, 'node1', 'iptables-save.txt');
    const text = readFileSync(file, 'utf8');
    const added = '-A PREROUTING -s 198.51.100.10/32 -p udp -m udp --sport 9000 -j DNAT --to-destination 10.244.1.2';
    expect(text).toContain('\n:PREROUTING ACCEPT [5:287]\n');
    writeFileSync(file, text.replace('\n:PREROUTING ACCEPT [5:287]\n', `\n:PREROUTING ACCEPT [5:287]\n${added}\n`));
    const report = await runAnalyze({ paths: [root], hosts: [] });
    const flow = report.flows.find((f) => f.proto === 'udp')!;
    expect(flow.orientation.basis).toBe('first-sender');
    expect(flow.orientation.guessed).toBe(true);
    expect(flow.orientation.reason).toMatch(/^a guess: .*; both ends are possible clients: node1's nat\/FLANNEL-POSTRTG rule 5 \(MASQUERADE\) .* and the rules of node1 would also translate it had 198\.51\.100\.10:9000 sent the first packet$/);
    const answers = report.answers.filter((a) => a.proto === 'udp');
    expect(answers).toHaveLength(1);
    const answer = answers[0]!;
    expect(answer.flows).toBe(0);
    expect(answer.sources).toEqual([]);
    expect(answer.orientationGuessed).not.toBeNull();
  });

  it('TCP flows with their handshake keep it as their basis: nat rules only decide first-sender flows', async () => {
    const report = await runAnalyze({ paths: [withoutConntrack('tcp')], hosts: [] });
    const tcp = report.flows.filter((f) => f.proto === 'tcp');
    expect(tcp).toHaveLength(3);
    for (const f of tcp) expect(f.orientation.basis).toBe('tcp-handshake');
  });
});
