// `natpath analyze`, in named phases: read the case (snapshots learnt, every capture's legs
// collected), match the same packets across capture points, estimate the hosts' clocks, link
// legs into flows and explain them (translations, rules, answers), build the report.

import { availableParallelism } from 'node:os';
import { type CaseRequest, loadCase } from '../case/load-case.js';
import { isCaptureKind, isSnapshotKind } from '../case/file-kind.js';
import { LinkType } from '../capture/index.js';
import type { CaptureLegs } from '../flow/collect-legs.js';
import { LegCollector, MIN_WORKER_BYTES, workersFor } from '../flow/collect-parallel.js';
import { findContradictoryWays, sideWays } from '../flow/recorded-direction.js';
import type { AnalyzeReport, DiagnosticView, Flow, HostView } from '../report/analyze-model.js';
import { AnswerBuilder, type AnswerShare, answerShareOf } from '../match/answer-builder.js';
import type { Diagnostic } from '../text/diagnostic.js';
import { problemAt } from '../text/problem-collector.js';
import { type ClockOffset, estimateClockOffsets } from '../match/clock-offsets.js';
import { type CaptureOnHost, addCommunityIds, describeFlow, legPoint, pointLabel } from '../match/describe-flows.js';
import { type HostKnowledge, SnapshotHostKnowledge } from '../match/host-knowledge.js';
import { learnFromSnapshots } from '../match/learn-host.js';
import { sourcePortMatters } from '../match/explain-translations.js';
import { RelatedErrors } from '../match/related-errors.js';
import { FlowShapes } from '../match/flow-shapes.js';
import { type FlowJoin, type LinkedFlows, linkLegs } from '../match/link-legs.js';
import { Crossed, crossedPairs } from '../match/crossed-pairs.js';
import { type LegFacts, OrientedBy } from '../match/leg-facts.js';
import { CONNTRACK_NONE, ConntrackClients } from '../match/conntrack-orientation.js';
import { ConntrackJoiner } from '../match/conntrack-joins.js';
import { describeJoins } from '../match/describe-joins.js';
import { LegIds, matchPackets } from '../match/match-packets.js';
import { REPORT_EVERY_HEAVY, type ReportShare } from '../match/report-share.js';
import { CandidatePairs } from '../match/candidate-pairs.js';
import { describeAmbiguity, type FlowCandidates, findFlowCandidates } from '../match/ambiguous-flows.js';
import type { PairEvidence } from '../match/pair-evidence.js';
import { tunnelPortsOf } from '../route/index.js';
import { formatCount } from '../report/format-number.js';
import { freeMatchingGarbage } from './free-matching-garbage.js';

export interface AnalyzeOptions {
  /** Called with a capture's display path and its bytes before reading it (with `N captures` and all their bytes once, when they are read at once)… */
  onFile?: (file: string, bytes: number) => void;
  /** …and with the bytes read so far (of all of them, when at once). */
  onBytes?: (offset: number) => void;
  /** How many flows the report lists in full (multi-point ones first); 0 or absent: all. The answer and totals always cover every flow. */
  maxFlows?: number;
  /** Describe every flow for the answer instead of one per shape (tests prove the two agree). */
  describeEveryFlow?: boolean;
  /**
   * Called as each phase after reading starts, with what it is doing in words and its amount of
   * work (0 when it cannot say), so that a terminal shows more than a finished bar…
   */
  onPhase?: (phase: AnalyzePhase, label: string, total: number) => void;
  /** …and, in phases that can say, with the work done so far (flows explained). */
  onStep?: (done: number) => void;
  /** Threads that may collect captures at once, this one included (default: the cores; 1 = one by one here). */
  threads?: number;
  /** Tests: workers for any size of case (minWorkerBytes 0), the built worker script, every file through a worker. */
  collect?: { minWorkerBytes?: number; workerUrl?: URL; workersOnly?: boolean };
}

