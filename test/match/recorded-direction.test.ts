// Issue 11 §3: the direction each capture recorded (SLL2 packet type, pcapng epb_flags) is evidence
// when a request and its reply carry the same bytes. samples/udp6-echo-repeated (a real UDP echo
// over IPv6: no IP ID, every reply its request's payload) is rewritten without touching a packet:
// node1 alone (the case of most incidents), its capture without what it recorded leaving eth0 — what
// a capture of the uplink's incoming side gives (`tcpdump -i eth0 -Q in`, a mirror port that copies
// ingress only). node1:eth0 then holds each reply once, cni0 and the pod's veth the request and the
// reply, and across the MASQUERADE between them neither addresses nor counts say which of the two
// eth0's copy is. Before this change natpath took the request for it and turned the uplink round:
// "[2001:db8:a::11]:36333 sees 2001:db8:100::10". Only the recorded directions (and hop limits)
// decide: with them the flows are whole and right; the very same packets without them (pcapng with
// no epb_flags) are joined by node1's conntrack entries (eth0's replies are a fragment whose entry's
// original tuple is the pod's: conntrack-joins.ts), and without those too are ambiguous, never wrong.
// Flags that contradict themselves are no evidence.

import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/app/analyze-case.js';
import type { CaptureLegs } from '../../src/flow/collect-legs.js';
import { LegInput, LegTable } from '../../src/flow/leg-table.js';
import { LinkDirection } from '../../src/flow/recorded-direction.js';
import { LegIds, matchPackets } from '../../src/match/match-packets.js';
import type { AnalyzeReport } from '../../src/report/analyze-model.js';
import { PACKET_OUTGOING, type Sll2Capture, type Sll2Record, interfaceNames, readSll2Capture, writeEthernetPcapng, writeSll2Capture, writeSll2WithPacketTypes } from './sll2-records.js';
import { SAMPLES, differences, endpointText, findFlow, hopsAgainstTruth, labScenarios, readTruth, type TruthFlow } from './truth.js';

