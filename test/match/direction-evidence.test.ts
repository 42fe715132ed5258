// Issue 11 §3: a match agrees with the direction each capture recorded (SLL2 packet type, pcapng
// flags) and with causality. On every lab scenario each leg natpath puts on the request's path must
// be the request as the capture recorded it there — its tuple, its in/out — and the points of one
// host must follow each other in time. A reply taken for the request's leg at another point (the
// risk when a request and its reply carry the same bytes: udp6-echo-repeated) shows as the tuple
// turned round and the other direction.

import { describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/app/analyze-case.js';
import { SAMPLES, endpointText, findFlow, hopsAgainstTruth, labScenarios, readTruth } from './truth.js';
import { join } from 'node:path';

const scenarios = labScenarios();

describe.runIf(scenarios.length > 0)('legs agree with the direction their captures recorded', () => {
  it.each(scenarios)('%s', async (scenario) => {
    const report = await runAnalyze({ paths: [join(SAMPLES, scenario)], hosts: [] });
    const truth = readTruth(scenario);
    for (const t of truth.flows) {
      const label = `${t.proto} ${endpointText(t.client, t.proto)}`;
      const flow = findFlow(report, t);
      expect(flow, label).toBeDefined();
      expect(hopsAgainstTruth(label, flow!, t)).toEqual([]);
    }
    // On complete captures of real traffic the recorded directions never rule out a pairing
    // matching would make (docs/analyze.md, "Recorded direction"): counts pair the copies already.
    expect(report.diagnostics.filter((d) => d.code === 'analyze.direction-evidence' || d.code === 'capture.contradictory-directions')).toEqual([]);
  });

  it('holds on real direction evidence: most lab captures record in/out, and the echo scenario does', () => {
    const recorded = (scenario: string) => readTruth(scenario).flows.flatMap((f) => f.path.filter((h) => h.inCase !== false && h.direction !== undefined && h.interface !== null));
    expect(scenarios.filter((s) => recorded(s).length > 0).length).toBeGreaterThan(scenarios.length / 2);
    // Request and reply alike above the transport header, both directions recorded at every point.
    if (scenarios.includes('udp6-echo-repeated')) expect(new Set(recorded('udp6-echo-repeated').map((h) => h.direction))).toEqual(new Set(['in', 'out']));
  });

  it.runIf(scenarios.includes('udp6-echo-repeated'))('would catch a reply taken for the request\'s leg at another point', async () => {
    const report = await runAnalyze({ paths: [join(SAMPLES, 'udp6-echo-repeated')], hosts: [] });
    const t = readTruth('udp6-echo-repeated').flows[0]!;
    const flow = structuredClone(findFlow(report, t)!);
    expect(hopsAgainstTruth('echo', flow, t)).toEqual([]);
    // The reply's leg at the gateway, as a wrong match would put it: the tuple and the way turned round.
    const hop = flow.legs.find((l) => l.host === 'natgw')!.hops[0]!;
    [hop.src, hop.dst] = [hop.dst, hop.src];
    hop.direction = hop.direction === 'in' ? 'out' : 'in';
    const problems = hopsAgainstTruth('echo', flow, t);
    expect(problems.some((p) => p.includes('the request was'))).toBe(true);
    expect(problems.some((p) => p.includes('the capture recorded the request'))).toBe(true);
  });

  it.runIf(scenarios.includes('clusterip-same-node'))('would catch a point dropped, or points out of the order the packets crossed them', async () => {
    const report = await runAnalyze({ paths: [join(SAMPLES, 'clusterip-same-node')], hosts: [] });
    const t = readTruth('clusterip-same-node').flows.find((f) => f.path.some((h) => h.interface === 'cni0'))!;
    const flow = findFlow(report, t)!;
    expect(hopsAgainstTruth('same-node', flow, t)).toEqual([]);
    const dropped = structuredClone(flow);
    dropped.legs[0]!.hops.splice(1, 1);
    expect(hopsAgainstTruth('same-node', dropped, t).some((p) => p.includes('natpath lists 2'))).toBe(true);
    // cni0 put after the server pod's veth (the mistake 84569ab fixed): both carry the DNATed tuple, so only time tells.
    const turned = structuredClone(flow);
    const hops = turned.legs[0]!.hops;
    [hops[1], hops[2]] = [hops[2]!, hops[1]!];
    const problems = hopsAgainstTruth('same-node', turned, t);
    expect(problems.some((p) => p.includes('before the point ahead of it'))).toBe(true);
  });
});
