// Replayed traffic (issue 11 §4): a real lab case copied several times, each copy later and (in
// the first case) with other client ports, repeats IP IDs, TCP sequence numbers and payloads in
// every connection. Each connection must still be linked across the three hosts to its own copy:
// the flows analyze reports are exactly the original case's flows, once per copy, with the
// copy's ports at every capture point. Copies are made by bench/replicate-case.mjs (also the
// bench's repeated-traffic case) from samples/pod-egress-natgw, a real kernel's captures.

import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, samplePath } from '../corpus.js';

interface Hop {
  interface: string;
  src: string;
  dst: string;
}
interface FlowJson {
  proto: string;
  legs: { host: string; hops: Hop[] }[];
  translations: unknown[];
}
interface ReportJson {
  flows: FlowJson[];
  totals: { flows: number; multiPointFlows: number; singlePointFlows: number };
}

// bench/replicate-case.mjs is plain JavaScript reading the built dist/ (npm test builds first).
const { replicateCase, shiftPort } = (await import(join(PROJECT_ROOT, 'bench', 'replicate-case.mjs'))) as {
  replicateCase(sample: string, out: string, copies: number, spacing: number, portStep?: number): Promise<{ bytes: number }>;
  shiftPort(port: number, copy: number, portStep?: number): number;
};

function analyze(dir: string): ReportJson {
  const out = execFileSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'natpath.js'), 'analyze', dir, '--format', 'json', '--max-flows', '0'], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return JSON.parse(out) as ReportJson;
}

/** A flow as the capture points and addresses it was seen with, in path order. */
function signature(flow: FlowJson, mapPort: (port: number) => number = (p) => p): string {
  const endpoint = (e: string): string => e.replace(/:(\d+)$/, (_m, port: string) => `:${mapPort(Number(port))}`);
  return `${flow.proto} ${flow.legs.flatMap((l) => l.hops.map((h) => `${l.host}:${h.interface} ${endpoint(h.src)}>${endpoint(h.dst)}`)).join(' | ')}`;
}

const scratch = mkdtempSync(join(tmpdir(), 'natpath-replay-'));
const original = analyze(samplePath('pod-egress-natgw'));

describe('replayed traffic', () => {
  it('the original case: every flow crosses node1, natgw and partner', () => {
    expect(original.flows).toHaveLength(4);
    for (const f of original.flows) expect(f.legs.map((l) => l.host)).toEqual(['node1', 'natgw', 'partner']);
  });

  it('links each connection of ten copies, 10 s apart with other ports, to its own copy', async () => {
    const dir = join(scratch, 'shifted');
    await replicateCase(samplePath('pod-egress-natgw'), dir, 10, 10);
    const report = analyze(dir);
    expect(report.totals.singlePointFlows).toBe(0);
    const expected: string[] = [];
    for (let k = 0; k < 10; k++) for (const f of original.flows) expected.push(signature(f, (p) => shiftPort(p, k)));
    expect(report.flows.map((f) => signature(f)).sort()).toEqual(expected.sort());
    // Every copy is translated twice, as the original (node1 MASQUERADE, natgw SNAT).
    for (const f of report.flows) expect(f.translations).toHaveLength(2);
  });

  it('links each connection of 300 copies to its own copy, past the repeats the clock estimate keeps', async () => {
    // 300 copies give every pair of captures more repeats than matching keeps to estimate its
    // clock offset (4 096) within the first prints: the later groups of repeats are not split
    // for the estimate (they could add nothing), and pairing must still find each copy's own.
    const dir = join(scratch, 'many');
    await replicateCase(samplePath('pod-egress-natgw'), dir, 300, 10);
    const report = analyze(dir);
    expect(report.totals.flows).toBe(1200);
    expect(report.totals.singlePointFlows).toBe(0);
    const expected: string[] = [];
    for (let k = 0; k < 300; k++) for (const f of original.flows) expected.push(signature(f, (p) => shiftPort(p, k)));
    expect(report.flows.map((f) => signature(f)).sort()).toEqual(expected.sort());
  });

  it('links them too when the copies follow each other within moments (0.1 s and 1 ms apart)', async () => {
    // Copies closer than a packet's passage through a host are told apart by order: the k-th
    // copy at one capture point is the k-th at the next.
    for (const spacing of [0.1, 0.001]) {
      const dir = join(scratch, `close-${spacing}`);
      await replicateCase(samplePath('pod-egress-natgw'), dir, 10, spacing);
      const report = analyze(dir);
      const expected: string[] = [];
      for (let k = 0; k < 10; k++) for (const f of original.flows) expected.push(signature(f, (p) => shiftPort(p, k)));
      expect(report.flows.map((f) => signature(f)).sort(), `copies ${spacing} s apart`).toEqual(expected.sort());
    }
  });

  it('keeps connections apart that reuse the same ports and sequence numbers (a pure replay)', async () => {
    // Same ports in every copy: TCP connections are told apart by SYN after FIN; UDP datagrams
    // by the idle time (> 180 s) after which conntrack would have forgotten the flow.
    const dir = join(scratch, 'same-ports');
    await replicateCase(samplePath('pod-egress-natgw'), dir, 3, 200, 0);
    const report = analyze(dir);
    const expected = [0, 1, 2].flatMap(() => original.flows.map((f) => signature(f)));
    expect(report.flows.map((f) => signature(f)).sort()).toEqual(expected.sort());
  });

  it('keeps them apart when the same bytes come again within seconds, as tcpreplay plays a recording', async () => {
    // Same ports, 1 s apart: well within conntrack's idle time, so the UDP socket's datagrams are
    // told apart by its opening datagram coming again (same IP ID and payload), not by silence;
    // before, the three copies' datagrams were one flow at every point (samples/pod-egress-replay
    // is the real kernel's case, where NAT picks a new port per replay).
    const dir = join(scratch, 'same-ports-seconds');
    await replicateCase(samplePath('pod-egress-natgw'), dir, 3, 1, 0);
    const report = analyze(dir);
    expect(report.totals.singlePointFlows).toBe(0);
    const expected = [0, 1, 2].flatMap(() => original.flows.map((f) => signature(f)));
    expect(report.flows.map((f) => signature(f)).sort()).toEqual(expected.sort());
    expect(report.flows.filter((f) => f.proto === 'udp')).toHaveLength(3);
  });
});
