// `natpath analyze`: load the case, collect legs from every capture, match packets across
// capture points, estimate clocks, link legs into flows, locate translations, answer.

import { type CaseRequest, loadCase } from '../case/load-case.js';
import { isCaptureKind, isSnapshotKind } from '../case/file-kind.js';
import { LinkType } from '../capture/index.js';
import type { CaptureLegs } from '../flow/collect-legs.js';
import { type CollectTask, collectAllLegs } from '../flow/collect-parallel.js';
import type { AnalyzeReport, DiagnosticView, Flow, HostView } from '../report/analyze-model.js';
import { AnswerBuilder, type AnswerShare, answerShareOf } from '../match/answer-builder.js';
import type { Diagnostic } from '../text/diagnostic.js';
import { type ClockOffset, estimateClockOffsets } from '../match/clock-offsets.js';
import { type CaptureOnHost, addCommunityIds, describeFlow, pointLabel } from '../match/describe-flows.js';
import { type HostKnowledge, SnapshotHostKnowledge } from '../match/host-knowledge.js';
import { learnFromSnapshots } from '../match/learn-host.js';
import { sourcePortMatters } from '../match/explain-translations.js';
import { FlowShapes } from '../match/flow-shapes.js';
import { type LegFacts, linkLegs } from '../match/link-legs.js';
import { LegIds, matchPackets } from '../match/match-packets.js';
import { tunnelPortsOf } from '../route/index.js';

export interface AnalyzeOptions {
  /** Called with a label (a file's display path, or "N captures" when read at once) and its bytes before reading… */
  onFile?: (file: string, bytes: number) => void;
  /** …and with the bytes read so far. */
  onBytes?: (offset: number) => void;
  /** How many flows the report lists in full (multi-point ones first); 0 or absent: all. The answer and totals always cover every flow. */
  maxFlows?: number;
  /** Captures read at once on worker threads (default 1: one by one on this thread). */
  threads?: number;
  /** Below this many capture bytes in all, captures are read on this thread (tests set 0). */
  parallelFromBytes?: number;
  /** The capture worker's script (tests point at the built one). */
  collectWorkerUrl?: URL;
  /** Told when a capture worker could not run (the capture is then read on this thread). */
  onWorkerFailure?: (file: string, why: string) => void;
  /** Describe every flow for the answer instead of one per shape (tests prove the two agree). */
  describeEveryFlow?: boolean;
}