/** The phases after reading, in order (docs/analyze.md). */
export type AnalyzePhase = 'match' | 'clocks' | 'link' | 'explain' | 'report';

/**
 * The bar of a phase that reports a share of its work (match, clocks, link) counts to this;
 * explain counts flows.
 */
const SHARE_STEPS = 1000;

export async function runAnalyze(request: CaseRequest, options: AnalyzeOptions = {}): Promise<AnalyzeReport> {
  const inputs = await readInputs(request, options);
  const say = options.onPhase ?? (() => {});
  // The synchronous phases report from inside their loops (match/report-share.ts): a bar each.
  const step = options.onStep;
  const share = step === undefined ? undefined : (s: number) => step(Math.round(s * SHARE_STEPS));
  say('match', `matching packets across ${formatCount(inputs.captures.length)} capture(s)`, SHARE_STEPS);
  const matched = matchAcrossCaptures(inputs, share);
  freeMatchingGarbage(matched.pairs.count);
  say('clocks', `estimating clocks from ${formatCount(matched.pairs.count)} matched pair(s)`, SHARE_STEPS);
  const offsets = estimateClocks(inputs, matched, share);
  const explained = explainFlows(inputs, matched, offsets, options, share);
  say('report', `building the report of ${formatCount(explained.linked.count)} flow(s)`, 0);
  return buildReport(inputs, offsets, explained);
}

/** What the read phase gives: each host's knowledge and snapshots, every readable capture's legs, the problems. */
interface CaseInputs {
  hostNames: string[];
  hosts: HostKnowledge[];
  snapshotsByHost: string[][];
  captures: CaptureOnHost[];
  diagnostics: Diagnostic[];
}

/**
 * Phase 1, read: load the case, learn each host from its snapshots, collect each capture's legs.
 * Captures of a large case are collected at once on worker threads (flow/collect-parallel.ts),
 * which start first and take captures while this thread still learns the hosts after them.
 */
