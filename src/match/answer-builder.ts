// The answer: one line per server endpoint with the source addresses it saw, the tunnels crossed
// and the translations on the way. Built from what each flow adds to it (an AnswerShare), which
// like flows share: a busy case has thousands of connections of a few shapes.

import type { Answer, Flow, FlowAmbiguity, LastSeen, TranslatedBeyond, Translation, Untranslated, RelatedTranslation } from './flow-model.js';
import { addressOf } from './endpoint-text.js';
import { describeStepRule } from '../sim/state.js';

/** What one flow adds to the answer and to the report's totals. */
export interface AnswerShare {
  /** Null for multicast and broadcast groups: not servers anyone whitelists for. */
  key: string | null;
  server: string;
  proto: string;
  source: string;
  seenAtServer: boolean;
  lastCapturePoint: string;
  /** Where and as what the flow was last seen when that was not at the server (flows: 1). */
  lastSeen: LastSeen | null;
  tunnels: string[];
  leaks: string[];
  /** Where the flow left a host untranslated, and why (untranslatedText). */
  untranslated: string[];
  /** Each translation without its ports, so the flows of one server share one line. */
  patterns: string[];
  /**
   * Not captured at the server, its continuation ambiguous (flow.ambiguous), and some candidate
   * shows another source: what it shows may be the middle of another flow's path, so it is kept
   * out of the line's sources. (Candidates that show its source do not contradict it.)
   */
  ambiguous: boolean;
  /** Which end is the client is only a guess (flow.orientation.guessed): the line must not say who sees whom on it. */
  orientationGuessed: boolean;
  /** The other end as last seen (what `source` holds): what a guessed line names instead of a source. */
  peer: string;
  /** Seen at more than one capture point. */
  multiPoint: boolean;
  translations: number;
  unexplained: number;
  leakCount: number;
}

export function answerShareOf(f: Flow): AnswerShare {
  const seen = f.seenByServer ?? f.lastSeen;
  return {
    key: isGroupAddress(addressOf(seen.dst)) ? null : `${f.proto} ${seen.dst}`,
    server: seen.dst,
    proto: f.proto,
    source: addressOf(seen.src),
    seenAtServer: f.seenByServer !== null,
    lastCapturePoint: f.lastCapturePoint,
    lastSeen:
      f.seenByServer !== null || f.translatedBeyond === null
        ? null
        : { capturePoint: f.lastCapturePoint, src: addressOf(f.lastSeen.src), flows: 1, translatedBeyond: f.translatedBeyond, reason: f.translatedBeyondReason ?? '' },
    tunnels: f.tunnels,
    leaks: f.leaks.map(
      (leak) => `${leak.field === 'src' ? 'source' : 'destination'} ${leak.address} (cluster-internal: ${leak.range}) seen at ${leak.host}:${leak.interface}`,
    ),
    untranslated: f.untranslated.map(untranslatedText),
    patterns: f.translations.map(translationPattern),
    ambiguous: f.seenByServer === null && f.ambiguous !== null && contradictedByCandidates(f, f.ambiguous),
    orientationGuessed: f.orientation.guessed,
    peer: addressOf(seen.src),
    multiPoint: f.legs.length > 1 || f.legs[0]!.hops.length > 1,
    translations: f.translations.length,
    unexplained: f.translations.filter((t) => !t.explained && t.where !== 'beyond').length,
    leakCount: f.leaks.length,
  };
}

export class AnswerBuilder {
  private readonly byServer = new Map<string, Answer>();
  private readonly patterns = new Map<Answer, Map<string, number>>();

