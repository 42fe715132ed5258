// Turns linked legs (numbers) into the report's flows (text): endpoints as the client saw them at
// each capture point, the translations between consecutive points, and where each happened.

import { LinkDirection, wayTowardServer } from '../flow/recorded-direction.js';
import { LinkType } from '../capture/index.js';
import type { CaptureLegs, CapturePoint } from '../flow/collect-legs.js';
import { communityId } from '../flow/community-id.js';
import { parseIpAddress } from '../net/address.js';
import { ipProtocolNumber } from '../net/ip-protocol-names.js';
import { tunnelName } from '../decode/index.js';
import type { Encapsulation, Flow, FlowOrientation, Hop, HostLeg, Translation } from './flow-model.js';
import { findConntrackEvidence } from './corroborate-conntrack.js';
import { addressOf, hasPorts, portOf } from './endpoint-text.js';
import { endpointText, protoName } from './endpoint-words.js';
import { describeJoins } from './describe-joins.js';
import { explainNoTranslation } from './explain-no-translation.js';
import { explainTranslations } from './explain-translations.js';
import { orientByNatRules } from './orient-by-nat.js';
import { findLeaks } from './find-leaks.js';
import { addressKey, type HostKnowledge } from './host-knowledge.js';
import type { LinkedFlow } from './link-legs.js';
import { OrientedBy } from './leg-facts.js';
import type { LegIds } from './match-packets.js';
import { judgeServerView } from './server-view.js';
import { icmpErrorFacts, type RelatedErrors } from './related-errors.js';

export interface CaptureOnHost {
  host: number;
  legs: CaptureLegs;
}

/** A leg's endpoints as words, oriented client → server. */
export interface OrientedLeg {
  capture: number;
  leg: number;
  host: number;
  version: number;
  proto: number;
  client: Uint32Array;
  clientPort: number;
  server: Uint32Array;
  serverPort: number;
  clientIsLow: boolean;
}

