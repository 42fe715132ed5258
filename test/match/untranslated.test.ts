// Why a flow left a host untranslated (issue 11 §5): pod-egress-no-masq is the lab's
// misconfigured node — flannel's MASQUERADE rule deleted — so the pod address leaks out through
// the gateway, which SNATs only the VPC range.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/app/analyze-case.js';
import { ANALYZE_FORMATS } from '../../src/report/analyze-formats.js';
import { makeStyle } from '../../src/report/terminal.js';
import { rowFromReport } from '../../src/app/batch/summary.js';
import { SAMPLES, labScenarios } from './truth.js';

describe.runIf(labScenarios().includes('pod-egress-no-masq'))('a leaked flow says why no host translated it', () => {
  it('names the nearest rule and what excluded it on each host, in JSON and in every format', async () => {
    const report = await runAnalyze({ paths: [join(SAMPLES, 'pod-egress-no-masq')], hosts: [] });
    const leaked = report.flows.filter((f) => f.leaks.length > 0);
    expect(leaked.length).toBeGreaterThan(0);
    for (const f of leaked) {
      expect(f.untranslated.map((u) => u.host)).toEqual(['node1', 'natgw']);
      const [node1, natgw] = f.untranslated;
      expect(node1!.rule).toMatchObject({ chain: 'KUBE-POSTROUTING', ruleNumber: 3 });
      expect(node1!.reason).toContain('nat/KUBE-POSTROUTING rule 1 (-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN) fired first');
      expect(natgw!.rule).toMatchObject({ chain: 'POSTROUTING', ruleNumber: 1 });
      expect(natgw!.reason).toMatch(/natgw \(left eth1 as 10\.244\.1\.2\): the nearest rule .* is excluded by -s 10\.0\.0\.0\/24$/);
    }
    // A flow that was translated as it should be carries none.
    const natgw = await runAnalyze({ paths: [join(SAMPLES, 'pod-egress-natgw')], hosts: [] });
    for (const f of natgw.flows) expect(f.untranslated).toEqual([]);
    const reason = leaked[0]!.untranslated[1]!.reason;
    for (const text of [ANALYZE_FORMATS.table(report, { style: makeStyle(false), width: 400 }), ANALYZE_FORMATS.markdown(report), ANALYZE_FORMATS.html(report)]) {
      expect(text.replace(/\s+/g, ' ')).toContain(reason.slice(0, 60));
    }
  });

  it('the answer line with the leak says where the source was left untranslated and why, in every format and the batch summary', async () => {
    const report = await runAnalyze({ paths: [join(SAMPLES, 'pod-egress-no-masq')], hosts: [] });
    const [leakLine] = report.answers.filter((a) => a.leaks.length > 0);
    expect(leakLine!.untranslated).toEqual([
      'left node1:eth0 untranslated as 10.244.1.2: nat/KUBE-POSTROUTING rule 3 (MASQUERADE --random-fully) not reached — nat/KUBE-POSTROUTING rule 1 (-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN) fired first',
      'left natgw:eth1 untranslated as 10.244.1.2: nat/POSTROUTING rule 1 (SNAT --to-source 203.0.113.7) excluded by -s 10.0.0.0/24',
    ]);
    const natgwWhy = leakLine!.untranslated[1]!;
    const flow = report.flows.find((f) => f.leaks.length > 0)!;
    expect(flow.untranslated[1]).toMatchObject({ capturePoint: 'natgw:eth1', src: '10.244.1.2', excludedBy: ['-s 10.0.0.0/24'], notReachedBecause: null });
    expect(flow.untranslated[0]).toMatchObject({ capturePoint: 'node1:eth0', excludedBy: [], notReachedBecause: expect.stringContaining('rule 1') });
    const text = ANALYZE_FORMATS.table(report, { style: makeStyle(false), width: 400 });
    const answerSection = text.slice(0, text.indexOf('\n\n'));
    expect(answerSection).toContain(`! ${natgwWhy}`);
    expect(ANALYZE_FORMATS.markdown(report)).toContain(`> udp 198.51.100.10:9000 sees 10.244.1.2 — LEAK (3): ${leakLine!.untranslated[0]}; ${natgwWhy}`);
    expect(ANALYZE_FORMATS.html(report)).toContain(`<li>Why: ${natgwWhy}</li>`);
    // CSV: on the hop where each host let the source leave, the rule and the reason.
    const rows = ANALYZE_FORMATS.csv(report).trim().split('\n');
    const header = rows[0]!.split(',');
    // The ambiguity columns follow (this flow is not ambiguous, so they are empty), then what oriented it.
    expect(header.slice(-6)).toEqual(['untranslated_rule', 'untranslated_reason', 'ambiguous_candidates', 'ambiguous_reason', 'orientation', 'orientation_guessed']);
    const oriented = `${flow.orientation.basis},${flow.orientation.guessed}`;
    expect(oriented).toBe('conntrack,false');
    const natgwRow = rows.find((r) => r.startsWith(`${flow.id},`) && r.includes(',natgw,eth1,'))!;
    expect(natgwRow).toContain(',nat/POSTROUTING rule 1 (');
    expect(natgwRow).toMatch(/iptables-save\.txt:18\),"natgw \(left eth1 as 10\.244\.1\.2\): .* is excluded by -s 10\.0\.0\.0\/24",,,conntrack,false$/);
    const untouched = rows.filter((r) => r.startsWith(`${flow.id},`) && !r.includes(',natgw,eth1,') && !r.includes(',node1,eth0,'));
    for (const r of untouched) expect(r.endsWith(`,,,,${oriented}`)).toBe(true);
    // The batch summary's answers carry it too.
    expect(rowFromReport(report).answers).toContain(`udp 198.51.100.10:9000 sees 10.244.1.2 — LEAK (3): ${leakLine!.untranslated.join('; ')}`);
  });
});