async function readInputs(request: CaseRequest, options: AnalyzeOptions): Promise<CaseInputs> {
  const input = await loadCase(request);
  const captureFilesOf = input.hosts.map((host) => host.files.filter((f) => isCaptureKind(f.kind)));
  const threads = options.threads ?? availableParallelism();
  const minWorkerBytes = options.collect?.minWorkerBytes ?? MIN_WORKER_BYTES;
  const allCaptures = captureFilesOf.flat().map((f) => ({ size: f.size, stream: f.openStream !== undefined }));
  const collector = new LegCollector(workersFor(allCaptures, threads, minWorkerBytes), {
    onFile: options.onFile,
    onBytes: options.onBytes,
    workerUrl: options.collect?.workerUrl,
    workersOnly: options.collect?.workersOnly,
  });
  const hosts: HostKnowledge[] = [];
  const snapshotsByHost: string[][] = [];
  // Per host, in order: its files' problems, then its captures'.
  const hostDiagnostics: Diagnostic[][] = [];
  for (const [hostIndex, host] of input.hosts.entries()) {
    const diagnostics: Diagnostic[] = [];
    const knowledge = new SnapshotHostKnowledge(host.name);
    // Files natpath cannot use are said, not skipped in silence (inspect lists them in full).
    for (const file of host.files.filter((f) => f.kind === 'unrecognised')) {
      diagnostics.push(problemAt('case.file-not-used', `not used: ${file.reason ?? 'not a capture or a dump natpath knows'}`, { file: file.displayPath }));
    }
    diagnostics.push(...(await learnFromSnapshots(knowledge, host)));
    hosts.push(knowledge);
    hostDiagnostics.push(diagnostics);
    const captureFiles = captureFilesOf[hostIndex]!;
    const tunnels = tunnelPortsOf(knowledge.model?.interfaces ?? []);
    if (tunnels.notes.length > 0 && captureFiles.length > 0) {
      const message = `host ${host.name}'s captures are decoded with its own tunnel ports: ${tunnels.notes.join('; ')}`;
      diagnostics.push(problemAt('case.tunnel-ports', message, { file: captureFiles[0]!.displayPath }));
    }
    snapshotsByHost.push(host.files.filter((f) => isSnapshotKind(f.kind)).map((f) => f.displayPath));
    for (const file of captureFiles) {
      collector.submit({ path: file.path, displayPath: file.displayPath, size: file.size, openStream: file.openStream, tunnelPorts: tunnels.ports });
    }
  }
  const collected = await collector.finish();
  const captures: CaptureOnHost[] = [];
  let next = 0;
  for (const [hostIndex, captureFiles] of captureFilesOf.entries()) {
    const diagnostics = hostDiagnostics[hostIndex]!;
    for (const file of captureFiles) {
      const legs = collected[next++]!;
      if (legs instanceof Error) {
        diagnostics.push(problemAt('capture.unreadable', legs.message, { file: file.displayPath }));
        continue;
      }
      const knowledge = hosts[hostIndex]!;
      nameSingleInterfacePoints(legs, knowledge);
      diagnostics.push(...legs.diagnostics);
      for (const w of findContradictoryWays(legs.points, legs.legs)) {
        const point = pointLabel(legs.points[w.point]!, knowledge);
        diagnostics.push(
          problemAt(
            'capture.contradictory-directions',
            `at ${point}, ${formatCount(w.legs)} connection(s) have every packet of both ways recorded as ${w.recordedAs}, ` +
              `though a packet and its reply cross an interface in opposite directions (a mirror port's capture records everything as incoming, ` +
              `a writer that puts one flag on every record makes them all alike): their recorded directions are not used as evidence, and their hops show none`,
            { file: file.displayPath },
          ),
        );
      }
      captures.push({ host: hostIndex, legs });
    }
  }
  return { hostNames: input.hosts.map((h) => h.name), hosts, snapshotsByHost, captures, diagnostics: [...input.diagnostics, ...hostDiagnostics.flat()] };
}

interface MatchedPackets {
  ids: LegIds;
  pairs: PairEvidence;
  /** Leg pairs that shared prints matching could not assign: the candidates of ambiguous flows. */
  candidates: CandidatePairs;
}

/** Phase 2, match: the same packet seen at two capture points makes a pair of legs. */
function matchAcrossCaptures(inputs: CaseInputs, report: ReportShare | undefined): MatchedPackets {
  const ids = new LegIds(inputs.captures.map((c) => c.legs));
  const candidates = new CandidatePairs();
  const pairs = matchPackets(inputs.captures.map((c) => c.legs), ids, candidates, inputs.captures.map((c) => c.host), report);
  if (candidates.full) {
    inputs.diagnostics.push(
      problemAt(
        'analyze.ambiguity-bound',
        `more than ${candidates.count} pairs of connections shared repeated packets that could not be told apart; beyond that bound their flows are listed as fragments, not as ambiguous with candidates`,
        { file: inputs.captures[0]!.legs.file },
      ),
    );
  }
  pairs.refutedByDirection.forEach((refuted, host) => {
    const first = inputs.captures.find((c) => c.host === host);
    if (refuted === undefined || refuted === 0 || first === undefined) return;
    inputs.diagnostics.push(
      problemAt(
        'analyze.direction-evidence',
        `the directions ${inputs.hostNames[host]}'s captures recorded ruled out ${formatCount(refuted)} pairing(s) of packets with the same bytes ` +
          `(seen leaving the host and then entering it with its hop limit whole, or seen the same way at two points with different hop limits): ` +
          `not taken for one packet (docs/analyze.md, "Recorded direction")`,
        { file: first.legs.file },
      ),
    );
  });
  return { ids, pairs, candidates };
}