/** `related` relates an ICMP error flow to the flow it quotes, which explains its translations (related-errors.ts). */
export function describeFlow(id: number, linked: LinkedFlow, ids: LegIds, captures: CaptureOnHost[], hosts: HostKnowledge[], related: RelatedErrors): Flow {
  const allOriented = linked.legs.map((g, i) => orient(ids.capture[g]!, ids.leg[g]!, captures, linked.clientIsLow[i]!));
  const allHops = allOriented.map((o, i) => describeHop(o, captures, hosts, linked.position[i]!));
  const kept = foldReplyOnlyHops(allOriented, allHops);
  const oriented = kept.map((i) => allOriented[i]!);
  const hops = kept.map((i) => allHops[i]!);
  const translations: Translation[] = [];
  for (let i = 0; i + 1 < oriented.length; i++) {
    translations.push(...describeTranslations(oriented[i]!, oriented[i + 1]!, hops[i]!, hops[i + 1]!, hosts));
  }
  const proto = protoName(allOriented[0]!.proto);
  for (const t of translations) {
    const host = t.host === null ? undefined : hosts.find((h) => h.name === t.host);
    if (host === undefined) continue;
    // One conntrack entry records all of a host's translations of the connection at once: from
    // before its first to after its last.
    const mine = translations.filter((x) => x.host === t.host);
    t.conntrack = findConntrackEvidence(t.kind, { before: mine[0]!.before, after: mine[mine.length - 1]!.after }, proto, host.conntrack);
  }
  const legs: HostLeg[] = [];
  for (const [i, hop] of hops.entries()) {
    const host = hosts[oriented[i]!.host]!.name;
    let leg = legs[legs.length - 1];
    if (leg === undefined || leg.host !== host) {
      leg = { host, interfaces: [], src: hop.src, dst: hop.dst, hops: [], packets: 0, bytes: 0, communityId: hop.communityId };
      legs.push(leg);
    }
    leg.hops.push(hop);
    leg.interfaces.push(hop.interface);
    // A packet seen at several points of one host is one packet: count the busiest point.
    leg.packets = Math.max(leg.packets, hop.packetsToServer + hop.packetsToClient);
    leg.bytes = Math.max(leg.bytes, hop.bytesToServer + hop.bytesToClient);
  }
  const first = oriented[0]!;
  const last = oriented[oriented.length - 1]!;
  const lastHop = hops[hops.length - 1]!;
  const lastHost = hosts[last.host]!;
  const serverHost = hosts.find((h) => h !== lastHost && h.ownsAddress(last.version, last.server))?.name ?? null;
  const view = judgeServerView(lastHost, lastHop, last.version, last.server, serverHost);
  const tunnels = [...new Set(hops.flatMap((h) => h.encapsulation.map((e) => e.type)))];
  const flow: Flow = {
    id,
    family: first.version === 4 ? 'ipv4' : 'ipv6',
    proto: protoName(first.proto),
    client: endpointText(first.version, first.client, first.clientPort, first.proto),
    server: endpointText(first.version, first.server, first.serverPort, first.proto),
    legs,
    translations,
    seenByServer: view.seenAtServer ? { src: lastHop.src, dst: lastHop.dst } : null,
    translatedBeyond: view.translatedBeyond,
    translatedBeyondReason: view.reason,
    untranslated: [],
    lastSeen: { src: lastHop.src, dst: lastHop.dst },
    lastCapturePoint: `${lastHost.name}:${lastHop.interface}`,
    tunnels,
    leaks: [],
    ambiguous: null,
    icmpError: icmpErrorFacts(allOriented, captures),
    orientation: orientationOf(linked, hops, first.proto),
    conntrackJoins: describeJoins(linked.joins, hosts, (g) => legPoint(g, ids, captures, hosts), (f) => f + 1, linked.legs),
  };
  flow.leaks = findLeaks(flow, hosts);
  if (flow.icmpError === null) explainTranslations(flow, hosts);
  else related.explain(flow, allOriented);
  flow.orientation = orientByNatRules(flow, hosts) ?? flow.orientation;
  explainNoTranslation(flow, hosts);
  return flow;
}

/** What oriented the flow, in words; a first-sender orientation says why it is only a guess. */
function orientationOf(linked: LinkedFlow, hops: Hop[], proto: number): FlowOrientation {
  const client = hops[0]!.src;
  const kept = linked.conntrackContradicted ? ' (a conntrack entry says otherwise: analyze.conntrack-contradicts-packets)' : '';
  if (linked.orientedBy === OrientedBy.PROTOCOL && (proto === 1 || proto === 58)) {
    return { basis: 'icmp-type', guessed: false, reason: `the ICMP types say which end asked: ${client} sent the request or the error${kept}` };
  }
  if (linked.orientedBy === OrientedBy.PROTOCOL) {
    return { basis: 'tcp-handshake', guessed: false, reason: `the TCP handshake was captured: ${client} opened the connection${kept}` };
  }
  if (linked.orientedBy === OrientedBy.CONNTRACK) {
    return { basis: 'conntrack', guessed: false, reason: `no TCP handshake was captured; a captured host's conntrack entry records ${client} as the connection's original source${kept}` };
  }
  const toServer = hops.some((h) => h.packetsToServer > 0);
  const toClient = hops.some((h) => h.packetsToClient > 0);
  const partial = toServer && toClient ? 'the capture may have started after the connection did' : 'the captures hold its packets one way only';
  return {
    basis: 'first-sender',
    guessed: true,
    reason: `a guess: ${client} sent the first captured packet, but no TCP handshake was captured and no captured host's conntrack records the connection, and ${partial}${kept}`,
  };
}