const SCENARIO = 'udp6-echo-repeated';
const present = labScenarios().includes(SCENARIO);
const scratch = mkdtempSync(join(tmpdir(), 'natpath-direction-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** node1's uplink (ifindex 2 in its ip-link.txt), as the sample's truth names it. */
const ETH0 = 2;
const SERVER = '[2001:db8:100::10]:9000';
const SEEN_AS = '2001:db8:a::11';
const uplinkInboundOnly = (r: Sll2Record) => !(r.ifIndex === ETH0 && r.pktType === PACKET_OUTGOING);

let capture: Sll2Capture;
let names: Map<number, string>;

/** A case holding node1 only, its capture written by `write` into `file`. */
function node1Case(name: string, file: string, write: (target: string) => void): string {
  const root = join(scratch, name);
  cpSync(join(SAMPLES, SCENARIO, 'node1'), join(root, 'node1'), { recursive: true });
  rmSync(join(root, 'node1', 'capture.pcap'));
  write(join(root, 'node1', file));
  return root;
}

/** The truth's flows at node1 only; eth0's request is not in the rewritten capture, so no direction is recorded for it there. */
function atNode1(t: TruthFlow): TruthFlow {
  return { ...t, path: t.path.filter((h) => h.host === 'node1').map((h) => (h.interface === 'eth0' ? { ...h, direction: undefined } : h)) };
}

/** Every source any answer line names: what a wrong link would show (the reply's sender as the pod's source). */
function claimedSources(report: AnalyzeReport): string[] {
  return report.answers.flatMap((a) => [...a.sources, ...a.lastSeen.map((l) => l.src)]);
}

function expectRight(report: AnalyzeReport): void {
  const truth = readTruth(SCENARIO);
  for (const t of truth.flows) {
    const label = `udp ${endpointText(t.client, t.proto)}`;
    const flow = findFlow(report, t);
    expect(flow, label).toBeDefined();
    expect(hopsAgainstTruth(label, flow!, atNode1(t))).toEqual([]);
    expect(flow!.ambiguous, label).toBeNull();
    expect(flow!.lastCapturePoint).toBe('node1:eth0');
    expect(flow!.lastSeen.src).toBe(endpointText(t.serverSees, t.proto));
    expect(flow!.translations.map((x) => `${x.kind} ${x.between.join(' → ')} ${x.rule?.chain ?? 'unexplained'}`)).toEqual(['SNAT node1:cni0 → node1:eth0 FLANNEL-POSTRTG']);
  }
  expectAnswerLastSeenAtEth0(report);
}

/** The answer: the partner's address last seen at node1:eth0 as node1's, no other source named, nothing ambiguous. */
function expectAnswerLastSeenAtEth0(report: AnalyzeReport): void {
  const answer = report.answers.find((a) => a.server === SERVER)!;
  expect(answer.lastSeen.map((l) => `${l.capturePoint} ${l.src}`)).toEqual([`node1:eth0 ${SEEN_AS}`]);
  expect(new Set(claimedSources(report))).toEqual(new Set([SEEN_AS]));
  expect(report.totals.ambiguousFlows).toBe(0);
}

/** Without directions, node1's conntrack entries join eth0's replies to the pod's flows: whole and right, each by its entry. */
function expectJoinedByConntrack(report: AnalyzeReport): void {
  const truth = readTruth(SCENARIO);
  for (const t of truth.flows) {
    const label = `udp ${endpointText(t.client, t.proto)}`;
    const flow = findFlow(report, t);
    expect(flow, label).toBeDefined();
    const undirected = atNode1(t);
    expect(hopsAgainstTruth(label, flow!, { ...undirected, path: undirected.path.map((h) => ({ ...h, direction: undefined })) })).toEqual([]);
    expect(flow!.ambiguous, label).toBeNull();
    expect(flow!.lastCapturePoint).toBe('node1:eth0');
    expect(flow!.lastSeen.src).toBe(endpointText(t.serverSees, t.proto));
    expect(flow!.conntrackJoins.map((j) => `${j.outcome} ${j.capturePoints.join(' ')}`)).toEqual(['joined node1:eth0']);
    const entry = flow!.conntrackJoins[0]!.entries[0]!;
    expect(entry.file).toMatch(/node1\/conntrack\.txt$/);
    expect(entry.entry).toContain(`sport=${t.client.port} dport=9000`);
    expect(flow!.translations.map((x) => `${x.kind} ${x.between.join(' → ')} ${x.rule?.chain ?? 'unexplained'}`)).toEqual(['SNAT node1:cni0 → node1:eth0 FLANNEL-POSTRTG']);
  }
  expectAnswerLastSeenAtEth0(report);
}

/** Without evidence: the pod's flows stop where evidence stops, are called ambiguous, and nothing names a wrong source. */
function expectAmbiguousNotWrong(report: AnalyzeReport): void {
  for (const source of claimedSources(report)) expect(source).toBe(SEEN_AS);
  for (const t of readTruth(SCENARIO).flows) {
    const flow = findFlow(report, t)!;
    expect(flow, t.client.address).toBeDefined();
    // Never the reply at eth0 put on the pod's path as its request.
    for (const hop of flow.legs.flatMap((l) => l.hops)) expect(hop.src.startsWith('[2001:db8:100::10]')).toBe(false);
    expect(flow.ambiguous?.candidates.map((c) => c.capturePoints.join(' '))).toEqual(['node1:eth0']);
    expect(flow.ambiguous?.reason).toMatch(/carry the same bytes \(an echo\)/);
  }
  const answer = report.answers.find((a) => a.server === SERVER)!;
  expect(answer.ambiguous?.flows).toBe(3);
  expect(answer.sources).toEqual([]);
}

describe.runIf(present)('recorded direction decides which copy of an echo is which', () => {
  beforeAll(() => {
    capture = readSll2Capture(join(SAMPLES, SCENARIO, 'node1', 'capture.pcap'));
    names = interfaceNames(readFileSync(join(SAMPLES, SCENARIO, 'node1', 'ip-link.txt'), 'utf8'));
  });

  it('cooked v2 (the packet type): the flows are whole and right, and the report says what the directions ruled out', async () => {
    const report = await runAnalyze({ paths: [node1Case('sll2', 'capture.pcap', (f) => writeSll2Capture(f, capture, uplinkInboundOnly))], hosts: [] });
    expectRight(report);
    const said = report.diagnostics.filter((d) => d.code === 'analyze.direction-evidence');
    expect(said).toHaveLength(1);
    expect(said[0]!.file).toMatch(/node1\/capture\.pcap$/);
    expect(said[0]!.message).toMatch(/the directions node1's captures recorded ruled out \d+ pairing\(s\)/);
  });

  it('pcapng with epb_flags: the same', async () => {
    expectRight(await runAnalyze({ paths: [node1Case('flags', 'capture.pcapng', (f) => writeEthernetPcapng(f, capture, names, 'recorded', uplinkInboundOnly))], hosts: [] }));
  });

  it("the same pcapng without epb_flags: node1's conntrack entries join eth0's replies to the pod's flows", async () => {
    const report = await runAnalyze({ paths: [node1Case('bare', 'capture.pcapng', (f) => writeEthernetPcapng(f, capture, names, 'none', uplinkInboundOnly))], hosts: [] });
    expectJoinedByConntrack(report);
    expect(report.diagnostics.filter((d) => d.code === 'analyze.direction-evidence')).toEqual([]);
  });

  it('the same pcapng without epb_flags and without the conntrack snapshot (negative control): ambiguous, not wrong', async () => {
    const root = node1Case('bare-no-conntrack', 'capture.pcapng', (f) => writeEthernetPcapng(f, capture, names, 'none', uplinkInboundOnly));
    rmSync(join(root, 'node1', 'conntrack.txt'));
    const report = await runAnalyze({ paths: [root], hosts: [] });
    expectAmbiguousNotWrong(report);
    expect(report.diagnostics.filter((d) => d.code === 'analyze.direction-evidence')).toEqual([]);
  });

  it('the whole capture without epb_flags: counts still pair request with request, reply with reply', async () => {
    const report = await runAnalyze({ paths: [node1Case('bare-whole', 'capture.pcapng', (f) => writeEthernetPcapng(f, capture, names, 'none'))], hosts: [] });
    for (const t of readTruth(SCENARIO).flows) {
      const flow = findFlow(report, t)!;
      const path = { ...atNode1(t), path: atNode1(t).path.map((h) => ({ ...h, direction: undefined })) };
      expect(hopsAgainstTruth('bare', flow, path)).toEqual([]);
    }
  });

  it('a gateway captured inbound only (`tcpdump -Q in`): each of its points holds one way, and no flow is turned round', async () => {
    // Before: natgw's eth0 (requests) and eth1 (replies) were taken for one packet's path, turning natgw's legs round.
    const root = join(scratch, 'natgw-in');
    cpSync(join(SAMPLES, SCENARIO), root, { recursive: true });
    const natgw = readSll2Capture(join(SAMPLES, SCENARIO, 'natgw', 'capture.pcap'));
    writeSll2Capture(join(root, 'natgw', 'capture.pcap'), natgw, (r) => r.pktType !== PACKET_OUTGOING);
    const report = await runAnalyze({ paths: [root], hosts: [] });
    // natgw:eth1's requests went out: not in an inbound capture, so that hop records no direction.
    const problems = differences(report, readTruth(SCENARIO)).filter((p) => !/at natgw:eth1 the leg goes no way/.test(p));
    expect(problems).toEqual([]);
  });

  it('a gateway captured outbound only (`tcpdump -Q out`): its points share no packet and are ordered by what they recorded', async () => {
    // eth0 holds the replies leaving toward node1, eth1 the requests leaving toward the partner:
    // no packet of the flow passed both, so only the directions say the request entered at eth0
    // (its reply left there) before it left at eth1. Before: natgw:eth1 → natgw:eth0.
    const root = join(scratch, 'natgw-out');
    cpSync(join(SAMPLES, SCENARIO), root, { recursive: true });
    const natgw = readSll2Capture(join(SAMPLES, SCENARIO, 'natgw', 'capture.pcap'));
    writeSll2Capture(join(root, 'natgw', 'capture.pcap'), natgw, (r) => r.pktType === PACKET_OUTGOING);
    const report = await runAnalyze({ paths: [root], hosts: [] });
    const problems = differences(report, readTruth(SCENARIO)).filter((p) => !/at natgw:eth0 the leg goes no way/.test(p));
    expect(problems).toEqual([]);
  });
});

// The other cut: node1's capture of what it sent only (`tcpdump -Q out`), without directions.
// eth0 holds the requests leaving after the MASQUERADE, cni0 and the veth the replies leaving
// toward the pod, with the requests' very bytes: no point holds both, so no point shows the echo.
// Before, eth0's requests were taken for the packets cni0 and the veth carried next, the flow ran
// eth0 → cni0 → veth, and the pod was named the server of "[2001:db8:a::11]:36333" (a DNAT and
// an SNAT between eth0 and cni0, a conntrack warning kept quiet). A packet keeps its way through
// a host, so node1's conntrack refutes that pairing (its entry makes eth0's packets client →
// server and cni0's server → client), and so do the addresses (cni0's packets come from where
// eth0's went): crossed-pairs.ts. The replies are then a fragment the entry joins to eth0's
// requests; without the entry, each is the other's candidate.
describe.runIf(present)('node1 captured `-Q out` without directions: its conntrack tells an echo\'s request from its reply', () => {
  it('the pod is the client, eth0 the last point, and no answer names the pod as a server', async () => {
    capture = readSll2Capture(join(SAMPLES, SCENARIO, 'node1', 'capture.pcap'));
    names = interfaceNames(readFileSync(join(SAMPLES, SCENARIO, 'node1', 'ip-link.txt'), 'utf8'));
    const sentOnly = (r: Sll2Record) => r.pktType === PACKET_OUTGOING;
    const report = await runAnalyze({ paths: [node1Case('out-bare', 'capture.pcapng', (f) => writeEthernetPcapng(f, capture, names, 'none', sentOnly))], hosts: [] });
    for (const t of readTruth(SCENARIO).flows) {
      const label = `udp ${endpointText(t.client, t.proto)}`;
      const flow = findFlow(report, t);
      expect(flow, label).toBeDefined();
      expect(flow!.ambiguous, label).toBeNull();
      expect(flow!.legs.flatMap((l) => l.hops.map((h) => `${h.interface} ${h.packetsToServer > 0 ? '→' : ''}${h.packetsToClient > 0 ? '←' : ''}`))).toEqual(['veth62608e08 ←', 'cni0 ←', 'eth0 →']);
      expect(flow!.lastCapturePoint).toBe('node1:eth0');
      expect(flow!.lastSeen.src).toBe(endpointText(t.serverSees, t.proto));
      expect(flow!.conntrackJoins.map((j) => `${j.outcome} ${j.capturePoints.join(' ')}`)).toEqual(['joined node1:veth62608e08 node1:cni0']);
      expect(flow!.conntrackJoins[0]!.entries[0]!.entry).toContain(`sport=${t.client.port} dport=9000`);
      expect(flow!.translations.map((x) => `${x.kind} ${x.between.join(' → ')} ${x.rule?.chain ?? 'unexplained'}`)).toEqual(['SNAT node1:cni0 → node1:eth0 FLANNEL-POSTRTG']);
    }
    expect(report.answers.filter((a) => a.proto === 'udp').map((a) => `${a.server} ${a.lastSeen.map((l) => `${l.capturePoint} ${l.src}`).join(' ')}`)).toEqual([`${SERVER} node1:eth0 ${SEEN_AS}`]);
    expect(new Set(claimedSources(report))).toEqual(new Set([SEEN_AS]));
    expect(report.diagnostics.map((d) => d.code)).not.toContain('analyze.conntrack-contradicts-packets');
  });

  it('without the conntrack snapshot too: the addresses refute the pairing (the reply comes from where the request went), and the flows are ambiguous, not wrong', async () => {
    const root = node1Case('out-bare-no-conntrack', 'capture.pcapng', (f) => writeEthernetPcapng(f, capture, names, 'none', (r) => r.pktType === PACKET_OUTGOING));
    rmSync(join(root, 'node1', 'conntrack.txt'));
    const report = await runAnalyze({ paths: [root], hosts: [] });
    expect(claimedSources(report)).toEqual([]);
    for (const t of readTruth(SCENARIO).flows) {
      const sees = endpointText(t.serverSees, t.proto);
      const uplink = report.flows.find((f) => f.lastSeen.src === sees && f.lastCapturePoint === 'node1:eth0')!;
      expect(uplink, sees).toBeDefined();
      // eth0's requests are no longer the packets cni0 and the veth carried: no DNAT and SNAT between them.
      expect(uplink.legs.flatMap((l) => l.hops.map((h) => h.interface))).toEqual(['eth0']);
      expect(uplink.translations).toEqual([]);
      expect(uplink.ambiguous?.candidates.map((c) => c.capturePoints.join(' '))).toEqual(['node1:cni0 node1:veth62608e08']);
      expect(uplink.ambiguous?.reason).toMatch(/carry the same bytes \(an echo\)/);
    }
    // The replies' fragments name the pod only as a guessed end, and no answer is claimed on it.
    for (const a of report.answers.filter((x) => x.server.startsWith('[fd00:10:244:1::2]'))) {
      expect(a.sources).toEqual([]);
      expect(a.orientationGuessed?.flows).toBe(1);
    }
  });
});

describe.runIf(present)('flags that contradict themselves are no evidence', () => {
  beforeAll(() => {
    capture = readSll2Capture(join(SAMPLES, SCENARIO, 'node1', 'capture.pcap'));
    names = interfaceNames(readFileSync(join(SAMPLES, SCENARIO, 'node1', 'ip-link.txt'), 'utf8'));
  });

  it('every packet "outgoing": said per point, hops show no direction, and the answer is what no flags give', async () => {
    const allOut = (name: string) => node1Case(name, 'capture.pcap', (f) => writeSll2WithPacketTypes(f, capture, () => PACKET_OUTGOING, uplinkInboundOnly));
    // What no flags give: joined by conntrack; without the snapshot, ambiguous.
    const bare = allOut('all-out-no-conntrack');
    rmSync(join(bare, 'node1', 'conntrack.txt'));
    expectAmbiguousNotWrong(await runAnalyze({ paths: [bare], hosts: [] }));
    const report = await runAnalyze({ paths: [allOut('all-out')], hosts: [] });
    expectJoinedByConntrack(report);
    const warned = report.diagnostics.filter((d) => d.code === 'capture.contradictory-directions');
    expect(warned.map((d) => d.severity)).toEqual(warned.map(() => 'warning'));
    expect(warned.map((d) => d.message.split(',')[0])).toEqual(expect.arrayContaining(['at veth62608e08', 'at cni0']));
    for (const d of warned) expect(d.file).toMatch(/node1\/capture\.pcap$/);
    // The echo's legs at the pod's veth and cni0 hold both ways, all "outgoing": no direction. (A leg
    // holding one way only, such as eth0's replies or a neighbour solicitation, cannot show it.)
    for (const t of readTruth(SCENARIO).flows) {
      for (const hop of findFlow(report, t)!.legs.flatMap((l) => l.hops)) expect(hop.direction, hop.interface).toBeNull();
    }
  });

  it('every packet "incoming" in the whole capture: the counts still decide, and nothing is turned round', async () => {
    const report = await runAnalyze({ paths: [node1Case('all-in', 'capture.pcap', (f) => writeSll2WithPacketTypes(f, capture, () => 0))], hosts: [] });
    expect(report.diagnostics.some((d) => d.code === 'capture.contradictory-directions' && d.message.includes('recorded as incoming'))).toBe(true);
    for (const t of readTruth(SCENARIO).flows) {
      const flow = findFlow(report, t)!;
      const path = { ...atNode1(t), path: atNode1(t).path.map((h) => ({ ...h, direction: undefined })) };
      expect(hopsAgainstTruth('all-in', flow, path)).toEqual([]);
      for (const hop of flow.legs.flatMap((l) => l.hops)) expect(hop.direction).toBeNull();
    }
  });

  it('flags on some records only: what they say is used, the rest is no evidence, and no answer is wrong', async () => {
    // Every other record keeps its flag (pcapng epb_flags is optional per packet).
    const report = await runAnalyze({
      paths: [node1Case('some-flags', 'capture.pcapng', (f) => writeEthernetPcapng(f, capture, names, (r, i) => (i % 2 === 0 ? 0 : r.pktType === PACKET_OUTGOING ? 2 : 1), uplinkInboundOnly))],
      hosts: [],
    });
    for (const source of claimedSources(report)) expect(source).toBe(SEEN_AS);
    for (const t of readTruth(SCENARIO).flows) {
      const flow = findFlow(report, t)!;
      for (const hop of flow.legs.flatMap((l) => l.hops)) expect(hop.src.startsWith('[2001:db8:100::10]')).toBe(false);
      // Right where the flags decided, ambiguous where they did not.
      if (flow.ambiguous === null) expect(flow.lastSeen.src).toBe(endpointText(t.serverSees, t.proto));
    }
  });
});

describe('the rules, packet by packet (matchPackets)', () => {
  /** One packet with print 7 at each of two points: (point, direction, hop limit, time). */
  function sightings(a: [number, number, number, number], b: [number, number, number, number], sameCapture: boolean, hosts: number[], looseFingerprint = 7): { pairs: number; refuted: number } {
    const tables = sameCapture ? [new LegTable()] : [new LegTable(), new LegTable()];
    const input = new LegInput();
    for (const [k, [point, direction, hops, ts]] of [a, b].entries()) {
      input.point = point;
      input.ipVersion = 6;
      input.proto = 17;
      input.src.set([0xfd000010, 0, 0, 2 + k]);
      input.dst.set([0x20010db8, 0x100, 0, 0x10]);
      input.srcPort = 40000;
      input.dstPort = 9000;
      input.ts = ts;
      input.fingerprint = 7;
      input.looseFingerprint = looseFingerprint;
      input.ttl = hops;
      input.linkDirection = direction;
      tables[sameCapture ? 0 : k]!.add(input);
    }
    const point = (index: number) => ({ index, fileInterface: index, ifIndex: -1, name: `if${index}`, linkType: 1, packets: 1 });
    const captures = tables.map((legs) => ({ file: 'x.pcapng', points: [point(0), point(1)], legs }) as unknown as CaptureLegs);
    const ids = new LegIds(captures);
    const pairs = matchPackets(captures, ids, undefined, hosts);
    return { pairs: pairs.count, refuted: pairs.refutedByDirection.reduce((n, r) => n + (r ?? 0), 0) };
  }
  const { OUT, IN, NONE } = LinkDirection;

  it('out, then in with the hop limit whole: it came back, which only a router does (lowering it)', () => {
    expect(sightings([0, OUT, 64, 1.0], [1, IN, 64, 1.001], true, [0])).toEqual({ pairs: 0, refuted: 1 });
    expect(sightings([0, OUT, 64, 1.0], [1, IN, 63, 1.001], true, [0])).toEqual({ pairs: 1, refuted: 0 });
    // In, then out: forwarded.
    expect(sightings([0, IN, 64, 1.0], [1, OUT, 63, 1.001], true, [0])).toEqual({ pairs: 1, refuted: 0 });
    // Out and in at the same instant: which came first is not known.
    expect(sightings([0, OUT, 64, 1.0], [1, IN, 64, 1.0], true, [0])).toEqual({ pairs: 1, refuted: 0 });
  });

  it('the same way twice (bridge port and bridge, underlay and tunnel): the same hop limit', () => {
    expect(sightings([0, IN, 64, 1.0], [1, IN, 64, 1.00002], true, [0])).toEqual({ pairs: 1, refuted: 0 });
    expect(sightings([0, IN, 64, 1.0], [1, IN, 63, 1.002], true, [0])).toEqual({ pairs: 0, refuted: 1 });
    expect(sightings([0, OUT, 63, 1.0], [1, OUT, 62, 1.002], true, [0])).toEqual({ pairs: 0, refuted: 1 });
  });

  it('two captures of one host share its clock and interfaces; two hosts, or a point without directions, are no evidence', () => {
    expect(sightings([0, IN, 64, 1.0], [1, IN, 63, 1.002], false, [0, 0])).toEqual({ pairs: 0, refuted: 1 });
    expect(sightings([0, IN, 64, 1.0], [1, IN, 63, 1.002], false, [0, 1])).toEqual({ pairs: 1, refuted: 0 });
    expect(sightings([0, NONE, 64, 1.0], [1, IN, 63, 1.002], true, [0])).toEqual({ pairs: 1, refuted: 0 });
  });

  it('a print with TCP sequence numbers (a loose print of its own) is judged once, not again by the loose pass', () => {
    // The loose pass only takes loose prints that join several exact ones (a middlebox moved the
    // sequence numbers); this one groups the same two sightings, which it counted a second time.
    expect(sightings([0, OUT, 64, 1.0], [1, IN, 64, 1.001], true, [0], 9)).toEqual({ pairs: 0, refuted: 1 });
    expect(sightings([0, IN, 64, 1.0], [1, OUT, 63, 1.001], true, [0], 9)).toEqual({ pairs: 1, refuted: 0 });
  });
});