/** Phase 3, clocks: each host's offset to the reference clock, from the pairs' time differences. */
function estimateClocks(inputs: CaseInputs, matched: MatchedPackets, report: ReportShare | undefined): ClockOffset[] {
  const hostOfLeg = new Uint16Array(matched.ids.count);
  for (let g = 0; g < hostOfLeg.length; g++) hostOfLeg[g] = inputs.captures[matched.ids.capture[g]!]!.host;
  return estimateClockOffsets(
    inputs.hosts.map((h) => h.name),
    hostOfLeg,
    matched.pairs,
    report,
  );
}

interface ExplainedFlows {
  linked: LinkedFlows;
  /** The flows the report lists in full, by id. */
  listed: Flow[];
  multiAnswers: AnswerBuilder;
  allAnswers: AnswerBuilder;
  counts: { multi: number; translations: number; unexplained: number; leaks: number; ambiguous: number };
}

/**
 * Phase 4, explain: link legs into flows along their path, describe them (translations located
 * and explained by the simulator, conntrack evidence, leaks) and fold them into the answers.
 */
function explainFlows(inputs: CaseInputs, matched: MatchedPackets, offsets: ClockOffset[], options: AnalyzeOptions, share: ReportShare | undefined): ExplainedFlows {
  const { captures, hosts } = inputs;
  const { ids } = matched;
  options.onPhase?.('link', `linking ${formatCount(ids.count)} connection leg(s) into flows`, SHARE_STEPS);
  const clients = hosts.map((h) => (h.conntrack.entries.length > 0 ? new ConntrackClients(h.conntrack.entries) : null));
  const facts = legFacts(ids, captures, offsets, clients);
  const crossed = crossedPairs(matched.pairs, facts, ids, captures.map((c) => c.legs.legs.keys.data));
  const linked = linkLegs(facts, matched.pairs, offsets, share, new ConntrackJoiner(ids, captures, clients), crossed);
  // A request and the reply that carries its bytes are not one packet, but may be one connection: candidates, as an echo's.
  for (let e = 0; e < crossed.length; e++) if (crossed[e] !== Crossed.NO) matched.candidates.add(matched.pairs.a.data[e]!, matched.pairs.b.data[e]!, true);
  const contradiction = conntrackContradiction(linked, facts, ids, captures, clients, inputs.hostNames);
  if (contradiction !== null) inputs.diagnostics.push(contradiction);
  const notJoined = fragmentNotJoined(linked, ids, captures, hosts);
  if (notJoined !== null) inputs.diagnostics.push(notJoined);
  const candidates = findFlowCandidates(linked, matched.candidates, facts.point);
  options.onPhase?.('explain', `explaining ${formatCount(linked.count)} flow(s)`, linked.count);
  // Flows are folded into the answer and totals one at a time; only those listed in the report
  // are described in full and kept, so memory follows the listing, not the capture. Flows of
  // one shape (differing only in client port, counts, times) answer alike: the first of each
  // shape is described and what it adds to the answer serves the others.
  const limit = options.maxFlows !== undefined && options.maxFlows > 0 ? options.maxFlows : Infinity;
  const listedMulti: Flow[] = [];
  const listedSingle: Flow[] = [];
  const multiAnswers = new AnswerBuilder();
  const allAnswers = new AnswerBuilder();
  const counts = { multi: 0, translations: 0, unexplained: 0, leaks: 0, ambiguous: 0 };
  const shapes = new FlowShapes(ids, captures, hosts.some((h) => h.model !== null && sourcePortMatters(h.model)));
  // What each shape adds, and how many flows have it, in the order shapes first appear: adding
  // a shape's share once with its count gives the answer adding it per flow would (its items
  // are the same each time), for a fraction of the work.
  const shares: AnswerShare[] = [];
  // Ambiguous flows answer differently from their shape's others (flows[].ambiguous).
  const ambiguousShares: AnswerShare[] = [];
  const shapesInOrder: AnswerShare[] = [];
  const countOf = new Map<AnswerShare, number>();
  const related = new RelatedErrors(linked, ids, captures, (f, self) => describeFlow(f + 1, linked.flow(f), ids, captures, hosts, self));
  const describe = (i: number): Flow => describeWithAmbiguity(i, linked, candidates, ids, captures, hosts, related);
  for (let i = 0; i < linked.count; i++) {
    if (i % REPORT_EVERY_HEAVY === 0) options.onStep?.(i);
    const shape = options.describeEveryFlow === true ? -1 : shapes.shapeOf(linked, i);
    const ambiguous = candidates.start[i + 1]! > candidates.start[i]!;
    if (ambiguous) counts.ambiguous++;
    const byShape = ambiguous ? ambiguousShares : shares;
    let described: Flow | null = null;
    let share = shape < 0 ? undefined : byShape[shape];
    if (share === undefined) {
      described = describe(i);
      share = answerShareOf(described);
      if (shape >= 0) byShape[shape] = share;
      shapesInOrder.push(share);
    }
    const listed = share.multiPoint ? listedMulti : listedSingle;
    if (listed.length < limit) listed.push(described ?? describe(i));
    countOf.set(share, (countOf.get(share) ?? 0) + 1);
  }
  for (const share of shapesInOrder) {
    const n = countOf.get(share)!;
    if (share.multiPoint) {
      counts.multi += n;
      multiAnswers.add(share, n);
    }
    allAnswers.add(share, n);
    counts.translations += n * share.translations;
    counts.unexplained += n * share.unexplained;
    counts.leaks += n * share.leakCount;
  }
  // Multi-point flows first when the listing is capped: they are the ones with a path.
  const listed = [...listedMulti, ...listedSingle.slice(0, Math.max(0, limit - listedMulti.length))].sort((a, b) => a.id - b.id);
  for (const flow of listed) addCommunityIds(flow);
  return { linked, listed, multiAnswers, allAnswers, counts };
}

