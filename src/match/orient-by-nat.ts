// Orientation from a host's NAT rules (docs/analyze.md, "Orientation"): the kernel walks a nat
// table only for a connection's first packet, in its original direction. So when a flow oriented
// by its first captured sender has on-host translations that the host's rules explain in that
// orientation, and the same host's rules would not have produced them had the other end sent the
// first packet, the rules are evidence of which end opened the connection.

import { formatIpAddress, parseIpAddress } from '../net/address.js';
import { ipProtocolNumber } from '../net/ip-protocol-names.js';
import type { HostModel } from '../sim/host-model.js';
import { PerHostMemo } from './per-host-memo.js';
import { simulate, type SimOutcome, type TraceRequest } from '../sim/simulate.js';
import { addressOf, portOf } from './endpoint-text.js';
import type { Flow, FlowOrientation, HostLeg, Translation } from './flow-model.js';
import type { HostKnowledge } from './host-knowledge.js';

/**
 * A better orientation for a first-sender flow from its hosts' nat rules, or null when they say
 * nothing either way. Call after explainTranslations (it reads each translation's rule).
 */
export function orientByNatRules(flow: Flow, hosts: HostKnowledge[]): FlowOrientation | null {
  if (flow.orientation.basis !== 'first-sender' || flow.icmpError !== null) return null;
  const forward: Translation[] = [];
  let forwardComplete = true;
  const reversedOn: string[] = [];
  for (const leg of flow.legs) {
    const own = flow.translations.filter((t) => t.host === leg.host && (t.where === 'on-host' || t.where === 'host'));
    const model = hosts.find((h) => h.name === leg.host)?.model ?? null;
    if (own.length === 0 || model === null) continue;
    if (own.every((t) => t.rule !== null)) forward.push(...own);
    else forwardComplete = false;
    if (reversedExplained(flow, leg, own, model)) reversedOn.push(leg.host);
  }
  const byRules = forward.map((t) => `${t.rule!.host}'s ${t.rule!.table}/${t.rule!.chain} rule ${t.rule!.ruleNumber} (${t.rule!.target})`);
  const why = 'nat rules see only a connection\'s first packet in its original direction';
  if (reversedOn.length > 0) {
    const other = `the rules of ${reversedOn.join(' and ')} would also translate it had ${flow.server} sent the first packet`;
    const base = flow.orientation.reason;
    if (forward.length > 0 && forwardComplete) return { ...flow.orientation, reason: `${base}; both ends are possible clients: ${byRules.join(' and ')} matched ${flow.client}'s packets, and ${other}` };
    return { ...flow.orientation, reason: `${base}; kept although only the other way round is explained: ${other}, while the rules do not explain ${flow.client}'s packets as the first ones` };
  }
  if (forward.length === 0 || !forwardComplete) return null;
  return {
    basis: 'nat-rule',
    guessed: false,
    reason: `${byRules.join(' and ')} matched ${flow.client}'s packets; ${why}, and no rule of ${[...new Set(forward.map((t) => t.rule!.host))].join(' or ')} translates ${flow.server}'s packets as the first ones`,
  };
}

/** Per host model, whether the other end as client is explained: one walk per distinct reversed packet. */
const reversedCache = new PerHostMemo<boolean>();

/**
 * Whether the host's rules would produce the observed translations mirrored, had the server sent the
 * first packet: its packet entering the host as the flow leaves it after `own`, leaving as the
 * flow entered before them, the source change (SNAT) now a destination change (DNAT) and back.
 */
function reversedExplained(flow: Flow, leg: HostLeg, own: Translation[], model: HostModel): boolean {
  const before = own[0]!.before;
  const after = own[own.length - 1]!.after;
  const last = leg.hops[leg.hops.length - 1]!;
  const onHost = own.every((t) => t.where === 'on-host');
  const key = [flow.proto, after.dst, after.src, last.interface, last.direction, onHost, own.map((t) => t.kind).join('+'), before.dst, before.src].join('|');
  return reversedCache.get(model, key, () => {
    const request = reversedPacket(flow.proto, after, onHost ? last : null, model);
    return request !== null && simulate(model, request).outcomes.some((o) => agreesReversed(o, own, before));
  });
}

/** The server's packet as it entered the host: through the point the flow left by when that point is the host's last hop. */
function reversedPacket(proto: string, after: { src: string; dst: string }, exit: HostLeg['hops'][number] | null, model: HostModel): TraceRequest | null {
  const protocolNumber = ipProtocolNumber(proto);
  const src = parseIpAddress(addressOf(after.dst));
  const dst = parseIpAddress(addressOf(after.src));
  if (protocolNumber === null || src === null || dst === null || src.family !== dst.family) return null;
  const ports = proto === 'tcp' || proto === 'udp' || proto === 'sctp';
  const local = model.localAddresses.has(formatIpAddress(src));
  const named = exit !== null && exit.direction === 'out' && model.interfacesByName.has(exit.interface);
  return {
    family: src.family,
    protocol: proto,
    protocolNumber,
    src,
    dst,
    sport: ports ? portOf(after.dst) : null,
    dport: ports ? portOf(after.src) : null,
    icmpType: proto === 'icmp' ? 8 : proto === 'icmpv6' ? 128 : null,
    icmpCode: proto.startsWith('icmp') ? 0 : null,
    input: local ? { kind: 'local' } : named ? { kind: 'interface', name: exit.interface } : { kind: 'auto' },
    mark: 0,
    options: { recentHistory: 'unknown' },
  };
}

/** Mirrored translations leading to the flow's addresses before the host, swapped (ports may be the kernel's choice: not compared). */
function agreesReversed(o: SimOutcome, own: Translation[], before: { src: string; dst: string }): boolean {
  if (o.verdict !== 'ACCEPT') return false;
  for (const t of own) {
    const mirrored = t.kind === 'SNAT' ? 'DNAT' : 'SNAT';
    if (!o.state.translations.some((x) => x.kind === mirrored)) return false;
  }
  const p = o.state.packet;
  return p.src !== null && formatIpAddress(p.src) === addressOf(before.dst) && formatIpAddress(p.dst) === addressOf(before.src);
}
