// A reply-only fragment joined to its request through the host's conntrack entry
// (src/match/conntrack-joins.ts). samples/pod-egress-inbound-only is node1 captured with
// `tcpdump -i any -Q in` by the lab: the pod's requests as they arrive on its veth and cni0, the
// partner's replies as they arrive on eth0 after the gateway, nothing leaving. No packet was
// captured twice, so nothing links eth0's replies to the requests but node1's `conntrack -L`
// entry, whose original tuple is the pod's and whose reply tuple is eth0's. Before, each
// connection was two flows and the answer said the pod's packets left node1:cni0 as 10.244.1.2
// and that "no reply was captured". The packets stay real below; only the snapshot's text is
// edited: an entry removed (absent: not joined, said why), an entry added with the same reply
// tuple (two fit: not joined, both quoted), and the requests cut (the entry's other tuple not
// captured).

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAnalyze } from '../../src/app/analyze-case.js';
import type { AnalyzeReport } from '../../src/report/analyze-model.js';
import { ANALYZE_FORMATS } from '../../src/report/analyze-formats.js';
import { makeStyle } from '../../src/report/terminal.js';
import { PACKET_OUTGOING, interfaceNames, readSll2Capture, writeEthernetPcapng, writeSll2Capture } from './sll2-records.js';
import { SAMPLES, differences, endpointText, findFlow, labScenarios, readTruth } from './truth.js';