  /** Adds `flows` flows that share `share` (the same as adding it that many times). */
  add(share: AnswerShare, flows = 1): void {
    if (share.key === null) return;
    let line = this.byServer.get(share.key);
    if (line === undefined) {
      line = {
        server: share.server, proto: share.proto, sources: [], seenAtServer: true, lastSeen: [], translatedBeyond: null, translatedBeyondReason: null,
        lastCapturePoints: [], flows: 0, tunnels: [], translations: [], leaks: [], untranslated: [], ambiguous: null, orientationGuessed: null,
      };
      this.byServer.set(share.key, line);
      this.patterns.set(line, new Map());
    }
    if (share.ambiguous) {
      // What an ambiguous fragment shows may be the middle of another flow's path: the line
      // rests on the flows evidence placed, and counts these apart.
      line.ambiguous ??= { flows: 0, capturePoints: [], reason: '' };
      line.ambiguous.flows += flows;
      addOnce(line.ambiguous.capturePoints, share.lastCapturePoint);
      return;
    }
    if (share.orientationGuessed) {
      // Which end is the client is a guess: "X sees Y" could be the wrong way round.
      line.orientationGuessed ??= { flows: 0, peers: [], capturePoints: [], reason: '' };
      line.orientationGuessed.flows += flows;
      addOnce(line.orientationGuessed.peers, share.peer);
      addOnce(line.orientationGuessed.capturePoints, share.lastCapturePoint);
      return;
    }
    line.flows += flows;
    addOnce(line.sources, share.source);
    // One flow not captured at the server is enough not to claim what the server saw.
    line.seenAtServer &&= share.seenAtServer;
    if (share.lastSeen !== null) addLastSeen(line, share.lastSeen, flows);
    addOnce(line.lastCapturePoints, share.lastCapturePoint);
    for (const t of share.tunnels) addOnce(line.tunnels, t);
    for (const leak of share.leaks) addOnce(line.leaks, leak);
    for (const u of share.untranslated) addOnce(line.untranslated, u);
    const perLine = this.patterns.get(line)!;
    for (const text of share.patterns) perLine.set(text, (perLine.get(text) ?? 0) + flows);
  }

  result(): Answer[] {
    for (const [line, perLine] of this.patterns) {
      if (line.ambiguous !== null) line.ambiguous.reason = ambiguityText(line.ambiguous.flows, line.ambiguous.capturePoints);
      if (line.orientationGuessed !== null) line.orientationGuessed.reason = guessedText(line.server, line.orientationGuessed);
      // A line of ambiguous (or guessed) flows only rests on nothing: it claims no source.
      if (line.flows === 0) line.seenAtServer = false;
      line.translations = [...perLine].map(([text, n]) => (line.flows > 1 ? `${text} (${n} of ${line.flows} flows)` : text));
    }
    return [...this.byServer.values()];
  }
}

/** Whether a candidate shows another source than the flow's last one (unlisted candidates may). */
function contradictedByCandidates(f: Flow, a: FlowAmbiguity): boolean {
  const own = addressOf(f.lastSeen.src);
  return a.candidateCount > a.candidates.length || a.candidates.some((c) => addressOf(c.lastSeen.src) !== own);
}

function ambiguityText(flows: number, points: string[]): string {
  const these = flows === 1 ? 'flow' : 'flows';
  return (
    `${flows} ${these} last seen at ${points.join(', ')} shared repeated packets with other flows that show another source, and the evidence cannot ` +
    `tell which of them ${flows === 1 ? 'continues it' : 'continue them'}: left out of this answer (each flow names its candidates)`
  );
}

function guessedText(server: string, g: { flows: number; peers: string[]; capturePoints: string[] }): string {
  const these = g.flows === 1 ? 'flow' : 'flows';
  return (
    `${g.flows} ${these} last seen at ${g.capturePoints.join(', ')}: which end is the client is a guess (no TCP handshake and no conntrack entry, ` +
    `only the first captured packet), so ${server} may be the client: no answer is claimed on them (flows[].orientation)`
  );
}

const CERTAINTY: Record<TranslatedBeyond, number> = { certain: 2, likely: 1, 'no evidence': 0 };

