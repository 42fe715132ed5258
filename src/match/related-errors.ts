// ICMP errors and the flows they quote. Conntrack files an ICMP error under the connection of the
// datagram it quotes (RELATED), and NAT rewrites the error's outer addresses and its quoted header
// from that connection's mapping: nf_nat_ipv4_fn hands RELATED ICMP to
// nf_nat_icmp_reply_translation and returns before nf_nat_inet_fn, which is where nat chains run.
// So an error is never translated by a nat rule of its own: this module finds the flow it quotes
// and names it, and through it the rule that made that flow's mapping (docs/analyze.md).

import type { CaptureLegs } from '../flow/collect-legs.js';
import { endpointText, protoName } from './endpoint-words.js';
import { addressOf } from './endpoint-text.js';
import { legsLeftUntranslated } from './explain-no-translation.js';
import type { Flow, IcmpErrorFacts, RelatedMapping, RuleRef, Translation } from './flow-model.js';
import type { LinkedFlows } from './link-legs.js';
import type { LegIds } from './match-packets.js';
import { QUOTE_ADDRESSES, QUOTE_PORTS, type LegTable } from '../flow/leg-table.js';
import { describeStepRule } from '../sim/state.js';

/** A leg of an error flow: describe-flows.ts's OrientedLeg (this module is below it: describeFlow calls it). */
interface ErrorLeg {
  capture: number;
  leg: number;
  version: number;
}

/** describe-flows.ts's CaptureOnHost. */
interface CaptureOnHost {
  legs: CaptureLegs;
}

/** A quote row of an error leg's capture, and that leg's IP version. */
interface QuoteAt {
  capture: number;
  version: number;
  quote: number;
}

/** The flows (0-based) an error flow's quotes name, the first quote that named each, and how they were found. */
interface QuotedFlows {
  flows: number[];
  firstQuote: Map<number, QuoteAt>;
  reason: string;
}

/** A quoted flow described in full, with its quote as sent (null when cut before its IP header). */
interface QuotedFlow {
  flow: Flow;
  quote: IcmpErrorFacts['quoted'];
}

/** Quoted flows described for their rule, kept for the errors that follow: bounded, cleared when full. */
const MAX_QUOTED_KEPT = 4096;

/** The error flow's first leg that carried ICMP errors: the first error's type and quote; null for other flows. */
export function icmpErrorFacts(oriented: ErrorLeg[], captures: CaptureOnHost[]): IcmpErrorFacts | null {
  for (const o of oriented) {
    const t = captures[o.capture]!.legs.legs;
    const row = t.errorRow(o.leg);
    if (row < 0) continue;
    const kind = t.errorKind.data[row]!;
    const type = kind >>> 8;
    const code = kind & 0xff;
    const first = t.errorFirstQuote.data[row]!;
    return {
      type,
      code,
      name: icmpErrorName(o.version, type, code),
      quoted: first < 0 ? null : quoteText(o.version, t, first),
      quotes: t.errorQuoteCount.data[row]!,
      quotesNotKept: t.errorQuotesDropped.data[row]!,
      relatedFlows: [],
      reason: 'not related yet',
    };
  }
  return null;
}

/** A quote row as text, as it was sent; null when cut before its IP header. */
function quoteText(version: number, t: LegTable, q: number): IcmpErrorFacts['quoted'] {
  const fields = t.quoteFields.data[q]!;
  if ((fields & QUOTE_ADDRESSES) === 0) return null;
  const proto = t.quoteProto.data[q]!;
  const ports = t.quotePorts.data[q]!;
  const complete = (fields & QUOTE_PORTS) !== 0;
  // Without ports the endpoints are addresses alone (endpointText prints no port for protocol 0).
  const shown = complete ? proto : 0;
  return {
    proto: protoName(proto),
    src: endpointText(version, t.quoteSrc.data.subarray(q * 4, q * 4 + 4), ports >>> 16, shown),
    dst: endpointText(version, t.quoteDst.data.subarray(q * 4, q * 4 + 4), ports & 0xffff, shown),
    complete,
  };
}

/** One analysis's error flows and the flows they quote. */
export class RelatedErrors {
  private flowOfLeg: Int32Array | null = null;
  private readonly quotedFlows = new Map<number, Flow>();
  private readonly describing = new Set<number>();

  /** `describe` describes flow f (0-based) in full; describe-flows.ts's describeFlow, given by the caller (it calls back here). */
  constructor(
    private readonly linked: LinkedFlows,
    private readonly ids: LegIds,
    private readonly captures: CaptureOnHost[],
    private readonly describe: (f: number, related: RelatedErrors) => Flow,
  ) {}

