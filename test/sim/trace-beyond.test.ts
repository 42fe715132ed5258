// `trace` says when the packet it follows cannot reach its destination as it leaves the host: a
// private source toward a public destination must be translated again beyond the host.

import { describe, expect, it } from 'vitest';
import { runTrace } from '../../src/app/trace.js';
import { renderTraceText } from '../../src/report/trace-formats.js';
import { makeStyle } from '../../src/report/terminal.js';
import { samplePath } from '../corpus.js';

async function trace(to: string, from = '10.244.1.2') {
  const run = await runTrace({ paths: [samplePath('pod-egress-natgw')], hosts: [], hostName: 'node1', proto: 'udp', src: from, dst: to });
  if (!run.ok) throw new Error(run.message);
  return run.report;
}

describe('trace on node1 of pod-egress-natgw (flannel MASQUERADE, then the cloud NAT gateway)', () => {
  it('a pod toward a public address leaves as 10.0.0.11: a translation beyond node1 will follow, and the text says so', async () => {
    const report = await trace('8.8.8.8:53');
    expect(report.outcomes).toHaveLength(1);
    const o = report.outcomes[0]!;
    expect(o.packet.src).toMatch(/^10\.0\.0\.11:/);
    expect(o.translatedBeyond).toBe('certain');
    expect(o.translatedBeyondReason).toContain('leaves node1 with the private source 10.0.0.11 (RFC 1918) toward the public 8.8.8.8');
    expect(renderTraceText(report, makeStyle(false))).toContain('then: leaves node1 with the private source 10.0.0.11');
  });

  it('nothing is said toward a private destination (the VPC) or for a packet delivered to the node itself', async () => {
    for (const to of ['10.0.0.50:80', '10.0.0.11:22']) {
      const report = await trace(to);
      for (const o of report.outcomes) {
        expect(o.translatedBeyond, to).toBeNull();
        expect(o.translatedBeyondReason, to).toBeNull();
      }
    }
  });
});

describe('verdictBy names what accepted, as it names what dropped', () => {
  it('the chain policy when no rule decided; the filter rule, not a NAT rule, when one did', async () => {
    const run = async (src: string, dst: string, proto: string) => {
      const r = await runTrace({ paths: [samplePath('pod-egress-natgw')], hosts: [], hostName: 'node1', proto, src, dst });
      if (!r.ok) throw new Error(r.message);
      return r.report;
    };
    const toNode = await run('10.0.0.50', '10.0.0.11:12345', 'tcp');
    expect(toNode.outcomes.map((o) => [o.verdict, o.verdictBy])).toEqual([['ACCEPT', 'policy ACCEPT of filter INPUT']]);
    expect(renderTraceText(toNode, makeStyle(false))).toContain('accepted by: policy ACCEPT of filter INPUT');
    // Forwarded and masqueraded: flannel's FORWARD rule accepted it; MASQUERADE decided nothing.
    const out = await trace('8.8.8.8:53');
    expect(out.outcomes[0]!.verdictBy).toBe('filter FLANNEL-FWD rule 1');
  });
});