const SCENARIO = 'pod-egress-inbound-only';
const scratch = mkdtempSync(join(tmpdir(), 'natpath-conntrack-joins-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** node1's uplink in the sample's ip-link.txt. */
const ETH0 = 2;

/** A copy of the sample whose conntrack.txt is `edit` of the real one (and, with `keep`, whose capture holds only those records). */
function edited(name: string, edit: (lines: string[]) => string[], keep?: Parameters<typeof writeSll2Capture>[2]): { root: string; file: string } {
  const root = join(scratch, name);
  cpSync(join(SAMPLES, SCENARIO), root, { recursive: true });
  rmSync(join(root, 'truth.json'));
  const file = join(root, 'node1', 'conntrack.txt');
  writeFileSync(file, `${edit(readFileSync(file, 'utf8').trimEnd().split('\n')).join('\n')}\n`);
  if (keep !== undefined) writeSll2Capture(join(root, 'node1', 'capture.pcap'), readSll2Capture(join(SAMPLES, SCENARIO, 'node1', 'capture.pcap')), keep);
  return { root, file };
}

const lineOf = (lines: string[], text: string): number => lines.findIndex((l) => l.includes(text)) + 1;
const eth0Fragments = (report: AnalyzeReport) => report.flows.filter((f) => f.legs.length === 1 && f.legs[0]!.hops.every((h) => h.interface === 'eth0'));

describe.runIf(labScenarios().includes(SCENARIO))("a reply-only fragment joined to its request by its host's conntrack entry", () => {
  const truth = labScenarios().includes(SCENARIO) ? readTruth(SCENARIO) : null;
  const entries = readFileSync(join(SAMPLES, SCENARIO, 'node1', 'conntrack.txt'), 'utf8').split('\n');

  it('the real capture: each connection is one flow, its replies at eth0 joined by the entry, quoted', async () => {
    const report = await runAnalyze({ paths: [join(SAMPLES, SCENARIO)], hosts: [] });
    expect(differences(report, truth!)).toEqual([]);
    expect(report.flows.filter((f) => f.proto === 'tcp' || f.proto === 'udp')).toHaveLength(truth!.flows.length);
    for (const t of truth!.flows) {
      const flow = findFlow(report, t)!;
      expect(flow, endpointText(t.client, t.proto)).toBeDefined();
      expect(flow.legs.flatMap((l) => l.hops.map((h) => `${h.interface} ${h.packetsToServer > 0 ? '→' : ''}${h.packetsToClient > 0 ? '←' : ''}`))).toEqual(['veth62608e08 →', 'cni0 →', 'eth0 ←']);
      expect(flow.lastSeen.src).toBe(endpointText(t.lastInCase!.src, t.proto));
      expect(flow.conntrackJoins).toHaveLength(1);
      const join_ = flow.conntrackJoins[0]!;
      expect(join_).toMatchObject({ outcome: 'joined', capturePoints: ['node1:eth0'], entryCount: 1, candidateFlows: [] });
      const line = lineOf(entries, `sport=${t.client.port} dport=`);
      expect(join_.entries).toEqual([{ host: 'node1', file: expect.stringMatching(/node1\/conntrack\.txt$/), line, entry: entries[line - 1]!.trim() }]);
      expect(join_.reason).toContain(`node1's conntrack entry (${join_.entries[0]!.file}:${line}) records the connection as ${endpointText(t.client, t.proto)} → ${endpointText(t.server, t.proto)} and its replies as ${endpointText(t.server, t.proto)} → ${endpointText(t.lastInCase!.src, t.proto)}`);
      // The translation between the two fragments, named by its rule and corroborated by the same entry.
      expect(flow.translations.map((x) => `${x.kind} ${x.between.join(' → ')} ${x.rule?.chain} ${x.conntrack?.line}`)).toEqual([`SNAT node1:cni0 → node1:eth0 FLANNEL-POSTRTG ${line}`]);
    }
    for (const a of report.answers) expect(a.lastSeen.map((l) => `${l.capturePoint} ${l.src}`)).toEqual(['node1:eth0 10.0.0.11']);
    const text = ANALYZE_FORMATS.table(report, { style: makeStyle(false), width: 400 });
    expect(text).not.toMatch(/no reply was captured/);
    expect(text).toMatch(/ joined +flow 1: node1:eth0 captured only its replies/);
    expect(ANALYZE_FORMATS.markdown(report)).toContain('**Joined by conntrack:** flow 1: node1:eth0 captured only its replies');
    expect(ANALYZE_FORMATS.html(report).match(/data-conntrack-join="joined">Joined by conntrack: node1:eth0 captured only its replies/g)).toHaveLength(truth!.flows.length);
  });

  it("the entry absent: that connection's replies stay a flow of their own, and the report says why", async () => {
    const { root } = edited('absent', (lines) => lines.filter((l) => !l.includes(`sport=${truth!.flows[0]!.client.port} `)));
    const report = await runAnalyze({ paths: [root], hosts: [] });
    const request = findFlow(report, truth!.flows[0]!)!;
    expect(request.lastCapturePoint).toBe('node1:cni0');
    expect(request.conntrackJoins).toEqual([]);
    const [fragment, ...others] = eth0Fragments(report);
    expect(others.map((f) => f.proto)).toEqual([]);
    // Its SYN-ACK says which end is the client: a reply-only fragment, so the reason is given.
    expect(fragment!.client).toBe(endpointText(truth!.flows[0]!.lastInCase!.src, 'tcp'));
    expect(fragment!.orientation.basis).toBe('tcp-handshake');
    expect(fragment!.conntrackJoins).toEqual([
      {
        outcome: 'no-entry',
        capturePoints: ['node1:eth0'],
        entries: [],
        entryCount: 0,
        candidateFlows: [],
        reason: "node1:eth0 captured only its replies, and no captured packet links them to its requests; not joined to the requests: no entry of node1's conntrack snapshot holds its endpoints (the snapshot is one moment after the capture: the entry may have expired)",
      },
    ]);
    // The other connections keep their entries and are joined.
    for (const t of truth!.flows.slice(1)) expect(findFlow(report, t)!.conntrackJoins.map((j) => j.outcome)).toEqual(['joined']);
    // A flow seen at one point is listed in JSON and CSV only: the note says it in every format, at the capture.
    const notes = report.diagnostics.filter((d) => d.code === 'analyze.fragment-not-joined');
    expect(notes.map((d) => [d.severity, d.file.endsWith('node1/capture.pcap'), d.message])).toEqual([['info', true, `flow ${fragment!.id}: ${fragment!.conntrackJoins[0]!.reason}`]]);
  });

  it('the UDP entry absent: nothing says which end sent eth0\'s datagrams, so it is neither joined nor called a reply', async () => {
    const udp = truth!.flows.find((t) => t.proto === 'udp')!;
    const { root } = edited('absent-udp', (lines) => lines.filter((l) => !l.startsWith('udp ')));
    const report = await runAnalyze({ paths: [root], hosts: [] });
    expect(findFlow(report, udp)!.lastCapturePoint).toBe('node1:cni0');
    const fragment = eth0Fragments(report).find((f) => f.proto === 'udp')!;
    expect(fragment.orientation.guessed).toBe(true);
    expect(fragment.conntrackJoins).toEqual([]);
  });

  it('two entries fit (one added with the same reply tuple): not joined, both entries quoted as candidates', async () => {
    const t = truth!.flows[0]!;
    const port = t.client.port!;
    const { root, file } = edited('two', (lines) => {
      const real = lines.find((l) => l.includes(`sport=${port} `))!;
      // The same reply tuple for another original source port: a table never holds both, so the snapshot cannot tell which.
      return [...lines, real.replace(`sport=${port} `, `sport=${port + 1} `)];
    });
    const lines = readFileSync(file, 'utf8').split('\n');
    const report = await runAnalyze({ paths: [root], hosts: [] });
    expect(findFlow(report, t)!.lastCapturePoint).toBe('node1:cni0');
    const fragment = eth0Fragments(report).find((f) => f.proto === 'tcp')!;
    expect(fragment.conntrackJoins).toHaveLength(1);
    const j = fragment.conntrackJoins[0]!;
    const real = lineOf(lines, `sport=${port} `);
    const added = lineOf(lines, `sport=${port + 1} `);
    expect(j).toMatchObject({ outcome: 'several-entries', capturePoints: ['node1:eth0'], entryCount: 2, candidateFlows: [] });
    expect(j.entries.map((e) => [e.host, e.line, e.entry])).toEqual([
      ['node1', real, lines[real - 1]!.trim()],
      ['node1', added, lines[added - 1]!.trim()],
    ]);
    expect(j.reason).toMatch(new RegExp(`not joined to the requests: 2 conntrack entries of node1 hold its endpoints \\(.*conntrack\\.txt:${real}, .*conntrack\\.txt:${added}\\)`));
    // The other connections are untouched.
    for (const o of truth!.flows.slice(1)) expect(findFlow(report, o)!.conntrackJoins.map((x) => x.outcome)).toEqual(['joined']);
    // Said at the first candidate entry.
    const notes = report.diagnostics.filter((d) => d.code === 'analyze.fragment-not-joined');
    expect(notes.map((d) => [d.file.endsWith('node1/conntrack.txt'), d.line, d.message])).toEqual([[true, real, `flow ${fragment.id}: ${j.reason}`]]);
  });

  it("the requests not captured (only eth0's records kept): the entry names the pod's tuple, which no point holds", async () => {
    const { root } = edited('eth0-only', (lines) => lines, (r) => r.ifIndex === ETH0);
    const report = await runAnalyze({ paths: [root], hosts: [] });
    const tcp = eth0Fragments(report).filter((f) => f.proto === 'tcp');
    expect(tcp).toHaveLength(2);
    for (const f of tcp) {
      expect(f.conntrackJoins.map((j) => j.outcome)).toEqual(['not-captured']);
      expect(f.conntrackJoins[0]!.reason).toMatch(/records its requests on the host's other side as 10\.244\.1\.2:\d+ → 198\.51\.100\.10:80, which no capture point of that host holds/);
    }
  });
});

// The other way round: node1 of samples/pod-egress-natgw cut to what it recorded leaving
// (`tcpdump -Q out`, without touching a packet): the replies leave toward the pod on cni0 and its
// veth, the requests leave on eth0. Here the fragment holds the entry's original tuple and comes
// first on the path. Without recorded directions (the same packets as pcapng without epb_flags)
// only the entry says which side of node1's NAT each point is on: before, the joined flow ran
// eth0 → veth → cni0 and its SNAT went from 10.0.0.11 to the pod.
const NATGW = 'pod-egress-natgw';
describe.runIf(labScenarios().includes(NATGW))('a pod-side fragment of replies (node1 captured `-Q out`)', () => {
  const node1Out = (name: string, directions: boolean): string => {
    const root = join(scratch, name);
    cpSync(join(SAMPLES, NATGW, 'node1'), join(root, 'node1'), { recursive: true });
    rmSync(join(root, 'node1', 'capture.pcap'));
    const capture = readSll2Capture(join(SAMPLES, NATGW, 'node1', 'capture.pcap'));
    const out = (r: { pktType: number }) => r.pktType === PACKET_OUTGOING;
    if (directions) writeSll2Capture(join(root, 'node1', 'capture.pcap'), capture, out);
    else writeEthernetPcapng(join(root, 'node1', 'capture.pcapng'), capture, interfaceNames(readFileSync(join(SAMPLES, NATGW, 'node1', 'ip-link.txt'), 'utf8')), 'none', out);
    return root;
  };

  it.each([
    ['with the directions recorded (cooked v2)', true],
    ['without them (pcapng without epb_flags): ordered by the entry', false],
  ])('%s', async (_, directions) => {
    const report = await runAnalyze({ paths: [node1Out(`out-${directions}`, directions)], hosts: [] });
    for (const t of readTruth(NATGW).flows) {
      const flow = findFlow(report, t)!;
      expect(flow, endpointText(t.client, t.proto)).toBeDefined();
      const atEth0 = t.path.find((h) => h.host === 'node1' && h.interface === 'eth0')!;
      expect(flow.legs.flatMap((l) => l.hops.map((h) => `${h.interface} ${h.packetsToServer > 0 ? '→' : ''}${h.packetsToClient > 0 ? '←' : ''}`))).toEqual(['veth62608e08 ←', 'cni0 ←', 'eth0 →']);
      expect(flow.lastSeen.src).toBe(endpointText(atEth0.src, t.proto));
      expect(flow.conntrackJoins.map((j) => `${j.outcome} ${j.capturePoints.join(' ')}`)).toEqual(['joined node1:veth62608e08 node1:cni0']);
      expect(flow.conntrackJoins[0]!.entries[0]!.entry).toContain(`sport=${t.client.port} `);
      expect(flow.translations.map((x) => `${x.kind} ${x.before.src} → ${x.after.src} ${x.between.join(' → ')} ${x.rule?.chain}`)).toEqual([
        `SNAT ${endpointText(t.client, t.proto)} → ${endpointText(atEth0.src, t.proto)} node1:cni0 → node1:eth0 FLANNEL-POSTRTG`,
      ]);
    }
    for (const a of report.answers) expect(a.lastSeen.map((l) => `${l.capturePoint} ${l.src}`)).toEqual(['node1:eth0 10.0.0.11']);
  });
});