function describeWithAmbiguity(i: number, linked: LinkedFlows, candidates: FlowCandidates, ids: LegIds, captures: CaptureOnHost[], hosts: HostKnowledge[], related: RelatedErrors): Flow {
  const flow = describeFlow(i + 1, linked.flow(i), ids, captures, hosts, related);
  flow.ambiguous = describeAmbiguity(i, candidates, linked, ids, captures, hosts, flow);
  return flow;
}

/** Phase 5, build the report: answers, hosts with their captures and clocks, listed flows, problems, totals. */
function buildReport(inputs: CaseInputs, offsets: ClockOffset[], explained: ExplainedFlows): AnalyzeReport {
  const { captures, hosts } = inputs;
  const { linked, listed: flows, counts } = explained;
  const hostViews: HostView[] = inputs.hostNames.map((name, i) => {
    const offset = offsets[i]!;
    const known = offset.basis !== 'unknown';
    return {
      name,
      captures: captures
        .filter((c) => c.host === i)
        .map((c) => ({
          file: c.legs.file,
          format: c.legs.read.format,
          packets: c.legs.packets,
          ipPackets: c.legs.packets - c.legs.nonIp,
          nonIpPackets: c.legs.nonIp,
          damagedPackets: c.legs.damaged,
          clockOffsetSeconds: known ? offset.offsetSeconds : null,
          interfaces: c.legs.points.map((p) => pointLabel(p, hosts[i]!)),
        })),
      snapshots: inputs.snapshotsByHost[i] ?? [],
      clock: {
        offsetSeconds: known ? offset.offsetSeconds : null,
        spreadSeconds: known ? offset.spreadSeconds : null,
        sharedPackets: offset.packets,
        basis: offset.basis,
      },
    };
  });
  return {
    schemaVersion: 1,
    schema: 'natpath.analyze/1',
    answers: (counts.multi > 0 ? explained.multiAnswers : explained.allAnswers).result(),
    hosts: hostViews,
    flows,
    diagnostics: inputs.diagnostics.map(viewDiagnostic),
    totals: {
      flows: linked.count,
      listedFlows: flows.length,
      multiPointFlows: counts.multi,
      singlePointFlows: linked.count - counts.multi,
      ambiguousFlows: counts.ambiguous,
      translations: counts.translations,
      unexplained: counts.unexplained,
      leaks: counts.leaks,
      packets: captures.reduce((n, c) => n + c.legs.packets, 0),
    },
  };
}

