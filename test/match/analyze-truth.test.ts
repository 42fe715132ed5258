import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/app/analyze-case.js';
import { PROJECT_ROOT } from '../corpus.js';
import { runCliInProcess } from '../cli/run-cli-in-process.js';
import { writeShiftedCapture } from './shift-clock.js';
import { writeSeqShiftedCapture } from './shift-tcp-seq.js';
import { mergePcapFiles } from './merge-pcaps.js';
import { SAMPLES, differences, endpointText, labScenarios, ourKind, ourPath, readTruth, truthPath } from './truth.js';

const scratch = mkdtempSync(join(tmpdir(), 'natpath-truth-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const schema = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(join(PROJECT_ROOT, 'docs', 'report-schema.json'), 'utf8')));
const validate = new Ajv2020({ allErrors: true }).compile(schema);

const scenarios = labScenarios();

describe.runIf(scenarios.includes('pod-egress-natgw'))('a snapshot that contradicts the captures', () => {
  it('is reported as such, not explained by a guess, and trips --fail-on unexplained', async () => {
    const stale = join(scratch, 'stale');
    cpSync(join(SAMPLES, 'pod-egress-natgw'), stale, { recursive: true });
    // As if the dump had been taken after flannel's MASQUERADE rule was removed.
    const file = join(stale, 'node1', 'iptables-save.txt');
    const lines = readFileSync(file, 'utf8').split('\n');
    writeFileSync(file, lines.filter((l) => !(l.includes('-A FLANNEL-POSTRTG') && l.includes('MASQUERADE'))).join('\n'));
    const report = await runAnalyze({ paths: [stale], hosts: [] });
    const nodeSnat = report.flows.flatMap((f) => f.translations).filter((t) => t.host === 'node1');
    expect(nodeSnat.length).toBeGreaterThan(0);
    for (const t of nodeSnat) {
      expect(t.explained).toBe(false);
      expect(t.rule).toBeNull();
      expect(t.note).toMatch(/does not predict/);
    }
    expect(report.totals.unexplained).toBe(nodeSnat.length);
    const cli = await runCliInProcess(['analyze', stale, '--fail-on', 'unexplained', '--format', 'json']);
    expect(cli.code).toBe(3);
    expect(cli.stderr).toContain('not explained by a rule');
  });
});

describe.runIf(scenarios.length > 0)('analyze reproduces every lab scenario\'s truth.json', () => {
  it.each(scenarios)('%s', async (scenario) => {
    const report = await runAnalyze({ paths: [join(SAMPLES, scenario)], hosts: [] });
    expect(differences(report, readTruth(scenario))).toEqual([]);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(report.totals.unexplained).toBe(0);
    // Only the scenarios without flannel's MASQUERADE let a pod address out of the cluster.
    const leaked = report.flows.flatMap((f) => f.leaks.map((l) => `${l.host}:${l.interface} ${l.field} ${l.address}`));
    if (scenario === 'pod-egress-no-masq') {
      expect(leaked).toContain('partner:eth0 src 10.244.1.2');
      expect(report.answers.find((a) => a.server === '198.51.100.10:9000')?.leaks.length).toBeGreaterThan(0);
    } else if (scenario === 'icmp-errors-two-rules') {
      // The gateway translates the pod range itself: the pod address reaches it, never the partner.
      expect([...new Set(leaked)].sort()).toEqual(['natgw:eth0 dst 10.244.1.2', 'natgw:eth0 src 10.244.1.2']);
    } else {
      expect(leaked).toEqual([]);
    }
  });

  it.each(scenarios)('%s with the hosts\' clocks off by −5 s, +5 s and +3 min', async (scenario) => {
    const shifted = join(scratch, scenario);
    cpSync(join(SAMPLES, scenario), shifted, { recursive: true });
    const shifts = [-5, 5, 180];
    const hosts = readdirSync(shifted, { withFileTypes: true }).filter((d) => d.isDirectory());
    for (const [i, host] of hosts.entries()) {
      for (const file of readdirSync(join(shifted, host.name))) {
        if (!/^capture\.pcap(ng)?(\.gz)?$/.test(file)) continue;
        const path = join(shifted, host.name, file);
        const original = `${path}.orig`;
        copyFileSync(path, original);
        await writeShiftedCapture(original, path, shifts[i % shifts.length]!);
        rmSync(original);
      }
    }
    const report = await runAnalyze({ paths: [shifted], hosts: [] });
    expect(differences(report, readTruth(scenario))).toEqual([]);
    // The estimated offsets undo the shifts (relative to the reference host) within their spread.
    for (const [i, host] of hosts.entries()) {
      const view = report.hosts.find((h) => h.name === host.name)!;
      const reference = report.hosts.find((h) => h.clock.basis === 'reference')!;
      const referenceIndex = hosts.findIndex((h) => h.name === reference.name);
      if (view.clock.offsetSeconds === null) continue;
      const expected = shifts[i % shifts.length]! - shifts[referenceIndex % shifts.length]!;
      expect(Math.abs(view.clock.offsetSeconds - expected)).toBeLessThan(0.01);
    }
  });
});

describe.runIf(scenarios.includes('clusterip-cross-node'))('a capped listing', () => {
  it('lists --max-flows flows in full but answers and counts for every flow', async () => {
    const path = join(SAMPLES, 'clusterip-cross-node');
    const all = await runAnalyze({ paths: [path], hosts: [] });
    const capped = await runAnalyze({ paths: [path], hosts: [] }, { maxFlows: 1 });
    expect(capped.flows).toHaveLength(1);
    expect(capped.totals).toEqual({ ...all.totals, listedFlows: 1 });
    expect(capped.answers).toEqual(all.answers);
    // Community IDs are filled for the flows that are listed.
    for (const hop of capped.flows[0]!.legs.flatMap((l) => l.hops)) expect(hop.communityId).toMatch(/^1:/);
    const cli = await runCliInProcess(['analyze', path, '--max-flows', '1']);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('not listed (--max-flows 1; 0 lists all)');
    for (const bad of ['-1', '1.5', 'many']) {
      const r = await runCliInProcess(['analyze', path, '--max-flows', bad]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toContain('--max-flows expects a whole number');
    }
  });
});

describe.runIf(scenarios.includes('pod-egress-natgw'))('a middlebox that shifts TCP sequence numbers', () => {
  it('does not stop the partner\'s capture from matching: every flow keeps its path and answer', async () => {
    const shiftedCase = join(scratch, 'seq-shift');
    cpSync(join(SAMPLES, 'pod-egress-natgw'), shiftedCase, { recursive: true });
    const partner = join(shiftedCase, 'partner', 'capture.pcap');
    copyFileSync(partner, `${partner}.orig`);
    const segments = await writeSeqShiftedCapture(`${partner}.orig`, partner, 80, 0x1234_5678);
    rmSync(`${partner}.orig`);
    expect(segments).toBeGreaterThan(10);
    const report = await runAnalyze({ paths: [shiftedCase], hosts: [] });
    expect(differences(report, readTruth('pod-egress-natgw'))).toEqual([]);
  });
});

describe.runIf(scenarios.includes('pod-egress-natgw'))('connections that reuse a 5-tuple', () => {
  it('stay apart: a SYN with a new sequence number starts a new flow on every capture point', async () => {
    // Every capture gets a second copy of its traffic a minute later with new client ISNs, as if
    // each connection had been made again from the same ports (the lab cannot force that).
    const reused = join(scratch, 'reuse');
    cpSync(join(SAMPLES, 'pod-egress-natgw'), reused, { recursive: true });
    for (const host of ['node1', 'natgw', 'partner']) {
      const file = join(reused, host, 'capture.pcap');
      const later = join(scratch, `${host}-later.pcap`);
      const laterSeq = join(scratch, `${host}-later-seq.pcap`);
      await writeShiftedCapture(file, later, 60);
      await writeSeqShiftedCapture(later, laterSeq, 80, 0x0100_0000);
      mergePcapFiles(file, laterSeq, `${file}.merged`);
      rmSync(file);
      cpSync(`${file}.merged`, file);
      rmSync(`${file}.merged`);
    }
    const report = await runAnalyze({ paths: [reused], hosts: [] });
    const truth = readTruth('pod-egress-natgw');
    for (const t of truth.flows.filter((f) => f.proto === 'tcp')) {
      const twins = report.flows.filter((f) => f.proto === 'tcp' && f.client === endpointText(t.client, 'tcp'));
      expect(twins, endpointText(t.client, 'tcp')).toHaveLength(2);
      for (const f of twins) {
        expect(ourPath(f)).toEqual(truthPath(t));
        expect(f.translations.map((x) => `${x.kind} ${x.between.join('/')} ${x.rule?.chain ?? '-'}`).sort()).toEqual(
          t.translations.map((x) => `${ourKind(x.kind)} ${x.between.join('/')} ${x.rule?.chain ?? '-'}`).sort(),
        );
      }
    }
  });
});

describe('inputs analyze cannot use', () => {
  it('are named with the reason and the damage place, never skipped in silence', async () => {
    const host = join(scratch, 'bad', 'h');
    mkdirSync(host, { recursive: true });
    writeFileSync(join(host, 'notes.txt'), 'what we saw on the node\n');
    const real = readFileSync(join(SAMPLES, 'pod-egress-natgw', 'node1', 'capture.pcap'));
    writeFileSync(join(host, 'capture.pcap'), real.subarray(0, 300));
    const report = await runAnalyze({ paths: [join(scratch, 'bad')], hosts: [] });
    const notUsed = report.diagnostics.find((d) => d.code === 'case.file-not-used');
    expect(notUsed?.file).toContain('notes.txt');
    expect(notUsed?.severity).toBe('warning');
    const cut = report.diagnostics.find((d) => d.file.endsWith('capture.pcap'));
    expect(cut?.severity).toBe('error');
    expect(cut?.offset).toBeGreaterThan(24);
    expect(report.hosts[0]!.captures[0]!.packets).toBeGreaterThan(0);
    const cli = await runCliInProcess(['analyze', join(scratch, 'bad')]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).not.toMatch(/\n\s+at /);
  });
});
