// Why a host translated a flow: simulate the flow's first packet, as it entered that host, through
// the host's netfilter and routing (src/sim) and find the outcome that produces what the captures
// show leaving it. Its NAT rules explain the translations; when no outcome agrees, the snapshot
// contradicts the captures and the report says so instead of guessing.

import { formatIpAddress, parseIpAddress, type IpAddress } from '../net/address.js';
import { ipProtocolNumber } from '../net/ip-protocol-names.js';
import type { Flow, HostLeg, RuleRef, Translation } from './flow-model.js';
import type { HostModel } from '../sim/host-model.js';
import { PerHostMemo } from './per-host-memo.js';
import { simulate, type SimOutcome, type TraceRequest } from '../sim/simulate.js';
import { describeStepRule, type SimTranslation } from '../sim/state.js';
import { addressOf, portOf } from './endpoint-text.js';
import type { HostKnowledge } from './host-knowledge.js';

export function explainTranslations(flow: Flow, hosts: HostKnowledge[]): void {
  for (const leg of flow.legs) {
    const own = flow.translations.filter((t) => t.host === leg.host && (t.where === 'on-host' || t.where === 'host'));
    if (own.length === 0) continue;
    const host = hosts.find((h) => h.name === leg.host);
    if (host?.model === null || host?.model === undefined) {
      for (const t of own) t.note = `no snapshot of ${leg.host} to explain it with`;
      continue;
    }
    explainOnHost(flow, leg, own, host.model);
  }
}

/** What one simulation said about a host's translations, per kind: reused by like connections. */
interface Explanation {
  rules: Map<string, RuleRef | null>;
  notes: Map<string, string | null>;
}

/**
 * Connections that differ only in their client port get the same answer unless some rule looks
 * at source ports: a busy case has thousands of them, and one walk serves them all.
 */
const explained = new PerHostMemo<Explanation>();
const watchesSourcePorts = new WeakMap<HostModel, boolean>();

function explainOnHost(flow: Flow, leg: HostLeg, own: Translation[], model: HostModel): void {
  const first = leg.hops[0]!;
  const expected = own[own.length - 1]!.after;
  const sport = sourcePortMatters(model) ? leg.src : addressOf(leg.src);
  const key = [leg.host, flow.proto, sport, leg.dst, first.interface, first.direction, own.map((t) => t.kind).join('+'), addressOf(expected.src), expected.dst].join('|');
  const explanation = explained.get(model, key, () => {
    const found: Explanation = { rules: new Map(), notes: new Map() };
    const probe = own.map((t) => ({ ...t, rule: null, explained: false, note: null }));
    simulateOnHost(flow, leg, probe, model);
    for (const t of probe) {
      found.rules.set(t.kind, t.rule);
      found.notes.set(t.kind, t.note);
    }
    return found;
  });
  for (const t of own) {
    t.rule = explanation.rules.get(t.kind) ?? null;
    t.explained = t.rule !== null;
    t.note = explanation.notes.get(t.kind) ?? null;
  }
}

/** Whether some rule of the host looks at source ports (or cannot be read): then connections differing only in client port may be explained differently. */
export function sourcePortMatters(model: HostModel): boolean {
  let known = watchesSourcePorts.get(model);
  if (known === undefined) {
    known = false;
    for (const index of model.iptables.values()) {
      for (const table of index.dump.tables) {
        for (const chain of table.chains) {
          for (const rule of chain.rules) {
            if (rule.unknown || rule.matches.some((m) => (m.kind === 'port' && m.direction !== 'destination') || (m.kind === 'ct-port' && m.tuple.endsWith('src')))) known = true;
          }
        }
      }
    }
    if (!known) known = nftRulesWatchSourcePorts(model);
    watchesSourcePorts.set(model, known);
  }
  return known;
}

/**
 * Whether a rule of the nft tables the simulator walks may read a source port: `tcp/udp/th sport`,
 * `ct … proto-src`, a raw transport-header load or a hash over fields (jhash/symhash may cover
 * ports), or a statement natpath could not type or see into (unknown; an iptables-nft `xt` match
 * other than comment: its arguments are not shown).
 */
function nftRulesWatchSourcePorts(model: HostModel): boolean {
  const tables = new Set(model.nft.baseChains.map((b) => b.table));
  for (const table of tables) {
    for (const chain of table.chains) {
      for (const rule of chain.rules) if (rule.expr.some((statement) => mayReadSourcePort(statement))) return true;
    }
  }
  return false;
}

function mayReadSourcePort(node: unknown): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some((x) => mayReadSourcePort(x));
  const o = node as Record<string, unknown>;
  if ('unknown' in o || 'jhash' in o || 'symhash' in o) return true;
  const xt = o['xt'] as { type?: unknown; name?: unknown } | undefined;
  if (xt !== undefined && xt.type === 'match' && xt.name !== 'comment') return true;
  const payload = o['payload'] as { field?: unknown; base?: unknown } | undefined;
  if (payload !== undefined && (payload.field === 'sport' || payload.base === 'th')) return true;
  const ct = o['ct'] as { key?: unknown } | undefined;
  if (ct !== undefined && (ct.key === 'proto-src' || ct.key === 'proto-dst')) return true;
  return Object.values(o).some((x) => mayReadSourcePort(x));
}