/**
 * A pcap taken on one interface (`tcpdump -i eth0`) does not say which: the interface holding
 * the addresses its packets were sent from or to does, per the host's `ip addr` snapshot.
 */
function nameSingleInterfacePoints(capture: CaptureLegs, host: HostKnowledge): void {
  const t = capture.legs;
  for (const point of capture.points) {
    if (point.name !== null || point.ifIndex >= 0 || point.linkType === LinkType.LINUX_SLL) continue;
    const votes = new Map<string, number>();
    const words = new Uint32Array(4);
    // Connections repeat addresses: IPv4 ones are looked up once each.
    const ipv4Owner = new Map<number, string | null>();
    for (let leg = 0; leg < t.count; leg++) {
      if (t.keyWord(leg, 0) !== point.index) continue;
      const version = t.keyWord(leg, 1) >>> 24;
      for (let base = 3; base <= 7; base += 4) {
        let name: string | null | undefined;
        if (version === 4) {
          const address = t.keyWord(leg, base);
          name = ipv4Owner.get(address);
          if (name === undefined) ipv4Owner.set(address, (name = host.interfaceOfAddress(4, [address])));
        } else {
          for (let i = 0; i < 4; i++) words[i] = t.keyWord(leg, base + i);
          name = host.interfaceOfAddress(version, words);
        }
        if (name !== null) votes.set(name, (votes.get(name) ?? 0) + 1);
      }
    }
    let best: string | null = null;
    for (const [name, count] of votes) if (best === null || count > votes.get(best)!) best = name;
    point.name = best;
  }
}

function viewDiagnostic(d: Diagnostic): DiagnosticView {
  const view: DiagnosticView = { code: d.code, severity: d.severity, file: d.place.file, message: d.message };
  if (d.place.line !== undefined) view.line = d.place.line;
  if (d.place.offset !== undefined) view.offset = d.place.offset;
  if (d.place.jsonPath !== undefined) view.jsonPath = d.place.jsonPath;
  if (d.count !== undefined) view.count = d.count;
  return view;
}

/**
 * One warning for every flow whose orientation a conntrack entry contradicts (a stale entry of a
 * reused port, a snapshot of another moment or host): it quotes the first entry, the flows
 * keep what the packets say.
 */
function conntrackContradiction(linked: LinkedFlows, facts: LegFacts, ids: LegIds, captures: CaptureOnHost[], clients: (ConntrackClients | null)[], hostNames: string[]): Diagnostic | null {
  let flows = 0;
  let first: Diagnostic | null = null;
  for (let i = 0; i < linked.count; i++) {
    if (linked.conntrackContradicted[i] !== 1) continue;
    flows++;
    if (first !== null) continue;
    for (let k = linked.start[i]!; k < linked.start[i + 1]! && first === null; k++) {
      const g = linked.legs[k]!;
      const says = facts.conntrackClient[g]!;
      if (says === CONNTRACK_NONE || (says === 0) === (linked.clientIsLow[k] === 1)) continue;
      const c = captures[ids.capture[g]!]!;
      const entry = clients[c.host]?.entryOfLeg(c.legs.legs, ids.leg[g]!);
      if (entry === undefined) continue;
      const by = linked.orientedBy[i] === OrientedBy.PROTOCOL ? 'the TCP handshake captured' : 'another conntrack entry';
      first = problemAt(
        'analyze.conntrack-contradicts-packets',
        `${hostNames[c.host]}'s conntrack entry names the other end as the client than ${by} (flow ${i + 1}): the packets are taken; the snapshot may be of another moment or a reused port`,
        { file: entry.source.file, line: entry.source.line },
      );
    }
  }
  if (first !== null && flows > 1) first.message += ` (${formatCount(flows)} flows in all)`;
  return first;
}