export async function runAnalyze(request: CaseRequest, options: AnalyzeOptions = {}): Promise<AnalyzeReport> {
  const input = await loadCase(request);
  const hosts: HostKnowledge[] = [];
  const snapshotsByHost: string[][] = [];
  // Per host, in order: its files' problems, then its captures' (read below, all hosts at once).
  const hostDiagnostics: Diagnostic[][] = [];
  const tasks: Array<CollectTask & { host: number }> = [];
  for (const [hostIndex, host] of input.hosts.entries()) {
    const knowledge = new SnapshotHostKnowledge(host.name);
    const said: Diagnostic[] = [];
    // Files natpath cannot use are said, not skipped in silence (inspect lists them in full).
    for (const file of host.files.filter((f) => f.kind === 'unrecognised')) {
      said.push({ code: 'case.file-not-used', severity: 'warning', message: `not used: ${file.reason ?? 'not a capture or a dump natpath knows'}`, place: { file: file.displayPath } });
    }
    said.push(...(await learnFromSnapshots(knowledge, host)));
    hosts.push(knowledge);
    hostDiagnostics.push(said);
    const captureFiles = host.files.filter((f) => isCaptureKind(f.kind));
    const tunnels = tunnelPortsOf(knowledge.model?.interfaces ?? []);
    if (tunnels.notes.length > 0 && captureFiles.length > 0) {
      said.push({
        code: 'case.tunnel-ports', severity: 'info',
        message: `host ${host.name}'s captures are decoded with its own tunnel ports: ${tunnels.notes.join('; ')}`,
        place: { file: captureFiles[0]!.displayPath },
      });
    }
    for (const file of captureFiles) {
      tasks.push({ host: hostIndex, path: file.path, displayPath: file.displayPath, size: file.size, openStream: file.openStream, tunnelPorts: tunnels.ports });
    }
    snapshotsByHost.push(host.files.filter((f) => isSnapshotKind(f.kind)).map((f) => f.displayPath));
  }
  const collected = await collectAllLegs(tasks, {
    threads: options.threads,
    parallelFromBytes: options.parallelFromBytes,
    workerUrl: options.collectWorkerUrl,
    onStart: options.onFile,
    onBytes: options.onBytes,
    onWorkerFailure: (task, why) => options.onWorkerFailure?.(task.displayPath, why),
  });
  const captures: CaptureOnHost[] = [];
  for (const [i, result] of collected.entries()) {
    const task = tasks[i]!;
    if (result instanceof Error) {
      hostDiagnostics[task.host]!.push({ code: 'capture.unreadable', severity: 'error', message: result.message, place: { file: task.displayPath } });
      continue;
    }
    nameSingleInterfacePoints(result, hosts[task.host]!);
    hostDiagnostics[task.host]!.push(...result.diagnostics);
    captures.push({ host: task.host, legs: result });
  }
  const diagnostics: Diagnostic[] = [...input.diagnostics, ...hostDiagnostics.flat()];

  const legSets = captures.map((c) => c.legs);
  const ids = new LegIds(legSets);
  const pairs = matchPackets(legSets, ids);
  const hostOfLeg = (g: number) => captures[ids.capture[g]!]!.host;
  const offsets = estimateClockOffsets(
    hosts.map((h) => h.name),
    hostOfLeg,
    pairs,
  );
  const linked = linkLegs(legFacts(ids, captures, offsets), pairs, offsets);
  // Flows are folded into the answer and totals one at a time; only those listed in the report
  // are described in full and kept, so memory follows the listing, not the capture. Flows of
  // one shape (differing only in client port, counts, times) answer alike: the first of each
  // shape is described and what it adds to the answer serves the others.
  const limit = options.maxFlows !== undefined && options.maxFlows > 0 ? options.maxFlows : Infinity;
  const listedMulti: Flow[] = [];
  const listedSingle: Flow[] = [];
  const multiAnswers = new AnswerBuilder();
  const allAnswers = new AnswerBuilder();
  const counts = { multi: 0, translations: 0, unexplained: 0, leaks: 0 };
  const shapes = new FlowShapes(ids, captures, hosts.some((h) => h.model !== null && sourcePortMatters(h.model)));
  // What each shape adds, and how many flows have it, in the order shapes first appear: adding
  // a shape's share once with its count gives the answer adding it per flow would (its items
  // are the same each time), for a fraction of the work.
  const shares: AnswerShare[] = [];
  const shapesInOrder: AnswerShare[] = [];
  const countOf = new Map<AnswerShare, number>();
  for (let i = 0; i < linked.count; i++) {
    const shape = options.describeEveryFlow === true ? -1 : shapes.shapeOf(linked, i);
    let described: Flow | null = null;
    let share = shape < 0 ? undefined : shares[shape];
    if (share === undefined) {
      described = describeFlow(i + 1, linked.flow(i), ids, captures, hosts);
      share = answerShareOf(described);
      if (shape >= 0) shares[shape] = share;
      shapesInOrder.push(share);
    }
    const listed = share.multiPoint ? listedMulti : listedSingle;
    if (listed.length < limit) listed.push(described ?? describeFlow(i + 1, linked.flow(i), ids, captures, hosts));
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
  const flows = [...listedMulti, ...listedSingle.slice(0, Math.max(0, limit - listedMulti.length))].sort((a, b) => a.id - b.id);
  for (const flow of flows) addCommunityIds(flow);

  const hostViews: HostView[] = input.hosts.map((host, i) => {
    const offset = offsets[i]!;
    const known = offset.basis !== 'unknown';
    return {
      name: host.name,
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
      snapshots: snapshotsByHost[i] ?? [],
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
    answers: (counts.multi > 0 ? multiAnswers : allAnswers).result(),
    hosts: hostViews,
    flows,
    diagnostics: diagnostics.map(viewDiagnostic),
    totals: {
      flows: linked.count,
      listedFlows: flows.length,
      multiPointFlows: counts.multi,
      singlePointFlows: linked.count - counts.multi,
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
  if (d.count !== undefined) view.count = d.count;
  return view;
}

/** What linking needs of every leg, column-wise, first times on the reference clock. */
function legFacts(ids: LegIds, captures: CaptureOnHost[], offsets: ClockOffset[]): LegFacts {
  const n = ids.count;
  const facts: LegFacts = {
    host: new Uint16Array(n),
    opener: new Uint8Array(n),
    firstSender: new Uint8Array(n),
    firstTs: new Float64Array(n),
    samples: new Uint32Array(n),
    point: new Int32Array(n),
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
    facts.firstTs[g] = t.firstTs.data[leg]! - (offsets[c.host]?.offsetSeconds ?? 0);
    facts.samples[g] = t.sampleCount.data[leg]!;
    // A capture point: the capture file, its interface, and the encapsulation seen there.
    const key = (capture * 65536 + t.keyWord(leg, 0)) * 256 + ((t.keyWord(leg, 1) >>> 8) & 0xff);
    let point = pointIds.get(key);
    if (point === undefined) pointIds.set(key, (point = pointIds.size));
    facts.point[g] = point;
  }
  return facts;
}