/** A flow in a few words, for naming it as another flow's candidate: its capture points and first endpoints. */
export function outlineFlow(
  linked: LinkedFlow,
  ids: LegIds,
  captures: CaptureOnHost[],
  hosts: HostKnowledge[],
): { capturePoints: string[]; client: string; server: string; lastSeen: { capturePoint: string; src: string } } {
  const oriented = linked.legs.map((g, i) => orient(ids.capture[g]!, ids.leg[g]!, captures, linked.clientIsLow[i]!));
  const capturePoints: string[] = [];
  for (const o of oriented) {
    const c = captures[o.capture]!;
    const host = hosts[o.host]!;
    const point = `${host.name}:${pointName(c, c.legs.legs.keyWord(o.leg, 0), host)}`;
    if (!capturePoints.includes(point)) capturePoints.push(point);
  }
  const first = oriented[0]!;
  const last = oriented[oriented.length - 1]!;
  return {
    capturePoints,
    client: endpointText(first.version, first.client, first.clientPort, first.proto),
    server: endpointText(first.version, first.server, first.serverPort, first.proto),
    lastSeen: { capturePoint: capturePoints[capturePoints.length - 1]!, src: endpointText(last.version, last.client, last.clientPort, last.proto) },
  };
}

/**
 * When NAT sits between a capture point and both directions' translation points (br_netfilter
 * DNAT on a bridge port, say), the point sees requests with one tuple and replies with another:
 * two legs at one point. They are one hop: the requests' tuple is the path's, the replies'
 * packets are added to it. Returns the indexes of the hops kept, in order.
 */
function foldReplyOnlyHops(oriented: OrientedLeg[], hops: Hop[]): number[] {
  const pointKey = (i: number) => `${oriented[i]!.capture}/${hops[i]!.interface}`;
  const keep: number[] = [];
  for (let i = 0; i < hops.length; i++) {
    const hop = hops[i]!;
    if (hop.packetsToServer > 0) {
      keep.push(i);
      continue;
    }
    const twin = hops.findIndex((h, j) => j !== i && h.packetsToServer > 0 && pointKey(j) === pointKey(i));
    if (twin < 0) {
      keep.push(i);
      continue;
    }
    const target = hops[twin]!;
    target.packetsToClient += hop.packetsToClient;
    target.bytesToClient += hop.bytesToClient;
    if (hop.firstSeen < target.firstSeen) target.firstSeen = hop.firstSeen;
    if (hop.lastSeen > target.lastSeen) target.lastSeen = hop.lastSeen;
  }
  return keep;
}

function orient(capture: number, leg: number, captures: CaptureOnHost[], clientIsLow: boolean): OrientedLeg {
  const c = captures[capture]!;
  const t = c.legs.legs;
  const low = new Uint32Array(4);
  const high = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    low[i] = t.keyWord(leg, 3 + i);
    high[i] = t.keyWord(leg, 7 + i);
  }
  const ports = t.keyWord(leg, 11);
  const w1 = t.keyWord(leg, 1);
  return {
    capture,
    leg,
    host: c.host,
    version: w1 >>> 24,
    proto: (w1 >>> 16) & 0xff,
    client: clientIsLow ? low : high,
    clientPort: clientIsLow ? ports >>> 16 : ports & 0xffff,
    server: clientIsLow ? high : low,
    serverPort: clientIsLow ? ports & 0xffff : ports >>> 16,
    clientIsLow,
  };
}