function simulateOnHost(flow: Flow, leg: HostLeg, own: Translation[], model: HostModel): void {
  const request = packetEntering(flow, leg, model);
  if (request === null) {
    for (const t of own) t.note = `cannot simulate ${flow.proto} on ${leg.host}`;
    return;
  }
  const result = simulate(model, request);
  // What left the host: the last hop on it, or — for a translation after the host's last capture
  // point — the first hop after it.
  const expected = own[own.length - 1]!.after;
  const match = result.outcomes.find((o) => agrees(o, own, expected));
  if (match === undefined) {
    const predicted = result.outcomes.map((o) => describeOutcome(o)).join('; ') || 'no outcome';
    for (const t of own) {
      t.note = `the snapshot of ${leg.host} does not predict this (stale snapshot, or rules changed since?): it predicts ${predicted}`;
    }
    return;
  }
  const sims = match.state.translations;
  for (const t of own) {
    const k = sims.findIndex((x) => x.kind === t.kind);
    if (k < 0) continue;
    const sim = sims[k]!;
    t.rule = ruleRef(leg.host, request.family, sim);
    t.explained = true;
    // The chance taken since the previous translation belongs to this one: kube-proxy's `-m statistic`
    // (nftables mode: `numgen random`) picks the endpoint the DNAT goes to, not the MASQUERADE after it.
    const taken = sim.probability / (k > 0 ? sims[k - 1]!.probability : 1);
    const picker = t.rule.nft === null ? '-m statistic' : 'numgen random';
    const chance = taken < 0.999 ? ` This choice has probability ${taken.toFixed(3)} (${picker}).` : '';
    const unknowns = match.state.unknowns.length > 0 ? ` Assumed: ${match.state.unknowns.join('; ')}.` : '';
    t.note = chance || unknowns ? `${chance}${unknowns}`.trim() : null;
  }
}

/** The flow's first packet as it entered the host: at its first hop there, from that interface. */
export function packetEntering(flow: Flow, leg: HostLeg, model: HostModel): TraceRequest | null {
  const protocolNumber = ipProtocolNumber(flow.proto);
  const src = parseIpAddress(addressOf(leg.src));
  const dst = parseIpAddress(addressOf(leg.dst));
  if (protocolNumber === null || src === null || dst === null) return null;
  const first = leg.hops[0]!;
  const named = model.interfacesByName.has(first.interface);
  const local = model.localAddresses.has(formatIpAddress(src));
  const ports = flow.proto === 'tcp' || flow.proto === 'udp' || flow.proto === 'sctp';
  return {
    family: src.family,
    protocol: flow.proto,
    protocolNumber,
    src,
    dst,
    sport: ports ? portOf(leg.src) : null,
    dport: ports ? portOf(leg.dst) : null,
    icmpType: flow.proto === 'icmp' ? 8 : flow.proto === 'icmpv6' ? 128 : null,
    icmpCode: flow.proto.startsWith('icmp') ? 0 : null,
    input: local ? { kind: 'local' } : named && first.direction !== 'out' ? { kind: 'interface', name: first.interface } : { kind: 'auto' },
    mark: 0,
    options: { recentHistory: 'unknown' },
  };
}

/** The outcome's translations give the addresses seen after the host (ports chosen by the kernel are not compared for SNAT). */
function agrees(o: SimOutcome, own: Translation[], expected: { src: string; dst: string }): boolean {
  if (o.verdict !== 'ACCEPT') return false;
  for (const t of own) if (!o.state.translations.some((x) => x.kind === t.kind)) return false;
  const p = o.state.packet;
  if (p.src === null || formatIpAddress(p.src) !== addressOf(expected.src)) return false;
  if (formatIpAddress(p.dst) !== addressOf(expected.dst)) return false;
  const dport = portOf(expected.dst);
  return dport === null || p.dport === null || p.dport === dport;
}

function describeOutcome(o: SimOutcome): string {
  const p = o.state.packet;
  const src = p.src === null ? '?' : formatIpAddress(p.src);
  const nat = o.state.translations.map((t) => `${t.kind} by ${describeStepRule(t.rule)}`).join(', ') || 'no NAT';
  return `${o.verdict} ${src} → ${formatIpAddress(p.dst)}${p.dport !== null ? `:${p.dport}` : ''} (${nat}, p=${o.probability.toFixed(2)})`;
}

function ruleRef(host: string, family: IpAddress['family'], t: SimTranslation): RuleRef {
  return {
    host,
    family,
    table: t.rule.table,
    chain: t.rule.chain,
    ruleNumber: t.rule.ruleNumber,
    target: t.rule.target,
    text: t.rule.text,
    comment: t.rule.comment,
    file: t.rule.source.file,
    line: t.rule.source.line ?? null,
    jsonPath: t.rule.source.jsonPath ?? null,
    nft: t.rule.nft,
  };
}