  /** Relates an error flow to the flows it quotes and explains its translations by their conntrack entries. */
  explain(flow: Flow, oriented: ErrorLeg[]): void {
    const facts = flow.icmpError!;
    const found = this.findQuotedFlows(oriented, facts);
    facts.relatedFlows = found.flows.map((f) => f + 1);
    facts.reason = found.reason;
    // Every quoted flow, described in full for its translations, with the quote that named it: the
    // errors of one flow quote connections that may each have been mapped by another rule.
    const quoted = found.flows.flatMap((f) => {
      const described = this.describeQuoted(f);
      return described === null ? [] : [{ flow: described, quote: this.quoteNaming(found.firstQuote.get(f)!) }];
    });
    const head = found.flows.length === 0 ? undefined : quoted.find((q) => q.flow.id === found.flows[0]! + 1)?.flow;
    const rest = facts.relatedFlows.slice(1);
    const more = rest.length > 0 ? ` and ${rest.length} more (${rest.slice(0, 5).map((id) => `flow ${id}`).join(', ')}${rest.length > 5 ? ', …' : ''})` : '';
    const flowText =
      head !== undefined
        ? `flow ${head.id} (${head.proto} ${head.client} → ${head.server})${more}`
        : facts.quoted !== null
          ? `the quoted ${facts.quoted.proto} ${facts.quoted.src} → ${facts.quoted.dst}`
          : 'a quote cut before its IP header';
    for (const t of flow.translations) {
      if (t.where !== 'on-host' && t.where !== 'host') continue;
      const mappings = mappingsOf(quoted, t);
      const one = mappings.length === 1 ? mappings[0]! : null;
      t.rule = null;
      t.explained = head !== undefined;
      t.related = { flows: facts.relatedFlows, flowText, mappingRule: one?.rule ?? null, mappings };
      t.note =
        head !== undefined
          ? `conntrack rewrote these ICMP ${facts.name} errors (addresses and the header they quote) as RELATED to ${flowText}${mappingsNote(mappings, t.host)}; no nat rule sees such a packet`
          : `an ICMP error is rewritten by the conntrack entry of the flow it quotes (RELATED), never by a nat rule, but ${found.reason}`;
    }
    explainUntranslated(flow, quoted);
  }

  /**
   * The flows whose packets the errors quote: at each of the error's capture points, for each
   * distinct quote, the connection with the quoted endpoints there that was open when the first
   * such error passed (a connection that began after it is a later one on the same ports).
   */
  private findQuotedFlows(oriented: ErrorLeg[], facts: IcmpErrorFacts): QuotedFlows {
    const points = new Map<number, number>();
    const firstQuote = new Map<number, QuoteAt>();
    let readable = 0;
    let cut = 0;
    let headerCut = 0;
    let unmatched = 0;
    for (const o of oriented) {
      const t = this.captures[o.capture]!.legs.legs;
      const row = t.errorRow(o.leg);
      if (row < 0) continue;
      for (let q = t.errorFirstQuote.data[row]!; q >= 0; q = t.quoteNext.data[q]!) {
        const fields = t.quoteFields.data[q]!;
        const proto = t.quoteProto.data[q]!;
        if ((fields & QUOTE_ADDRESSES) === 0) {
          headerCut++;
          continue;
        }
        if ((fields & QUOTE_PORTS) === 0 && portsKeyed(proto)) {
          cut++;
          continue;
        }
        readable++;
        const f = this.quotedFlowAt(o, t, q);
        if (f < 0) unmatched++;
        else {
          points.set(f, (points.get(f) ?? 0) + 1);
          if (!firstQuote.has(f)) firstQuote.set(f, { capture: o.capture, version: o.version, quote: q });
        }
      }
    }
    const quote = facts.quoted === null ? 'the quote' : `the quote (${facts.quoted.proto} ${facts.quoted.src} → ${facts.quoted.dst})`;
    if (points.size === 0) {
      if (readable === 0) {
        if (cut > 0) return { flows: [], firstQuote, reason: `${quote} was cut short before the ports that name a connection, at every capture point` };
        return { flows: [], firstQuote, reason: headerCut > 0 ? "the errors' quotes were cut short inside their IP header, at every capture point: they name no connection" : 'the errors quote nothing natpath could read' };
      }
      return { flows: [], firstQuote, reason: `no flow of the case holds ${quote.slice(4)} at the errors' capture points, open when the error passed: the flow it belongs to was not captured` };
    }
    const flows = [...points.keys()].sort((a, b) => a - b);
    const partly = unmatched + cut + headerCut > 0 ? `; ${unmatched + cut + headerCut} quote(s) at some capture point named no flow there (cut short, or that point's connection was superseded by a later one on the same ports)` : '';
    const notKept = facts.quotesNotKept > 0 ? `; ${facts.quotesNotKept} error(s) at the first capture point quoted further connections, not kept` : '';
    return {
      flows,
      firstQuote,
      reason: `${readable - unmatched} of the ${readable} quote(s) read at the capture points name ${flows.length === 1 ? 'it' : 'them'}${partly}${notKept}`,
    };
  }