function describeHop(o: OrientedLeg, captures: CaptureOnHost[], hosts: HostKnowledge[], position: number): Hop {
  const c = captures[o.capture]!;
  const t = c.legs.legs;
  const leg = o.leg;
  const toServer = o.clientIsLow ? 0 : 1;
  const encap = (t.keyWord(leg, 1) >>> 8) & 0xff;
  const encapsulation: Encapsulation[] = [];
  if (encap !== 0) {
    const tunnel = t.tunnelOf(leg);
    encapsulation.push({
      type: tunnelName(encap),
      vni: t.keyWord(leg, 2) || null,
      src: tunnel === null ? null : addressKey(tunnel.version, tunnel.src),
      dst: tunnel === null ? null : addressKey(tunnel.version, tunnel.dst),
    });
  }
  const way = wayTowardServer(c.legs.points, t, leg, toServer);
  const host = hosts[o.host]!;
  const point = pointName(c, t.keyWord(leg, 0), host);
  return {
    id: `${host.name}:${point}#${c.legs.file}#${leg + 1}`,
    interface: point,
    direction: way === LinkDirection.NONE ? null : way === LinkDirection.OUT ? 'out' : 'in',
    src: endpointText(o.version, o.client, o.clientPort, o.proto),
    dst: endpointText(o.version, o.server, o.serverPort, o.proto),
    encapsulation,
    captureFile: c.legs.file,
    packetsToServer: t.packets.data[2 * leg + toServer]!,
    packetsToClient: t.packets.data[2 * leg + 1 - toServer]!,
    bytesToServer: t.bytes.data[2 * leg + toServer]!,
    bytesToClient: t.bytes.data[2 * leg + 1 - toServer]!,
    firstSeen: exactTime(t.firstExact.data, leg),
    lastSeen: exactTime(t.lastExact.data, leg),
    position,
    // Hashed only for the flows a report lists (addCommunityIds): SHA-1 per hop is not free.
    communityId: null,
  };
}

/** "host:interface" of a leg's capture point (global id). */
export function legPoint(g: number, ids: LegIds, captures: CaptureOnHost[], hosts: HostKnowledge[]): string {
  const c = captures[ids.capture[g]!]!;
  const host = hosts[c.host]!;
  return `${host.name}:${pointName(c, c.legs.legs.keyWord(ids.leg[g]!, 0), host)}`;
}

function pointName(c: CaptureOnHost, point: number, host: HostKnowledge): string {
  const p = c.legs.points[point];
  return p === undefined ? 'unnamed' : pointLabel(p, host);
}

/**
 * What users call a capture point: the pcapng interface name, the SLL2 ifindex's name from the
 * host's snapshots (`if<N>` without one), `any` for Linux cooked v1 (`tcpdump -i any` without
 * interface indexes), `unnamed` for a single-interface pcap, which does not say which one.
 */
export function pointLabel(p: CapturePoint, host: HostKnowledge): string {
  if (p.name !== null) return p.name;
  if (p.ifIndex >= 0) return host.interfaceName(p.ifIndex) ?? `if${p.ifIndex}`;
  return p.linkType === LinkType.LINUX_SLL ? 'any' : 'unnamed';
}

/**
 * The translations between two consecutive hops: one SNAT and/or one DNAT, in the order they
 * were applied, each with its own before and after. One host applies DNAT (PREROUTING/OUTPUT)
 * before SNAT (POSTROUTING); across hosts the upstream host's comes first. So for NodePort,
 * client→node:nodePort ⇒ client→pod:8080 (DNAT), then client→pod:8080 ⇒ node:port→pod:8080.
 */
