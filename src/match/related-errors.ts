// ICMP errors and the flows they quote. Conntrack files an ICMP error under the connection of the
// datagram it quotes (RELATED), and NAT rewrites the error's outer addresses and its quoted header
// from that connection's mapping: nf_nat_ipv4_fn hands RELATED ICMP to
// nf_nat_icmp_reply_translation and returns before nf_nat_inet_fn, which is where nat chains run.
// So an error is never translated by a nat rule of its own: this module finds the flow it quotes
// and names it, and through it the rule that made that flow's mapping (docs/analyze.md).

import type { CaptureLegs } from '../flow/collect-legs.js';
import { endpointText, protoName } from './endpoint-words.js';
import type { Flow, IcmpErrorFacts, Translation } from './flow-model.js';
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
    // The first quoted flow names the rule (flows quoted by one error flow share its endpoints, so its rules).
    const head = found.flows.length === 0 ? undefined : (this.describeQuoted(found.flows[0]!) ?? undefined);
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
      const mapping = head === undefined ? null : mappingOf(head, t, facts);
      t.rule = null;
      t.explained = head !== undefined;
      t.related = { flows: facts.relatedFlows, flowText, mappingRule: mapping?.rule ?? null };
      t.note =
        head !== undefined
          ? `conntrack rewrote these ICMP ${facts.name} errors (addresses and the header they quote) as RELATED to ${flowText}${
              mapping?.rule ? `, whose mapping ${describeStepRule(mapping.rule)} (${mapping.rule.target}) made` : mapping === null ? `, which ${t.host} did not translate` : ''
            }; no nat rule sees such a packet`
          : `an ICMP error is rewritten by the conntrack entry of the flow it quotes (RELATED), never by a nat rule, but ${found.reason}`;
    }
  }

  /**
   * The flows whose packets the errors quote: at each of the error's capture points, for each
   * distinct quote, the connection with the quoted endpoints there that was open when the first
   * such error passed (a connection that began after it is a later one on the same ports).
   */
  private findQuotedFlows(oriented: ErrorLeg[], facts: IcmpErrorFacts): { flows: number[]; reason: string } {
    const points = new Map<number, number>();
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
        else points.set(f, (points.get(f) ?? 0) + 1);
      }
    }
    const quote = facts.quoted === null ? 'the quote' : `the quote (${facts.quoted.proto} ${facts.quoted.src} → ${facts.quoted.dst})`;
    if (points.size === 0) {
      if (readable === 0) {
        if (cut > 0) return { flows: [], reason: `${quote} was cut short before the ports that name a connection, at every capture point` };
        return { flows: [], reason: headerCut > 0 ? "the errors' quotes were cut short inside their IP header, at every capture point: they name no connection" : 'the errors quote nothing natpath could read' };
      }
      return { flows: [], reason: `no flow of the case holds ${quote.slice(4)} at the errors' capture points, open when the error passed: the flow it belongs to was not captured` };
    }
    const flows = [...points.keys()].sort((a, b) => a - b);
    const partly = unmatched + cut + headerCut > 0 ? `; ${unmatched + cut + headerCut} quote(s) at some capture point named no flow there (cut short, or that point's connection was superseded by a later one on the same ports)` : '';
    const notKept = facts.quotesNotKept > 0 ? `; ${facts.quotesNotKept} error(s) at the first capture point quoted further connections, not kept` : '';
    return {
      flows,
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
 * The quoted flow's translation on the same host that the error's translation undoes or repeats:
 * an error travelling the way the quoted packet's flow was opened (the quote is a reply) gets the
 * same kind; one travelling back toward its client (the quote is a request) gets the other kind.
 */
function mappingOf(quoted: Flow, t: Translation, facts: IcmpErrorFacts): Translation | null {
  const own = quoted.translations.filter((x) => x.host === t.host);
  if (own.length === 0) return null;
  const quoteIsRequest = facts.quoted !== null && quoted.legs.some((l) => l.hops.some((h) => h.src === facts.quoted!.src && h.dst === facts.quoted!.dst));
  const kind = quoteIsRequest ? (t.kind === 'SNAT' ? 'DNAT' : 'SNAT') : t.kind;
  return own.find((x) => x.kind === kind) ?? own[0]!;
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
