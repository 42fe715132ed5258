// Links legs that share packets into flows, decides which end of each leg is the client, and
// orders each flow's legs along the path the client's packets took.

import { median, type LegPairEvidence } from './match-packets.js';
import type { ClockOffset } from './clock-offsets.js';

export interface LinkedFlow {
  /** Global leg ids in path order, client side first. */
  legs: number[];
  /** Per leg (same order): true when the leg's low endpoint is the client. */
  clientIsLow: boolean[];
  /** Per leg: seconds after the first leg when the client's packets passed (clock-corrected). */
  position: number[];
}

export interface LegFacts {
  host: number;
  /** 0 low endpoint opened (SYN), 1 high, 2 unknown. */
  opener: number;
  /** 0 low endpoint sent first, 1 high. */
  firstSender: number;
  /** First packet time on the reference clock. */
  firstTs: number;
  samples: number;
  /** Where the leg was seen: capture file, interface and encapsulation ("3/1/vxlan"), unique in the case. */
  point: string;
}

/** Two legs are one connection when they share at least this many packets (or all of the smaller one's). */
const MIN_SHARED = 2;

export function linkLegs(legCount: number, facts: (leg: number) => LegFacts, pairs: LegPairEvidence[], offsets: ClockOffset[]): LinkedFlow[] {
  const parent = new Int32Array(legCount);
  for (let i = 0; i < legCount; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  const edges = new Map<number, LegPairEvidence[]>();
  for (const e of keepBestPerPoint(pairs, facts)) {
    const smaller = Math.min(facts(e.a).samples, facts(e.b).samples);
    if (e.shared < Math.min(MIN_SHARED, smaller)) continue;
    parent[find(e.a)] = find(e.b);
    for (const leg of [e.a, e.b]) {
      const list = edges.get(leg) ?? [];
      list.push(e);
      edges.set(leg, list);
    }
  }
  const components = new Map<number, number[]>();
  for (let leg = 0; leg < legCount; leg++) {
    const root = find(leg);
    const list = components.get(root) ?? [];
    list.push(leg);
    components.set(root, list);
  }

  const flows: LinkedFlow[] = [];
  for (const members of components.values()) flows.push(orderFlow(members, facts, edges, offsets));
  flows.sort((x, y) => facts(x.legs[0]!).firstTs - facts(y.legs[0]!).firstTs);
  return flows;
}

/**
 * A connection passes a capture point once: of the legs at one point that share packets with a
 * leg, in the same directions, only the best-supported is its continuation (exact prints before
 * seq-less ones, then the most packets). This keeps two connections that reused the same ports
 * apart even when their payloads repeat. (Legs sharing only requests and only replies with a
 * leg — NAT between a point and both directions' translations — both stay: they are one hop.)
 */
function keepBestPerPoint(pairs: LegPairEvidence[], facts: (leg: number) => LegFacts): LegPairEvidence[] {
  const better = (x: LegPairEvidence, y: LegPairEvidence) => (x.loose !== y.loose ? !x.loose : x.shared > y.shared);
  const keyOf = (e: LegPairEvidence, leg: number) => {
    const other = leg === e.a ? e.b : e.a;
    // Which of `leg`'s endpoints sent the shared packets (1 low, 2 high, 3 both), in its own terms.
    const fromALow = e.deltasFromLow.length > 0 ? 1 : 0;
    const fromAHigh = e.deltasFromHigh.length > 0 ? 2 : 0;
    const same = e.sameOrientation * 2 >= e.shared;
    const directions = leg === e.a || same ? fromALow | fromAHigh : (fromALow << 1) | (fromAHigh >> 1);
    return `${leg} ${facts(other).point} ${directions}`;
  };
  const best = new Map<string, LegPairEvidence>();
  for (const e of pairs) {
    for (const leg of [e.a, e.b]) {
      const key = keyOf(e, leg);
      const current = best.get(key);
      if (current === undefined || better(e, current)) best.set(key, e);
    }
  }
  // An edge survives when it is the best towards the other's point from both of its ends. Two
  // legs at one point linked only without sequence numbers are two connections on reused ports.
  return pairs.filter(
    (e) => best.get(keyOf(e, e.a)) === e && best.get(keyOf(e, e.b)) === e && !(e.loose && facts(e.a).point === facts(e.b).point),
  );
}

function orderFlow(members: number[], facts: (leg: number) => LegFacts, edges: Map<number, LegPairEvidence[]>, offsets: ClockOffset[]): LinkedFlow {
  // Start from a leg that saw the handshake, else from the earliest one.
  const anchor = [...members].sort((x, y) => {
    const kx = facts(x).opener === 2 ? 1 : 0;
    const ky = facts(y).opener === 2 ? 1 : 0;
    return kx - ky || facts(x).firstTs - facts(y).firstTs;
  })[0]!;
  const a = facts(anchor);
  const clientIsLow = new Map<number, boolean>([[anchor, (a.opener === 2 ? a.firstSender : a.opener) === 0]]);
  const position = new Map<number, number>([[anchor, 0]]);
  // Breadth-first along the best-supported edges: orientation and transit time accumulate.
  const queue = [anchor];
  while (queue.length > 0) {
    const from = queue.shift()!;
    const list = [...(edges.get(from) ?? [])].sort((x, y) => y.shared - x.shared);
    for (const e of list) {
      const to = e.a === from ? e.b : e.a;
      if (clientIsLow.has(to)) continue;
      const same = e.sameOrientation * 2 >= e.shared;
      const fromClientLow = clientIsLow.get(from)!;
      clientIsLow.set(to, same ? fromClientLow : !fromClientLow);
      position.set(to, position.get(from)! + transit(e, from, fromClientLow, facts, offsets));
      queue.push(to);
    }
  }
  const ordered = orderByHost(members, position, facts, edges, clientIsLow);
  const base = position.get(ordered[0]!)!;
  return {
    legs: ordered,
    clientIsLow: ordered.map((l) => clientIsLow.get(l)!),
    position: ordered.map((l) => position.get(l)! - base),
  };
}

/**
 * A connection crosses each host once, so its legs are grouped by host. Hosts are ordered by
 * what does not depend on clock offsets: a packet to the server reaches the downstream host
 * later, and its reply earlier, than the upstream one (sign of to-server minus to-client delta);
 * without replies, by TTL (routers lower it, NAT leaves it). Inside a host one clock serves all
 * capture points, so positions order them.
 */
function orderByHost(
  members: number[],
  position: Map<number, number>,
  facts: (leg: number) => LegFacts,
  edges: Map<number, LegPairEvidence[]>,
  clientIsLow: Map<number, boolean>,
): number[] {
  const hostsInFlow = [...new Set(members.map((l) => facts(l).host))];
  const earliest = new Map<number, number>();
  for (const l of members) {
    const h = facts(l).host;
    earliest.set(h, Math.min(earliest.get(h) ?? Infinity, position.get(l)!));
  }
  // votes.get(x * 65536 + y) > 0: host y is downstream of host x.
  const votes = new Map<number, number>();
  const seen = new Set<LegPairEvidence>();
  for (const l of members) {
    for (const e of edges.get(l) ?? []) {
      if (seen.has(e)) continue;
      seen.add(e);
      const ha = facts(e.a).host;
      const hb = facts(e.b).host;
      if (ha === hb) continue;
      const aClientLow = clientIsLow.get(e.a)!;
      let vote: number;
      if (e.deltasFromLow.length > 0 && e.deltasFromHigh.length > 0) {
        const toServer = median(aClientLow ? e.deltasFromLow : e.deltasFromHigh);
        const toClient = median(aClientLow ? e.deltasFromHigh : e.deltasFromLow);
        vote = Math.sign(toServer - toClient) * e.shared;
      } else {
        // One direction only (no replies): times cannot cancel the clock offset, TTLs can.
        vote = aClientLow ? e.ttlVotesFromLow - e.ttlVotesFromHigh : e.ttlVotesFromHigh - e.ttlVotesFromLow;
      }
      votes.set(ha * 65536 + hb, (votes.get(ha * 65536 + hb) ?? 0) + vote);
      votes.set(hb * 65536 + ha, (votes.get(hb * 65536 + ha) ?? 0) - vote);
    }
  }
  hostsInFlow.sort((x, y) => {
    const v = votes.get(x * 65536 + y) ?? 0;
    return v !== 0 ? -Math.sign(v) : earliest.get(x)! - earliest.get(y)!;
  });
  const rank = new Map(hostsInFlow.map((h, i) => [h, i]));
  return [...members].sort((x, y) => rank.get(facts(x).host)! - rank.get(facts(y).host)! || position.get(x)! - position.get(y)!);
}

/** Seconds the client's packets took from leg `from` to the other leg of `e` (negative: the other leg is upstream). */
function transit(e: LegPairEvidence, from: number, fromClientLow: boolean, facts: (leg: number) => LegFacts, offsets: ClockOffset[]): number {
  // Deltas are ts(b) − ts(a), split by who sent the packet in leg a.
  const aClientLow = e.a === from ? fromClientLow : undefined;
  const sign = e.a === from ? 1 : -1;
  let toServer: number[];
  let toClient: number[];
  if (aClientLow !== undefined) {
    toServer = aClientLow ? e.deltasFromLow : e.deltasFromHigh;
    toClient = aClientLow ? e.deltasFromHigh : e.deltasFromLow;
  } else {
    // `from` is b: orient by b's client side mapped onto a through the pair's orientation.
    const same = e.sameOrientation * 2 >= e.shared;
    const aLowIsClient = same ? fromClientLow : !fromClientLow;
    toServer = aLowIsClient ? e.deltasFromLow : e.deltasFromHigh;
    toClient = aLowIsClient ? e.deltasFromHigh : e.deltasFromLow;
  }
  const fa = facts(e.a);
  const fb = facts(e.b);
  const mServer = median(toServer);
  const mClient = median(toClient);
  const correction = (offsets[fb.host]?.offsetSeconds ?? 0) - (offsets[fa.host]?.offsetSeconds ?? 0);
  const raw = toServer.length > 0 ? mServer - correction : -(mClient - correction);
  return sign * raw;
}