function describeTranslations(a: OrientedLeg, b: OrientedLeg, ha: Hop, hb: Hop, hosts: HostKnowledge[]): Translation[] {
  // ICMP echo ids act as ports for conntrack, but people read ICMP flows by address only.
  const ports = hasPorts(a.proto);
  const familyChanged = a.version !== b.version;
  const srcChanged = familyChanged || !sameWords(a.client, b.client) || (ports && a.clientPort !== b.clientPort);
  const dstChanged = familyChanged || !sameWords(a.server, b.server) || (ports && a.serverPort !== b.serverPort);
  const placed: Array<{ t: Translation; order: number }> = [];
  const hostA = hosts[a.host]!;
  const hostB = hosts[b.host]!;
  const between: [string, string] = [`${hostA.name}:${ha.interface}`, `${hostB.name}:${hb.interface}`];
  for (const kind of ['DNAT', 'SNAT'] as const) {
    if (kind === 'SNAT' ? !srcChanged : !dstChanged) continue;
    const change = kind === 'SNAT' ? `source ${ha.src} → ${hb.src}` : `destination ${ha.dst} → ${hb.dst}`;
    const base = { kind, between, before: { src: ha.src, dst: ha.dst }, after: { src: hb.src, dst: hb.dst }, rule: null, explained: false, conntrack: null, related: null };
    // Upstream host first, then what happened between the hosts, then the downstream host; DNAT before SNAT within each.
    const order = (side: number) => side * 2 + (kind === 'DNAT' ? 0 : 1);
    if (a.host === b.host) {
      placed.push({ t: { ...base, where: 'on-host', host: hostA.name, description: `${change} on ${hostA.name} between ${ha.interface} and ${hb.interface}`, note: null }, order: order(0) });
      continue;
    }
    // Across hosts: the host owning the address the translation brought in (SNAT) or took away (DNAT) did it.
    const telling = kind === 'SNAT' ? { version: b.version, words: b.client } : { version: a.version, words: a.server };
    const owner = hostA.ownsAddress(telling.version, telling.words) ? hostA : hostB.ownsAddress(telling.version, telling.words) ? hostB : null;
    if (owner !== null) {
      const side = owner === hostA ? `after ${ha.interface}` : `before ${hb.interface}`;
      placed.push({ t: { ...base, where: 'host', host: owner.name, description: `${change} on ${owner.name}, ${side} (outside its capture points)`, note: null }, order: order(owner === hostA ? 0 : 2) });
    } else if (hostA.knowsAddresses && hostB.knowsAddresses) {
      placed.push({
        t: {
          ...base,
          where: 'beyond',
          host: null,
          description: `${change} beyond the captured hosts, between ${between[0]} and ${between[1]} (e.g. a cloud NAT gateway)`,
          note: `${addressKey(telling.version, telling.words)} belongs to neither ${hostA.name} nor ${hostB.name}`,
        },
        order: order(1),
      });
    } else {
      placed.push({
        t: {
          ...base,
          where: 'between-hosts',
          host: null,
          description: `${change} between ${between[0]} and ${between[1]}`,
          note: 'without an ip addr snapshot of both hosts natpath cannot tell which host, or what beyond them, did it',
        },
        order: order(1),
      });
    }
  }
  placed.sort((x, y) => x.order - y.order);
  const result = placed.map((p) => p.t);
  // Each changes only its own side: the first's after (and the second's before) is the tuple in between.
  if (result.length === 2 && !familyChanged) {
    const [first, second] = result as [Translation, Translation];
    const middle = first.kind === 'DNAT' ? { src: ha.src, dst: hb.dst } : { src: hb.src, dst: ha.dst };
    first.after = middle;
    second.before = { ...middle };
  }
  return result;
}

/** Epoch seconds as a decimal string with nanoseconds, the JSON contract's form for times. */
function exactTime(column: Float64Array, leg: number): string {
  return `${column[2 * leg]!}.${String(column[2 * leg + 1]!).padStart(9, '0')}`;
}

function sameWords(x: Uint32Array, y: Uint32Array): boolean {
  return x[0] === y[0] && x[1] === y[1] && x[2] === y[2] && x[3] === y[3];
}



/** Fills the Community ID of every hop and host leg of a flow about to be reported. */
export function addCommunityIds(flow: Flow): void {
  const proto = ipProtocolNumber(flow.proto);
  if (proto === null) return;
  for (const leg of flow.legs) {
    for (const hop of leg.hops) hop.communityId = communityIdOf(proto, hop.src, hop.dst);
    leg.communityId = leg.hops[0]?.communityId ?? null;
  }
}

function communityIdOf(proto: number, src: string, dst: string): string | null {
  const a = parseIpAddress(addressOf(src));
  const b = parseIpAddress(addressOf(dst));
  if (a === null || b === null || a.family !== b.family) return null;
  const words = (x: NonNullable<typeof a>) => (x.family === 'ipv4' ? [x.value, 0, 0, 0] : x.words);
  return communityId(a.family === 'ipv4' ? 4 : 6, proto, words(a), portOf(src) ?? 0, words(b), portOf(dst) ?? 0);
}