/**
 * One note for the reply-only fragments conntrack did not join to their requests: they stay flows
 * of their own, which only JSON and CSV list when seen at one point. It quotes the first one's
 * reason at its first entry (or its capture when no entry fits), and counts the others.
 */
function fragmentNotJoined(linked: LinkedFlows, ids: LegIds, captures: CaptureOnHost[], hosts: HostKnowledge[]): Diagnostic | null {
  let fragments = 0;
  let first: { flow: number; join: FlowJoin } | null = null;
  for (const [flow, joins] of linked.joinsOf) {
    for (const join of joins) {
      if (join.outcome === 'joined') continue;
      fragments++;
      if (first === null || flow < first.flow) first = { flow, join };
    }
  }
  if (first === null) return null;
  const { flow, join } = first;
  const leg = join.legs[0]!;
  const capture = captures[ids.capture[leg]!]!;
  const [described] = describeJoins([join], hosts, (g) => legPoint(g, ids, captures, hosts), (f) => f + 1, linked.flow(flow).legs);
  const entry = join.entries[0]?.entry;
  const place = entry !== undefined ? { file: entry.source.file, line: entry.source.line } : { file: capture.legs.file };
  const more = fragments > 1 ? ` (${formatCount(fragments)} such fragments in all: flows[].conntrackJoins)` : '';
  return problemAt('analyze.fragment-not-joined', `flow ${flow + 1}: ${described!.reason}${more}`, place);
}

/** What linking needs of every leg, column-wise, first times on the reference clock. */
function legFacts(ids: LegIds, captures: CaptureOnHost[], offsets: ClockOffset[], clients: (ConntrackClients | null)[]): LegFacts {
  const n = ids.count;
  const facts: LegFacts = {
    host: new Uint16Array(n),
    opener: new Uint8Array(n),
    firstSender: new Uint8Array(n),
    conntrackClient: new Uint8Array(n),
    firstTs: new Float64Array(n),
    samples: new Uint32Array(n),
    point: new Int32Array(n),
    ways: new Uint8Array(n),
    sent: new Uint8Array(n),
  };
  const pointIds = new Map<number, number>();
  for (let g = 0; g < n; g++) {
    const capture = ids.capture[g]!;
    const leg = ids.leg[g]!;
    const c = captures[capture]!;
    const t = c.legs.legs;
    facts.host[g] = c.host;
    facts.opener[g] = t.opener.data[leg]!;
    facts.firstSender[g] = t.firstSender.data[leg]!;
    facts.conntrackClient[g] = clients[c.host]?.clientOfLeg(t, leg) ?? CONNTRACK_NONE;
    facts.firstTs[g] = t.firstTs.data[leg]! - (offsets[c.host]?.offsetSeconds ?? 0);
    facts.samples[g] = t.sampleCount.data[leg]!;
    facts.ways[g] = sideWays(c.legs.points, t, leg);
    facts.sent[g] = (t.packets.data[2 * leg]! > 0 ? 1 : 0) | (t.packets.data[2 * leg + 1]! > 0 ? 2 : 0);
    // A capture point: the capture file, its interface, and the encapsulation seen there.
    const key = (capture * 65536 + t.keyWord(leg, 0)) * 256 + ((t.keyWord(leg, 1) >>> 8) & 0xff);
    let point = pointIds.get(key);
    if (point === undefined) pointIds.set(key, (point = pointIds.size));
    facts.point[g] = point;
  }
  return facts;
}
