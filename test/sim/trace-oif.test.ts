// `trace --oif IF` states the egress interface (issue 11 §6). The NAT gateway of
// samples/pod-egress-natgw (a kernel's dumps) SNATs only `-o eth1` (nat POSTROUTING rule 1) and
// drops `-i eth1 -o eth0` (filter FORWARD rule 1). Without its ip route snapshot the egress is
// unknown and the walk splits on those tests; --oif settles them. With the snapshot the route
// decides, and each outcome says whether --oif agrees with it or is contradicted.

import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTrace } from '../../src/app/trace.js';
import { renderTraceText } from '../../src/report/trace-formats.js';
import { makeStyle } from '../../src/report/terminal.js';
import { samplePath } from '../corpus.js';

const scratch = mkdtempSync(join(tmpdir(), 'natpath-oif-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const withoutRoutes = join(scratch, 'natgw');
cpSync(samplePath('pod-egress-natgw/natgw'), withoutRoutes, { recursive: true });
rmSync(join(withoutRoutes, 'ip-route.txt'));

async function trace(path: string, oif?: string, dst = '198.51.100.10:80') {
  const run = await runTrace({ paths: [path], hosts: [], proto: 'tcp', src: '10.0.0.11', dst, ...(oif !== undefined ? { oif } : {}) });
  if (!run.ok) throw new Error(run.message);
  return run.report;
}

describe('trace --oif without an ip route snapshot', () => {
  it('without --oif the -o tests split the walk; no outcome claims an assumption it was not given', async () => {
    const report = await trace(withoutRoutes);
    expect(report.outcomes.length).toBeGreaterThan(1);
    for (const o of report.outcomes) {
      expect(o.egressAssumption).toBeNull();
      expect(o.unknowns).toContain('no ip route snapshot: the egress interface and next hop are not known');
    }
  });

  it('--oif eth1: one outcome, out of eth1, SNAT to 203.0.113.7 by rule 1; the assumption is said in every format', async () => {
    const report = await trace(withoutRoutes, 'eth1');
    expect(report.outcomes).toHaveLength(1);
    const o = report.outcomes[0]!;
    expect(o.verdict).toBe('ACCEPT');
    expect(o.egress?.interface).toBe('eth1');
    expect(o.packet.src).toBe('203.0.113.7:40000');
    expect(o.translations.map((t) => `${t.kind} ${t.rule.chain} ${t.rule.ruleNumber}`)).toEqual(['SNAT POSTROUTING 1']);
    expect(o.egressAssumption).toEqual({ interface: 'eth1', holds: null, reason: expect.stringContaining('no ip route snapshot to check it against') });
    expect(o.unknowns).toContain('no ip route snapshot: the egress interface is taken as eth1 (--oif), the next hop is not known');
    expect(report.packet.input).toContain('out on eth1 as stated (--oif)');
    const text = renderTraceText(report, makeStyle(false));
    expect(text).toContain('egress: --oif eth1: no ip route snapshot to check it against');
  });

  it('--oif eth0: no SNAT (rule 1 tests -o eth1), and FORWARD rule 1 (-i eth1 -o eth0) drops only the branch arriving on eth1', async () => {
    const report = await trace(withoutRoutes, 'eth0');
    for (const o of report.outcomes) {
      expect(o.translations).toEqual([]);
      expect(o.egressAssumption?.interface).toBe('eth0');
      if (o.verdict === 'DROP') expect(o.verdictBy).toBe('filter FORWARD rule 1');
      else expect(o.egress?.interface).toBe('eth0');
      // The output side is decided: no rule is left undecided on -o.
      expect(o.unknowns.join(' ')).not.toMatch(/output interface is not known/);
    }
  });
});

describe('trace --oif with the ip route snapshot', () => {
  it('--oif eth1 agrees with the default route', async () => {
    const o = (await trace(samplePath('pod-egress-natgw/natgw'), 'eth1')).outcomes[0]!;
    expect(o.egress?.interface).toBe('eth1');
    expect(o.egressAssumption?.holds).toBe(true);
    expect(o.egressAssumption?.reason).toMatch(/^--oif eth1 agrees with the route: unicast 0\.0\.0\.0\/0 in table main \(.*ip-route\.txt:1\) dev eth1$/);
  });

  it('--oif eth0 is contradicted: the route sends it out of eth1, and the walk follows the route', async () => {
    const report = await trace(samplePath('pod-egress-natgw/natgw'), 'eth0');
    expect(report.outcomes).toHaveLength(1);
    const o = report.outcomes[0]!;
    expect(o.egress?.interface).toBe('eth1');
    expect(o.packet.src).toBe('203.0.113.7:40000');
    expect(o.egressAssumption?.holds).toBe(false);
    expect(o.egressAssumption?.reason).toMatch(/^--oif eth0 is contradicted by the route: .* sends it out of eth1; the walk follows the route$/);
    expect(renderTraceText(report, makeStyle(false))).toMatch(/contradiction: --oif eth0 is contradicted by the route/);
  });

  it('a packet to the gateway itself is routed local, not out of any interface: --oif is contradicted', async () => {
    // (The gateway's INPUT policy then drops it: the route, not the verdict, contradicts --oif.)
    const report = await trace(samplePath('pod-egress-natgw/natgw'), 'eth1', '10.0.0.1:22');
    expect(report.outcomes.length).toBeGreaterThan(0);
    for (const o of report.outcomes) {
      expect(o.routes.at(-1)?.decision).toBe('local');
      expect(o.egressAssumption?.holds).toBe(false);
      expect(o.egressAssumption?.reason).toContain('delivers it to the host itself');
    }
  });
});
