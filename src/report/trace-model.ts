// The model `natpath trace` renders, and its JSON contract (docs/simulator.md): field names are
// stable — add fields, never rename them. Addresses are text here ("IP:port", "[v6]:port").

import { isPublicAddress, privateRangeOf } from '../net/address-scope.js';
import { formatIpAddress, type IpAddress } from '../net/address.js';
import type { ConntrackEvidence } from '../sim/conntrack-evidence.js';
import type { SimOutcome, SimResult } from '../sim/simulate.js';
import { formatStepSource, type SimStep, type SimTranslation } from '../sim/state.js';
import type { Diagnostic } from '../text/diagnostic.js';

export interface TraceRuleRef {
  table: string;
  chain: string;
  ruleNumber: number;
  target: string;
  text: string;
  /** nftables rules: table family and handle (null without `nft -a`); null for iptables rules. */
  nft: { family: string; handle: number | null } | null;
}

export interface TraceStep extends TraceRuleRef {
  hook: string;
  comment: string | null;
  /** `file:line` of the rule (iptables-save, nft list ruleset), or `file $.nftables[N].rule` (nft -j). */
  source: string;
}

export interface TraceEndpoints {
  /** null where MASQUERADE's address cannot be known (no ip addr of the egress interface). */
  src: string | null;
  dst: string;
}

export interface TraceTranslation {
  kind: 'SNAT' | 'DNAT';
  before: TraceEndpoints;
  after: TraceEndpoints;
  /** The target's whole range when it names one (the kernel picks within it). */
  range: string | null;
  rule: TraceRuleRef;
}

export interface TraceRouteStep {
  decision: string;
  table: string | null;
  rulePriority: number | null;
  destination: string | null;
  dev: string | null;
  via: string | null;
}

export interface TraceOutcome {
  probability: number;
  verdict: 'ACCEPT' | 'DROP' | 'REJECT';
  delivery: 'local' | 'forward' | 'output' | null;
  /** Where the verdict came from: a rule, a chain policy, or routing. */
  verdictBy: string | null;
  packet: TraceEndpoints;
  egress: { interface: string | null; via: string | null } | null;
  mark: string;
  translations: TraceTranslation[];
  steps: TraceStep[];
  /** Rules that matched beyond the listed steps (a walk keeps at most 5 000 per outcome). */
  stepsNotListed: number;
  routes: TraceRouteStep[];
  unknowns: string[];
  /**
   * 'certain' when the packet leaves the host with a private source toward a public destination:
   * it cannot get there unless something beyond this host (a NAT gateway) translates it again;
   * null otherwise (delivered locally, dropped, or nothing says so).
   */
  translatedBeyond: 'certain' | null;
  translatedBeyondReason: string | null;
  /**
   * The egress interface stated with --oif, and whether the snapshots bear it out: true (the route
   * sends the packet out of it), false (they contradict it: another route, local delivery, a drop
   * before routing; the walk follows the snapshots), null (no ip route snapshot: taken as given).
   * null without --oif.
   */
  egressAssumption: { interface: string; holds: boolean | null; reason: string } | null;
}

/** A connection in the host's conntrack table like the traced packet: the kernel's own record. */
export interface TraceConntrackEvidence {
  /** `file:line` of the entry. */
  source: string;
  state: string | null;
  flags: string[];
  original: TraceEndpoints;
  /** The source the far end saw and where the connection really went (the reply tuple, reversed). */
  translated: TraceEndpoints;
  snat: boolean;
  dnat: boolean;
  /** 0-based index of the outcome that predicts exactly these addresses, null when none does. */
  agreesWithOutcome: number | null;
}

export interface TraceReport {
  schema: 'natpath.trace/1';
  host: string;
  snapshots: Array<{ path: string; kind: string }>;
  packet: { family: 'ipv4' | 'ipv6'; protocol: string; src: string | null; dst: string; input: string; mark: string };
  locallyGenerated: boolean;
  outcomes: TraceOutcome[];
  conntrack: TraceConntrackEvidence[];
  notes: string[];
  diagnostics: Diagnostic[];
}

export function formatEndpoint(addr: IpAddress | null, port: number | null): string | null {
  if (addr === null) return null;
  const a = formatIpAddress(addr);
  if (port === null) return a;
  return addr.family === 'ipv6' ? `[${a}]:${port}` : `${a}:${port}`;
}

function ruleRef(s: SimStep): TraceRuleRef {
  return { table: s.table, chain: s.chain, ruleNumber: s.ruleNumber, target: s.target, text: s.text, nft: s.nft };
}

function translation(t: SimTranslation): TraceTranslation {
  return {
    kind: t.kind,
    before: { src: formatEndpoint(t.before.src, t.before.sport), dst: formatEndpoint(t.before.dst, t.before.dport)! },
    after: { src: formatEndpoint(t.after.src, t.after.sport), dst: formatEndpoint(t.after.dst, t.after.dport)! },
    range: t.range,
    rule: ruleRef(t.rule),
  };
}