  /** The flow of the connection with quote q's endpoints at the error leg's capture point, open when the quote first passed; -1 when none. */
  private quotedFlowAt(o: ErrorLeg, t: LegTable, q: number): number {
    const ports = t.quotePorts.data[q]!;
    const w1 = t.keyWord(o.leg, 1);
    const leg = t.findLeg(
      t.keyWord(o.leg, 0),
      o.version,
      t.quoteProto.data[q]!,
      (w1 >>> 8) & 0xff,
      t.keyWord(o.leg, 2),
      t.quoteSrc.data.subarray(q * 4, q * 4 + 4),
      ports >>> 16,
      t.quoteDst.data.subarray(q * 4, q * 4 + 4),
      ports & 0xffff,
    );
    if (leg < 0 || t.firstTs.data[leg]! > t.quoteTs.data[q]!) return -1;
    return this.flowOf(this.ids.firstId[o.capture]! + leg);
  }

  private flowOf(globalLeg: number): number {
    if (this.flowOfLeg === null) {
      const of = new Int32Array(this.ids.count).fill(-1);
      const { start, legs } = this.linked;
      for (let f = 0; f < this.linked.count; f++) for (let k = start[f]!; k < start[f + 1]!; k++) of[legs[k]!] = f;
      this.flowOfLeg = of;
    }
    return this.flowOfLeg[globalLeg]!;
  }

  private quoteNaming(at: QuoteAt): IcmpErrorFacts['quoted'] {
    return quoteText(at.version, this.captures[at.capture]!.legs.legs, at.quote);
  }

  /** A quoted flow described in full (for its rules), once; null for a flow being described (an error quoting an error flow). */
  private describeQuoted(f: number): Flow | null {
    const kept = this.quotedFlows.get(f);
    if (kept !== undefined) return kept;
    if (this.describing.has(f)) return null;
    this.describing.add(f);
    const flow = this.describe(f, this);
    this.describing.delete(f);
    if (this.quotedFlows.size >= MAX_QUOTED_KEPT) this.quotedFlows.clear();
    this.quotedFlows.set(f, flow);
    return flow;
  }
}

/** Protocols whose conntrack tuple (and leg key) holds ports: a quote without them names no connection. */
function portsKeyed(proto: number): boolean {
  return proto === 6 || proto === 17 || proto === 132 || proto === 1 || proto === 58;
}

/**
 * The quoted flows' mappings on the error translation's host, one entry per distinct mapping, in
 * flow order: each quoted connection has its own entry, made by whichever rule matched its first
 * packet, and the errors quoting it are rewritten from that entry alone.
 */
function mappingsOf(quoted: QuotedFlow[], t: Translation): RelatedMapping[] {
  const byKey = new Map<string, RelatedMapping>();
  for (const q of quoted) {
    const mapping = mappingOf(q, t);
    const rule = mapping?.rule ?? null;
    const key = mapping === null ? 'not translated' : rule === null ? 'no rule' : ruleKey(rule);
    const entry = byKey.get(key);
    if (entry !== undefined) entry.flows.push(q.flow.id);
    else byKey.set(key, { flows: [q.flow.id], translated: mapping !== null, rule });
  }
  return [...byKey.values()];
}

/** One rule's identity across flows described apart (their RuleRefs are separate objects). */
function ruleKey(r: RuleRef): string {
  return [r.host, r.family, r.table, r.chain, r.ruleNumber, r.file, r.line, r.jsonPath, r.text].join('\u0000');
}

/**
 * The quoted flow's translation on the same host that the error's translation undoes or repeats:
 * an error travelling the way the quoted packet's flow was opened (the quote is a reply) gets the
 * same kind; one travelling back toward its client (the quote is a request) gets the other kind.
 */
function mappingOf(q: QuotedFlow, t: Translation): Translation | null {
  const own = q.flow.translations.filter((x) => x.host === t.host);
  if (own.length === 0) return null;
  const kind = quoteIsRequest(q) ? (t.kind === 'SNAT' ? 'DNAT' : 'SNAT') : t.kind;
  return own.find((x) => x.kind === kind) ?? own[0]!;
}

/** Whether the quote is a packet the quoted flow's client sent (its hops hold those endpoints that way round). */
function quoteIsRequest({ flow, quote }: QuotedFlow): boolean {
  return quote !== null && flow.legs.some((l) => l.hops.some((h) => h.src === quote.src && h.dst === quote.dst));
}

