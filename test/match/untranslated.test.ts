// Why a flow left a host untranslated (issue 11 §5): pod-egress-no-masq is the lab's
// misconfigured node — flannel's MASQUERADE rule deleted — so the pod address leaks out through
// the gateway, which SNATs only the VPC range.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/app/analyze-case.js';
import { ANALYZE_FORMATS } from '../../src/report/analyze-formats.js';
import { makeStyle } from '../../src/report/terminal.js';
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
});