/** A packet leaving with a private source toward a public destination is translated again beyond the host. */
function translatedBeyond(host: string, o: SimOutcome): Pick<TraceOutcome, 'translatedBeyond' | 'translatedBeyondReason'> {
  const p = o.state.packet;
  const leaves = o.verdict === 'ACCEPT' && (o.delivery === 'forward' || o.delivery === 'output');
  const range = leaves && p.src !== null ? privateRangeOf(p.src) : null;
  if (range === null || !isPublicAddress(p.dst)) return { translatedBeyond: null, translatedBeyondReason: null };
  const src = formatIpAddress(p.src!);
  const dst = formatIpAddress(p.dst);
  return {
    translatedBeyond: 'certain',
    translatedBeyondReason:
      `leaves ${host} with the private source ${src} (${range}) toward the public ${dst}: a translation beyond this host ` +
      `(a NAT gateway) will follow, so ${dst} does not see ${src}; trace or capture the next hop to learn the address it sees`,
  };
}

/** Holds --oif IF against what the outcome's routing decided. */
function egressAssumption(stated: string, o: SimOutcome): NonNullable<TraceOutcome['egressAssumption']> {
  const routes = o.state.routes;
  const last = routes[routes.length - 1];
  const said = `--oif ${stated}`;
  if (last === undefined) {
    return { interface: stated, holds: false, reason: `${said}: the packet never reached routing (${o.state.verdictBy ?? o.verdict}), so it leaves by no interface` };
  }
  if (last.decision.startsWith('unknown (no route snapshot)')) {
    return { interface: stated, holds: null, reason: `${said}: no ip route snapshot to check it against; the walk takes it as given, so -o tests and MASQUERADE's address follow from it` };
  }
  const route = `${last.decision}${last.destination !== null ? ` ${last.destination}` : ''}${last.table !== null ? ` in table ${last.table}` : ''}${last.source ? ` (${last.source.file}:${last.source.line})` : ''}`;
  if (last.decision === 'local' || o.delivery === 'local') {
    return { interface: stated, holds: false, reason: `${said} is contradicted by the routes: ${route} delivers it to the host itself; the walk follows the route` };
  }
  if (last.dev === null) return { interface: stated, holds: false, reason: `${said} is contradicted by the routes: ${route} sends it out of no interface; the walk follows the route` };
  if (last.dev === stated) return { interface: stated, holds: true, reason: `${said} agrees with the route: ${route} dev ${last.dev}` };
  return { interface: stated, holds: false, reason: `${said} is contradicted by the route: ${route} sends it out of ${last.dev}; the walk follows the route` };
}

export function buildTraceReport(input: {
  host: string;
  snapshots: Array<{ path: string; kind: string }>;
  packet: TraceReport['packet'];
  result: SimResult;
  evidence: ConntrackEvidence[];
  diagnostics: Diagnostic[];
  /** The egress interface stated with --oif, if any. */
  statedOutput?: string;
}): TraceReport {
  const outcomes = input.result.outcomes.map((o): TraceOutcome => {
    const s = o.state;
    const p = s.packet;
    return {
      probability: Number(o.probability.toFixed(6)),
      verdict: o.verdict,
      delivery: o.delivery,
      verdictBy: s.verdictBy,
      packet: { src: formatEndpoint(p.src, p.sport), dst: formatEndpoint(p.dst, p.dport)! },
      egress: o.egress === null ? null : { interface: o.egress.interface, via: o.egress.via === null ? null : formatIpAddress(o.egress.via) },
      mark: `0x${p.mark.toString(16)}`,
      translations: s.translations.map(translation),
      steps: s.steps.map((x) => ({ hook: x.hook, ...ruleRef(x), comment: x.comment, source: formatStepSource(x.source) })),
      stepsNotListed: s.stepsNotListed,
      routes: s.routes.map((r) => ({
        decision: r.decision,
        table: r.table,
        rulePriority: r.rulePriority,
        destination: r.destination,
        dev: r.dev,
        via: r.via === null ? null : formatIpAddress(r.via),
      })),
      unknowns: s.unknowns,
      ...translatedBeyond(input.host, o),
      egressAssumption: input.statedOutput === undefined ? null : egressAssumption(input.statedOutput, o),
    };
  });
  return {
    schema: 'natpath.trace/1',
    host: input.host,
    snapshots: input.snapshots,
    packet: input.packet,
    locallyGenerated: input.result.locallyGenerated,
    outcomes,
    conntrack: input.evidence.map(({ entry: e, agreesWith }) => ({
      source: `${e.source.file}:${e.source.line}`,
      state: e.state,
      flags: e.flags,
      original: { src: formatEndpoint(e.original.src, e.original.sport), dst: formatEndpoint(e.original.dst, e.original.dport)! },
      translated: {
        src: formatEndpoint(e.translatedSource.address, e.translatedSource.port),
        dst: formatEndpoint(e.translatedDestination.address, e.translatedDestination.port)!,
      },
      snat: e.snat,
      dnat: e.dnat,
      agreesWithOutcome: agreesWith,
    })),
    notes: input.result.notes,
    diagnostics: input.diagnostics,
  };
}
