// One outcome holds one assumption about an interface it cannot know. The Weave node's FORWARD
// chain (a real dump, no route snapshot) tests `-o weave` in rules 2, 3 and 4 and `! -o weave` in
// rule 5: a branch that took rule 2 as not matching must not then be dropped by rule 4
// (`-o weave -j DROP`), as it was before each test branched on its own.
// @module-tag corpus

import { describe, expect, it } from 'vitest';
import { runTrace } from '../../src/app/trace.js';
import { corpusPath } from '../corpus.js';

describe('interface assumptions without a route snapshot (Weave node, issue weave#3452)', () => {
  it('each outcome takes the output interface as weave or not weave throughout', async () => {
    const run = await runTrace({ paths: [corpusPath('ipset/issue-weave-3452-thesis-test-node-0/iptables-save.cut.txt')], hosts: [], proto: 'tcp', src: '192.168.1.5', dst: '10.32.0.9:80' });
    if (!run.ok) throw new Error(run.message);
    const outcomes = run.report.outcomes;
    expect(outcomes.length).toBeGreaterThan(1);
    expect(outcomes.reduce((p, o) => p + o.probability, 0)).toBeCloseTo(1, 6);
    for (const o of outcomes) {
      const said = o.unknowns.filter((u) => /output interface is not known \(rule tests weave\)/.test(u));
      const asMatching = said.some((u) => /FORWARD rule 2 taken as matching/.test(u));
      const asNot = said.some((u) => /FORWARD rule 2 taken as not matching/.test(u));
      expect(asMatching !== asNot, o.unknowns.join(' | ')).toBe(true);
      // Rule 2 decided it: no later -o weave test is undecided again.
      expect(said.filter((u) => !/FORWARD rule 2 /.test(u))).toEqual([]);
      // `-o weave -j DROP` drops only branches that took the interface as weave.
      if (o.verdictBy === 'filter FORWARD rule 4') expect(asMatching).toBe(true);
      // `-i weave ! -o weave -j ACCEPT` accepts only branches that took it as not weave.
      if (o.verdictBy === 'filter FORWARD rule 5') expect(asNot).toBe(true);
    }
  });
});
