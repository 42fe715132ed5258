// Each translation with its own before and after, in the order the kernel applied them. NodePort
// on node1 DNATs in PREROUTING and MASQUERADEs in POSTROUTING between the same two capture
// points (eth0 and flannel.1): DNAT client→node:30080 ⇒ client→pod:8080, then MASQUERADE
// client→pod:8080 ⇒ 10.244.1.0:port→pod:8080, and the `-m statistic` note on the DNAT, whose
// rule chain made the choice. (analyze-truth.test.ts compares every scenario's steps with the
// truth read back from the kernel's conntrack tables.)

import { describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/app/analyze-case.js';
import { ANALYZE_FORMATS } from '../../src/report/analyze-formats.js';
import { makeStyle } from '../../src/report/terminal.js';
import { SAMPLES, labScenarios } from './truth.js';
import { join } from 'node:path';

describe.runIf(labScenarios().includes('nodeport'))('NodePort: DNAT then MASQUERADE on node1', () => {
  it('each has its own before/after chained through the tuple in between, and the statistic note is on the DNAT', async () => {
    const report = await runAnalyze({ paths: [join(SAMPLES, 'nodeport')], hosts: [] });
    const translated = report.flows.filter((f) => f.translations.length > 0);
    expect(translated.length).toBe(4);
    for (const f of translated) {
      const [dnat, snat] = f.translations;
      expect(f.translations.map((t) => t.kind)).toEqual(['DNAT', 'SNAT']);
      const eth0 = f.legs.find((l) => l.host === 'node1')!.hops[0]!;
      const flannel = f.legs.find((l) => l.host === 'node1')!.hops.find((h) => h.interface === 'flannel.1')!;
      expect(dnat!.before).toEqual({ src: eth0.src, dst: eth0.dst });
      expect(dnat!.before.dst).toBe('10.0.0.11:30080');
      expect(dnat!.after).toEqual({ src: eth0.src, dst: flannel.dst });
      expect(dnat!.after.dst).toMatch(/^10\.244\.2\.[23]:8080$/);
      expect(snat!.before).toEqual(dnat!.after);
      expect(snat!.after).toEqual({ src: flannel.src, dst: flannel.dst });
      expect(snat!.after.src).toMatch(/^10\.244\.1\.0:\d+$/);
      expect(dnat!.rule?.chain).toMatch(/^KUBE-SEP-/);
      expect(snat!.rule?.target).toBe('MASQUERADE');
      expect(dnat!.note).toMatch(/This choice has probability 0\.500 \(-m statistic\)/);
      expect(snat!.note).toBeNull();
      // The kernel's single conntrack entry for both corroborates each.
      expect(dnat!.conntrack?.entry).toContain(`dport=${snat!.after.src.split(':')[1]}`);
      expect(snat!.conntrack).toEqual(dnat!.conntrack);
    }
    // Every rendering lists them in that order.
    const flowId = translated[0]!.id;
    const table = ANALYZE_FORMATS.table(report, { style: makeStyle(false), width: 200 });
    const markdown = ANALYZE_FORMATS.markdown(report);
    // Flows are told by path shape: the flow's path section lists its translations.
    for (const text of [table, markdown]) {
      const section = text.slice(text.search(/Path \d+ of \d+/));
      expect(section.indexOf('DNAT destination')).toBeGreaterThan(0);
      expect(section.indexOf('DNAT destination')).toBeLessThan(section.indexOf('SNAT source'));
    }
    const html = ANALYZE_FORMATS.html(report);
    const kinds = [...html.matchAll(new RegExp(`data-flow="${flowId}" data-tx="(\\d)" data-kind="(\\w+)"`, 'g'))].map((m) => `${m[1]}${m[2]}`);
    expect(kinds.slice(0, 2)).toEqual(['0DNAT', '1SNAT']);
  });
});
