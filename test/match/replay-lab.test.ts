// tcpreplay's copies through a real kernel (issue 11 §4): samples/pod-egress-replay holds the pod's
// traffic replayed 4 times with the same bytes — client ports, IP IDs, TCP sequence numbers,
// payloads — through node1's MASQUERADE and the gateway's SNAT, conntrack flushed in between, so
// each replay got its own entries and masquerade ports (truth.json, read back from `conntrack -E`).
// analyze-truth.test.ts holds every flow to the truth; this file holds what is specific to the
// replay: the pod's UDP socket tuple repeats, its datagrams repeat, and the pod's kernel answers
// the partner's echoes with ICMP errors that NAT rewrites inside the quote too. Then each host in
// turn loses one replay from its capture (a capture point that dropped packets for a second).

import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/app/analyze-case.js';
import type { AnalyzeReport } from '../../src/report/analyze-model.js';
import { samplePath } from '../corpus.js';
import { burstsOf, writeWithoutBurst } from './drop-burst.js';
import { type TruthFlow, differences, endpointText, findFlow, readTruth } from './truth.js';

const SAMPLE = samplePath('pod-egress-replay');
const REPLAYS = 4;
const scratch = mkdtempSync(join(tmpdir(), 'natpath-replay-lab-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.runIf(existsSync(join(SAMPLE, 'truth.json')))('samples/pod-egress-replay: tcpreplay through two NATs', async () => {
  const truth = readTruth('pod-egress-replay');
  const report = await runAnalyze({ paths: [SAMPLE], hosts: [] });
  const udp = report.flows.filter((f) => f.proto === 'udp');

  it('the truth: each replay is its own connection, with the same client tuple and its own masquerade port', () => {
    const udpTruth = truth.flows.filter((f) => f.proto === 'udp');
    expect(udpTruth).toHaveLength(REPLAYS);
    expect(new Set(udpTruth.map((f) => endpointText(f.client, 'udp'))).size).toBe(1);
    expect(new Set(udpTruth.map((f) => endpointText(f.serverSees, 'udp'))).size).toBe(REPLAYS);
    expect(truth.flows.filter((f) => f.proto === 'tcp')).toHaveLength(3 * REPLAYS);
  });

  it('tells the UDP replays apart at the pod, where their tuple and datagrams repeat: one whole flow each', () => {
    expect(differences(report, truth)).toEqual([]);
    expect(udp).toHaveLength(REPLAYS);
    for (const f of udp) {
      expect(f.legs.map((l) => l.host)).toEqual(['node1', 'natgw', 'partner']);
      // The pod's 3 datagrams of this replay and their 3 echoes, not every replay's.
      const veth = f.legs[0]!.hops[0]!;
      expect([veth.interface, veth.packetsToServer, veth.packetsToClient]).toEqual(['veth62608e08', 3, 3]);
      expect(f.ambiguous).toBeNull();
    }
    // Each replay's copy at the pod ends before the next one's begins.
    const firsts = udp.map((f) => Number(f.legs[0]!.hops[0]!.firstSeen));
    const lasts = udp.map((f) => Number(f.legs[0]!.hops[0]!.lastSeen));
    for (let i = 1; i < REPLAYS; i++) expect(firsts[i]!).toBeGreaterThan(lasts[i - 1]!);
  });

  it("links the pod's ICMP port unreachables across both NATs, as the datagrams they answer", () => {
    // The partner echoes each replayed datagram to a socket that is long closed: the pod's kernel
    // answers with ICMP errors, which conntrack translates as RELATED, quote included.
    const icmp = report.flows.filter((f) => f.proto === 'icmp');
    expect(icmp).toHaveLength(1);
    expect(icmp[0]!.legs.map((l) => l.host)).toEqual(['node1', 'natgw', 'partner']);
    expect(icmp[0]!.translations.map((t) => `${t.kind} ${t.before.src} ⇒ ${t.after.src} on ${t.host}`)).toEqual([
      'SNAT 10.244.1.2 ⇒ 10.0.0.11 on node1',
      'SNAT 10.0.0.11 ⇒ 203.0.113.7 on natgw',
    ]);
    const answer = report.answers.find((a) => a.proto === 'icmp');
    expect(answer?.seenAtServer).toBe(true);
    expect(answer?.sources).toEqual(['203.0.113.7']);
    expect(report.totals.singlePointFlows).toBe(0);
  });

  // Which replay a truth flow belongs to: the burst of its first packet at its first capture point.
  const burstCache = new Map<string, number[]>();
  const replayOf = (f: TruthFlow): number => {
    const { file, frame } = (f.path[0] as unknown as { capture: { file: string; frame: number } }).capture;
    if (!burstCache.has(file)) burstCache.set(file, burstsOf(join(SAMPLE, file)));
    return burstCache.get(file)![frame - 1]!;
  };

  for (const missedHost of ['node1', 'natgw', 'partner']) {
    it(`${missedHost} missed replay 2: NAT's own ports tell the replays apart, no flow is ambiguous, none glues two replays`, async () => {
      const dir = join(scratch, `missed-${missedHost}`);
      cpSync(SAMPLE, dir, { recursive: true });
      const capture = join(dir, missedHost, 'capture.pcap');
      expect(writeWithoutBurst(join(SAMPLE, missedHost, 'capture.pcap'), capture, 1)).toBeGreaterThan(0);
      const missed: AnalyzeReport = await runAnalyze({ paths: [dir], hosts: [] });
      expect(missed.totals.ambiguousFlows).toBe(0);
      for (const t of truth.flows) {
        const replay = replayOf(t);
        expect(replay).toBeGreaterThanOrEqual(0);
        // Found by what NAT made of it (each replay's masquerade port is its own): the source
        // the partner saw, or the last one the captures show when the partner missed it.
        const sees = endpointText(t.serverSees, t.proto);
        const label = `${t.proto} replay ${replay + 1} → ${sees}`;
        const found = missed.flows.filter((f) => f.proto === t.proto && (f.seenByServer ?? f.lastSeen).src === sees);
        expect(found, label).toHaveLength(1);
        const f = found[0];
        const hosts = ['node1', 'natgw', 'partner'].filter((h) => replay !== 1 || h !== missedHost);
        expect(f!.legs.map((l) => l.host), label).toEqual(hosts);
      }
      // The answers never name a source the partner did not see; without the partner's view of
      // replay 2, its flows say where they were last seen instead of claiming the server's view.
      for (const a of missed.answers) for (const s of a.sources) expect(truth.partnerSees).toContain(s);
      if (missedHost === 'partner') {
        const unseen = missed.flows.filter((f) => f.seenByServer === null && f.proto !== 'icmp');
        expect(unseen).toHaveLength(4);
        for (const f of unseen) {
          expect(f.lastCapturePoint).toBe('natgw:eth1');
          // The partner is in the case: what is missing is its capture of these flows, not the host.
          expect(f.translatedBeyondReason).toContain("the server's host partner was captured, but its capture does not hold this flow");
          expect(f.translatedBeyondReason).not.toContain("the server's own host was not captured");
        }
      }
    });
  }

  it("quotes conntrack -L only for the last replay's entries, the ones still listed when the hosts were dumped", () => {
    // The lab flushed the earlier replays' entries (truth.json quotes them from `conntrack -E`).
    const lines = (host: string) => readFileSync(join(SAMPLE, host, 'conntrack.txt'), 'utf8').split('\n').filter(Boolean);
    const last = truth.flows.filter((t) => t.translations.every((x) => x.conntrack !== undefined));
    expect(last).toHaveLength(truth.flows.length / REPLAYS);
    for (const t of truth.flows) {
      const f = findFlow(report, t)!;
      for (const x of f.translations) {
        const host = x.host!;
        if (last.includes(t)) expect(lines(host)).toContain(x.conntrack?.entry);
        else expect(x.conntrack, `${t.proto} → ${endpointText(t.serverSees, t.proto)} on ${host}`).toBeNull();
      }
    }
  });
});
