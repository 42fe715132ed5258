// Issue 11 §3: capture points are listed in the order the same packet crossed them, a point that
// saw only part of a flow placed by the packets it shares with the others. clusterip-same-node
// (recorded by the lab): a pod calls a ClusterIP whose endpoint is a pod on the same node behind
// cni0; only the first connection's SYN shows on cni0 (the first packet waits for the neighbour of
// the endpoint and is routed; later ones are bridged from port to port). That SYN took longer
// from the client's veth than the connection's typical packet, so placing cni0 by its SYN and the
// server's veth by the median of all packets put cni0 last, and the answer said the flow was last
// seen on cni0, not at the server.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/app/analyze-case.js';
import { SAMPLES, labScenarios, readTruth, truthPath } from './truth.js';

describe.runIf(labScenarios().includes('clusterip-same-node'))('a capture point that saw part of a flow (cni0 on a bridge)', () => {
  it('is placed by the packets it shares: client veth → cni0 → server veth, times never going back', async () => {
    const report = await runAnalyze({ paths: [join(SAMPLES, 'clusterip-same-node')], hosts: [] });
    const truth = readTruth('clusterip-same-node');
    const partial = truth.flows.filter((f) => f.path.some((h) => h.interface === 'cni0'));
    expect(partial.length).toBeGreaterThan(0);
    for (const t of partial) {
      const flow = report.flows.find((f) => f.client === `${t.client.address}:${t.client.port}`)!;
      const hops = flow.legs.flatMap((l) => l.hops);
      expect(hops.map((h) => `node1:${h.interface}`)).toEqual(truthPath(t));
      const cni0 = hops.find((h) => h.interface === 'cni0')!;
      // cni0 saw the SYN only; the veths saw the whole connection.
      expect(cni0.packetsToServer + cni0.packetsToClient).toBeLessThan(hops[2]!.packetsToServer + hops[2]!.packetsToClient);
      for (let i = 1; i < hops.length; i++) expect(hops[i]!.position).toBeGreaterThanOrEqual(hops[i - 1]!.position);
      // The last point is the endpoint pod's veth: captured at the server, and the DNAT happened before cni0.
      expect(flow.seenByServer?.src).toBe(`${t.client.address}:${t.client.port}`);
      expect(flow.translations.map((x) => `${x.kind} ${x.between.join(' → ')}`)).toEqual([`DNAT node1:${hops[0]!.interface} → node1:cni0`]);
    }
    const answer = report.answers.find((a) => a.proto === 'tcp')!;
    expect(answer.seenAtServer).toBe(true);
    expect(answer.lastSeen).toEqual([]);
  });
});
