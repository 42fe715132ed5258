// `natpath analyze`: load the case, collect legs from every capture, match packets across
// capture points, estimate clocks, link legs into flows, locate translations, answer.

import { type CaseRequest, loadCase } from '../case/load-case.js';
import { isCaptureKind, isSnapshotKind } from '../case/file-kind.js';
import { LinkType } from '../capture/index.js';
import { type CaptureLegs, collectLegs } from '../flow/collect-legs.js';
import type { AnalyzeReport, Answer, DiagnosticView, Flow, HostView, Translation } from '../report/analyze-model.js';
import type { Diagnostic } from '../text/diagnostic.js';
import { estimateClockOffsets } from './clock-offsets.js';
import { addressOf } from './endpoint-text.js';
import { type CaptureOnHost, addCommunityIds, describeFlow, pointLabel } from './describe-flows.js';
import { type HostKnowledge, SnapshotHostKnowledge } from './host-knowledge.js';
import { learnFromSnapshots } from './learn-host.js';
import { type LegFacts, linkLegs } from './link-legs.js';
import { globalLegIds, matchPackets } from './match-packets.js';

export interface AnalyzeOptions {
  /** Called with a file's display path and size before it is read (progress reporting)… */
  onFile?: (file: string, bytes: number) => void;
  /** …and with the byte offset reached while it is read. */
  onBytes?: (offset: number) => void;
  /** How many flows the report lists in full (multi-point ones first); 0 or absent: all. The answer and totals always cover every flow. */
  maxFlows?: number;
}