/** The note's words for the quoted flows' mappings on the host: one rule, none, or each mapping with its flows when they differ. */
function mappingsNote(mappings: RelatedMapping[], host: string | null): string {
  const one = (m: RelatedMapping): string => (m.rule !== null ? `${describeStepRule(m.rule)} (${m.rule.target})` : m.translated ? 'no rule natpath names' : `no mapping (${host} did not translate ${m.flows.length === 1 ? 'it' : 'them'})`);
  if (mappings.length === 0) return '';
  if (mappings.length === 1) {
    const m = mappings[0]!;
    return m.rule !== null ? `, whose mapping ${one(m)} made` : m.translated ? '' : `, which ${host} did not translate`;
  }
  const flows = (ids: number[]): string => `${ids.length === 1 ? 'flow' : 'flows'} ${ids.join(', ')}`;
  return `, whose mappings on ${host} differ: ${mappings.map((m) => `${flows(m.flows)} by ${one(m)}`).join(', ')}`;
}

/** Words for the ICMP errors (RFC 792, RFC 4443). */
function icmpErrorName(version: number, type: number, code: number): string {
  if (version === 6) {
    if (type === 1) return ['no route (destination unreachable)', 'administratively prohibited', 'beyond scope of source address', 'address unreachable', 'port unreachable'][code] ?? `destination unreachable (code ${code})`;
    return ['', '', 'packet too big', 'hop limit exceeded', 'parameter problem'][type] || `error type ${type}`;
  }
  if (type === 3) {
    const names: Record<number, string> = { 0: 'net unreachable', 1: 'host unreachable', 2: 'protocol unreachable', 3: 'port unreachable', 4: 'fragmentation needed', 13: 'communication administratively prohibited' };
    return names[code] ?? `destination unreachable (code ${code})`;
  }
  if (type === 11) return code === 0 ? 'time exceeded in transit' : 'fragment reassembly time exceeded';
  return { 4: 'source quench', 5: 'redirect', 12: 'parameter problem' }[type] ?? `error type ${type}`;
}

/**
 * Why an error flow left hosts with the private source it came in with (flow.untranslated): no nat
 * rule sees an ICMP error, so explain-no-translation.ts's walk does not apply to it; conntrack would
 * have rewritten its source there only by the entry of a quoted flow whose mapping there does so:
 * the flow's SNAT when the error travels the way that flow was opened, its DNAT when the error
 * travels back toward the flow's client.
 */
function explainUntranslated(flow: Flow, quoted: QuotedFlow[]): void {
  const facts = flow.icmpError!;
  const known = quoted.map((q) => q.flow.id);
  for (const { leg, last } of legsLeftUntranslated(flow)) {
    const src = addressOf(last.src);
    const at = `${leg.host} (left ${last.interface} as ${src})`;
    const rewriting = quoted.filter((q) => {
      const kind = quoteIsRequest(q) ? 'DNAT' : 'SNAT';
      return q.flow.translations.some((x) => x.host === leg.host && x.kind === kind);
    });
    const translatedHere = rewriting.map((q) => q.flow.id);
    const names = (ids: number[]): string => `${ids.length === 1 ? 'flow' : 'flows'} ${ids.join(', ')}`;
    const why =
      known.length === 0
        ? `${facts.relatedFlows.length === 0 ? facts.reason : 'the flows it quotes are not described'}; whether ${leg.host} translated the connection it quotes cannot be told`
        : translatedHere.length > 0
          ? `${leg.host} mapped ${names(translatedHere)}, which it quotes, so that ${translatedHere.length === 1 ? 'its entry' : 'their entries'} would have rewritten the error's source: the entry was gone when the error passed (expired or flushed), or the error was not tracked`
          : quoted.some((q) => q.flow.translations.some((x) => x.host === leg.host))
            ? `${leg.host}'s mapping of ${names(known)}, which it quotes, leaves the error's source as it is (it rewrites the other end)`
            : `${leg.host} did not translate ${names(known)}, which it quotes, either: ${known.length === 1 ? 'its entry there holds' : 'their entries there hold'} no mapping to rewrite the error with`;
    flow.untranslated.push({
      host: leg.host,
      capturePoint: `${leg.host}:${last.interface}`,
      src,
      rule: null,
      excludedBy: [],
      notReachedBecause: null,
      related: { flows: facts.relatedFlows, translatedHere },
      reason: `${at}: an ICMP error meets no nat rule (conntrack rewrites it by the entry of the flow it quotes, as RELATED), and ${why}`,
    });
  }
}
