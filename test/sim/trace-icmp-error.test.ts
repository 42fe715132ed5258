// trace walks a new connection's first packet through the nat chains; an ICMP error is never one.
// Before, `--icmp-type 3` walked the error as a new ICMP connection and MASQUERADEd it by
// FLANNEL-POSTRTG rule 5 (samples/pod-egress-replay's node1), a rule no error ever meets: the
// kernel rewrites an error from the conntrack entry of the connection it quotes (RELATED), or
// leaves it untracked and untranslated. trace now says so and names what to trace instead.

import { describe, expect, it } from 'vitest';
import { runTrace } from '../../src/app/trace.js';
import { samplePath } from '../corpus.js';

const node1 = samplePath('pod-egress-replay/node1');

describe('trace asked about an ICMP error', () => {
  for (const [proto, src, dst, type] of [
    ['icmp', '10.244.1.2', '198.51.100.10', 3],
    ['icmp', '10.244.1.2', '198.51.100.10', 11],
    ['icmpv6', 'fd00:10:244:1::2', '2001:db8::10', 1],
  ] as const) {
    it(`${proto} type ${type}: refused with the reason and what to trace instead, no rule named`, async () => {
      const run = await runTrace({ paths: [node1], hosts: [], proto, src, dst, icmpType: type });
      expect(run.ok).toBe(false);
      if (run.ok) return;
      expect(run.message).toContain(`--icmp-type ${type} is an ICMP error: no nat rule ever sees one`);
      expect(run.message).toContain('Trace the quoted connection instead');
      expect(run.message).not.toMatch(/FLANNEL-POSTRTG|MASQUERADE/);
    });
  }

  it('echo requests and other queries are walked as before', async () => {
    const run = await runTrace({ paths: [node1], hosts: [], proto: 'icmp', src: '10.244.1.2', dst: '198.51.100.10', icmpType: 8 });
    expect(run.ok).toBe(true);
    if (!run.ok) return;
    expect(run.report.outcomes.flatMap((o) => o.translations.map((t) => t.rule.chain))).toContain('FLANNEL-POSTRTG');
  });
});