function addLastSeen(line: Answer, seen: LastSeen, flows: number): void {
  const same = line.lastSeen.find((x) => x.capturePoint === seen.capturePoint && x.src === seen.src && x.translatedBeyond === seen.translatedBeyond);
  if (same !== undefined) same.flows += flows;
  else line.lastSeen.push({ ...seen, flows });
  // The line says the strongest: one flow certainly translated again is enough to doubt the sources.
  if (line.translatedBeyond === null || CERTAINTY[seen.translatedBeyond] > CERTAINTY[line.translatedBeyond]) {
    line.translatedBeyond = seen.translatedBeyond;
    line.translatedBeyondReason = seen.reason;
  }
}

function addOnce(list: string[], item: string): void {
  if (!list.includes(item)) list.push(item);
}

/**
 * An ICMP error's translation, without flow ids (the errors of many flows share an answer line):
 * the rule that made the quoted flows' mapping, or, when their mappings differ, each of them.
 */
function relatedText(r: RelatedTranslation, host: string | null): string {
  if (r.flows.length === 0) return 'by conntrack as RELATED to a flow not in the case';
  const proto = r.flowText.slice(r.flowText.indexOf('(') + 1).split(' ')[0];
  if (r.mappings.length > 1) {
    const each = r.mappings.map((m) => (m.rule !== null ? `${describeStepRule(m.rule)} (${m.rule.target})` : m.translated ? 'no rule named' : `not translated on ${host}`));
    return `by conntrack as RELATED to the ${proto} flows it quotes, whose mappings differ: ${each.join(', ')}`;
  }
  const rule = r.mappingRule === null ? '' : `, mapped by ${describeStepRule(r.mappingRule)} (${r.mappingRule.target})`;
  return `by conntrack as RELATED to the ${proto} flow it quotes${rule}`;
}

/** A translation without its ports: "SNAT 10.244.1.2 → 10.0.0.11 on node1 between cni0 and eth0". */
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
  const rule = t.rule !== null ? ` by ${describeStepRule(t.rule)} (${t.rule.target})` : t.related !== null ? ` ${relatedText(t.related, t.host)}` : '';
  return `${change} ${where}${rule}`;
}

/**
 * Why a flow left a host untranslated, in one line without ports (flows of one server share it):
 * "left natgw:eth1 untranslated as 10.244.1.2: nat/POSTROUTING rule 1 (SNAT --to-source 203.0.113.7)
 * excluded by -s 10.0.0.0/24". The rule's full text and file:line are in the flow's `untranslated`.
 */
export function untranslatedText(u: Untranslated): string {
  const head = `left ${u.capturePoint} untranslated as ${u.src}`;
  if (u.related !== null) {
    // An ICMP error: no nat rule sees it; the entries of the flows it quotes would have rewritten it.
    const why =
      u.related.flows.length === 0
        ? 'the flow it quotes is not in the case'
        : u.related.translatedHere.length === 0
          ? `${u.host}'s entry of the flow it quotes holds no mapping that rewrites it`
          : `${u.host}'s entry of the flow it quotes would have rewritten it, so that entry was gone or the error untracked`;
    return `${head}: an ICMP error meets no nat rule (conntrack RELATED), and ${why}`;
  }
  if (u.rule === null) return `${head}: no SNAT or MASQUERADE rule in ${u.host}'s nat table would translate it`;
  const jump = u.rule.text.indexOf(' -j ');
  const rule = `${u.rule.table}/${u.rule.chain} rule ${u.rule.ruleNumber} (${jump === -1 ? u.rule.text : u.rule.text.slice(jump + 4)})`;
  if (u.excludedBy.length > 0) return `${head}: ${rule} excluded by ${u.excludedBy.join(' and ')}`;
  return `${head}: ${rule} not reached — ${u.notReachedBecause ?? 'the walk did not reach it'}`;
}

function isGroupAddress(address: string): boolean {
  if (address.includes(':')) return address.toLowerCase().startsWith('ff');
  const first = Number(address.slice(0, address.indexOf('.')));
  return (first >= 224 && first <= 239) || address === '255.255.255.255';
}