export async function runAnalyze(request: CaseRequest, options: AnalyzeOptions = {}): Promise<AnalyzeReport> {
  const input = await loadCase(request);
  const diagnostics: Diagnostic[] = [...input.diagnostics];
  const hosts: HostKnowledge[] = [];
  const captures: CaptureOnHost[] = [];
  const snapshotsByHost: string[][] = [];
  for (const [hostIndex, host] of input.hosts.entries()) {
    const knowledge = new SnapshotHostKnowledge(host.name);
    // Files natpath cannot use are said, not skipped in silence (inspect lists them in full).
    for (const file of host.files.filter((f) => f.kind === 'unrecognised')) {
      diagnostics.push({ code: 'case.file-not-used', severity: 'warning', message: `not used: ${file.reason ?? 'not a capture or a dump natpath knows'}`, place: { file: file.displayPath } });
    }
    const snapshots = host.files.filter((f) => isSnapshotKind(f.kind));
    diagnostics.push(...(await learnFromSnapshots(knowledge, host)));
    hosts.push(knowledge);
    for (const file of host.files.filter((f) => isCaptureKind(f.kind))) {
      options.onFile?.(file.displayPath, file.size);
      try {
        const legs = await collectLegs(file.path, file.displayPath, options.onBytes, file.openStream);
        nameSingleInterfacePoints(legs, knowledge);
        diagnostics.push(...legs.diagnostics);
        captures.push({ host: hostIndex, legs });
      } catch (err) {
        diagnostics.push({ code: 'capture.unreadable', severity: 'error', message: (err as Error).message, place: { file: file.displayPath } });
      }
    }
    snapshotsByHost.push(snapshots.map((f) => f.displayPath));
  }

  const { refs, firstId } = globalLegIds(captures.map((c) => c.legs));
  const pairs = [...matchPackets(captures.map((c) => c.legs), firstId).values()];
  const hostOfLeg = (g: number) => captures[refs[g]!.capture]!.host;
  const offsets = estimateClockOffsets(
    hosts.map((h) => h.name),
    hostOfLeg,
    pairs,
  );
  const facts = (g: number): LegFacts => {
    const ref = refs[g]!;
    const t = captures[ref.capture]!.legs.legs;
    const host = hostOfLeg(g);
    return {
      host,
      opener: t.opener.data[ref.leg]!,
      firstSender: t.firstSender.data[ref.leg]!,
      firstTs: t.firstTs.data[ref.leg]! - (offsets[host]?.offsetSeconds ?? 0),
      samples: t.sampleCount.data[ref.leg]!,
      point: `${ref.capture}/${t.keyWord(ref.leg, 0)}/${(t.keyWord(ref.leg, 1) >>> 8) & 0xff}`,
    };
  };
  const linked = linkLegs(refs.length, facts, pairs, offsets);
  // Flows are described one at a time and folded into the answer and totals; only those listed
  // in the report are kept, so memory follows the listing, not the capture.
  const limit = options.maxFlows !== undefined && options.maxFlows > 0 ? options.maxFlows : Infinity;
  const listedMulti: Flow[] = [];
  const listedSingle: Flow[] = [];
  const multiAnswers = new AnswerBuilder();
  const allAnswers = new AnswerBuilder();
  const counts = { multi: 0, translations: 0, unexplained: 0, leaks: 0 };
  for (const [i, l] of linked.entries()) {
    const flow = describeFlow(i + 1, l, refs, captures, hosts);
    const multi = flow.legs.length > 1 || flow.legs[0]!.hops.length > 1;
    if (multi) {
      counts.multi++;
      multiAnswers.add(flow);
      if (listedMulti.length < limit) listedMulti.push(flow);
    } else if (listedSingle.length < limit) {
      listedSingle.push(flow);
    }
    allAnswers.add(flow);
    counts.translations += flow.translations.length;
    counts.unexplained += flow.translations.filter((t) => !t.explained && t.where !== 'beyond').length;
    counts.leaks += flow.leaks.length;
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
      flows: linked.length,
      listedFlows: flows.length,
      multiPointFlows: counts.multi,
      singlePointFlows: linked.length - counts.multi,
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
    for (let leg = 0; leg < t.count; leg++) {
      if (t.keyWord(leg, 0) !== point.index) continue;
      const version = t.keyWord(leg, 1) >>> 24;
      for (const base of [3, 7]) {
        for (let i = 0; i < 4; i++) words[i] = t.keyWord(leg, base + i);
        const name = host.interfaceOfAddress(version, words);
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

/** One line per server endpoint: the source addresses it saw, tunnels crossed, translations on the way. */
class AnswerBuilder {
  private readonly byServer = new Map<string, Answer>();
  private readonly patterns = new Map<Answer, Map<string, number>>();

  add(f: Flow): void {
    const seen = f.seenByServer ?? f.lastSeen;
    // Multicast and broadcast groups are not servers anyone whitelists for.
    if (isGroupAddress(addressOf(seen.dst))) return;
    const key = `${f.proto} ${seen.dst}`;
    let line = this.byServer.get(key);
    if (line === undefined) {
      line = { server: seen.dst, proto: f.proto, sources: [], seenAtServer: f.seenByServer !== null, lastCapturePoints: [], flows: 0, tunnels: [], translations: [], leaks: [] };
      this.byServer.set(key, line);
      this.patterns.set(line, new Map());
    }
    line.flows++;
    const source = addressOf(seen.src);
    if (!line.sources.includes(source)) line.sources.push(source);
    line.seenAtServer ||= f.seenByServer !== null;
    if (!line.lastCapturePoints.includes(f.lastCapturePoint)) line.lastCapturePoints.push(f.lastCapturePoint);
    for (const t of f.tunnels) if (!line.tunnels.includes(t)) line.tunnels.push(t);
    for (const leak of f.leaks) {
      const text = `${leak.field === 'src' ? 'source' : 'destination'} ${leak.address} (cluster-internal: ${leak.range}) seen at ${leak.host}:${leak.interface}`;
      if (!line.leaks.includes(text)) line.leaks.push(text);
    }
    const perLine = this.patterns.get(line)!;
    for (const t of f.translations) {
      const text = translationPattern(t);
      perLine.set(text, (perLine.get(text) ?? 0) + 1);
    }
  }

  result(): Answer[] {
    for (const [line, perLine] of this.patterns) {
      line.translations = [...perLine].map(([text, n]) => (line.flows > 1 ? `${text} (${n} of ${line.flows} flows)` : text));
    }
    return [...this.byServer.values()];
  }
}

/** A translation without its ports, so the flows of one server share one line: "SNAT 10.244.1.2 → 10.0.0.11 on node1 between cni0 and eth0". */
function translationPattern(t: Translation): string {
  const [from, to] = t.kind === 'SNAT' ? [t.before.src, t.after.src] : [t.before.dst, t.after.dst];
  const change = `${t.kind} ${addressOf(from)} → ${addressOf(to)}`;
  const [a, b] = t.between;
  const where =
    t.where === 'on-host'
      ? `on ${t.host} between ${a.slice(a.indexOf(':') + 1)} and ${b.slice(b.indexOf(':') + 1)}`
      : t.where === 'host'
        ? `on ${t.host} (between ${a} and ${b})`
        : t.where === 'beyond'
          ? `beyond the captured hosts, between ${a} and ${b}`
          : `between ${a} and ${b}`;
  const rule = t.rule !== null ? ` by ${t.rule.table}/${t.rule.chain} rule ${t.rule.ruleNumber} (${t.rule.target})` : '';
  return `${change} ${where}${rule}`;
}

function isGroupAddress(address: string): boolean {
  if (address.includes(':')) return address.toLowerCase().startsWith('ff');
  const first = Number(address.slice(0, address.indexOf('.')));
  return (first >= 224 && first <= 239) || address === '255.255.255.255';
}

