// Links legs that share packets into flows, decides which end of each leg is the client, and
// orders each flow's legs along the path the client's packets took. Works on numbers only (leg
// ids, pair numbers, typed arrays): a case can hold hundreds of thousands of connections.

import { LinkDirection } from '../flow/recorded-direction.js';
import type { ClockOffset } from './clock-offsets.js';
import type { PairEvidence } from './pair-evidence.js';
import { REPORT_EVERY, REPORT_EVERY_HEAVY, type ReportShare } from './report-share.js';

/** What linking needs to know of every leg (global id), column-wise. */
export interface LegFacts {
  host: Uint16Array;
  /** 0 low endpoint opened (TCP SYN, ICMP request or error), 1 high, 2 unknown. */
  opener: Uint8Array;
  /** 0 low endpoint sent first, 1 high. */
  firstSender: Uint8Array;
  /** 0 the host's conntrack records the low endpoint as the original source, 1 the high one, 2 no entry (conntrack-orientation.ts). */
  conntrackClient: Uint8Array;
  /** First packet time on the reference clock. */
  firstTs: Float64Array;
  samples: Uint32Array;
  /** Where the leg was seen (capture file, interface, encapsulation), numbered across the case. */
  point: Int32Array;
  /** The direction recorded for each end's packets (flow/recorded-direction.ts sideWays): orders a host's points that share no packets. */
  ways: Uint8Array;
}

/** One flow: its legs in path order, client side first. */
export interface LinkedFlow {
  /** Global leg ids in path order. */
  legs: number[];
  /** Per leg (same order): true when the leg's low endpoint is the client. */
  clientIsLow: boolean[];
  /** Per leg: seconds after the first leg when the client's packets passed (clock-corrected). */
  position: number[];
  /** What decided which end is the client (OrientedBy). */
  orientedBy: number;
  /** A leg whose host's conntrack entry names the other end as the client: the flow's orientation was kept. */
  conntrackContradicted: boolean;
}

/**
 * What decided which end of a flow is the client, strongest first (docs/analyze.md,
 * "Orientation"): a leg saw the TCP handshake (or an ICMP type that says who asked); else a leg's host had a conntrack entry of it;
 * else only which end sent the first captured packet — a guess.
 */
export const OrientedBy = { PROTOCOL: 0, CONNTRACK: 1, FIRST_SENDER: 2 } as const;

/** Every flow of the case, in order of first appearance, legs of flow i at [start[i], start[i + 1]). */
export class LinkedFlows {
  constructor(
    readonly count: number,
    readonly start: Int32Array,
    readonly legs: Int32Array,
    readonly clientIsLow: Uint8Array,
    readonly position: Float64Array,
    /** Per flow: OrientedBy. */
    readonly orientedBy: Uint8Array,
    /** Per flow: 1 when a conntrack entry contradicted the orientation kept. */
    readonly conntrackContradicted: Uint8Array,
  ) {}

  flow(i: number): LinkedFlow {
    const from = this.start[i]!;
    const to = this.start[i + 1]!;
    return {
      legs: Array.from(this.legs.subarray(from, to)),
      clientIsLow: Array.from(this.clientIsLow.subarray(from, to), (x) => x === 1),
      position: Array.from(this.position.subarray(from, to)),
      orientedBy: this.orientedBy[i]!,
      conntrackContradicted: this.conntrackContradicted[i] === 1,
    };
  }
}

/** FlowOrderer.role: the flow's request enters the host at the leg's point, or leaves it there. */
const ENTERS = 1;
const LEAVES = 2;

/** Two legs are one connection when they share at least this many packets (or all of the smaller one's). */
const MIN_SHARED = 2;

/** Share of linking's time the pass over the leg pairs takes (union-find, best per point): 0.22 s of 1.19 s measured. */
const PAIRS_SHARE = 0.2;

/**
 * `report` hears how far linking is: the pass over the leg pairs (a fifth of the work, measured
 * on a replayed case of 48 000 legs) and the ordering of each flow's legs (the rest).
 */
export function linkLegs(facts: LegFacts, pairs: PairEvidence, offsets: ClockOffset[], report?: ReportShare): LinkedFlows {
  const legCount = facts.host.length;
  const incidences = incidencesByLeg(legCount, pairs);
  const kept = keepBestPerPoint(incidences, pairs, facts);
  const parent = new Int32Array(legCount);
  for (let i = 0; i < legCount; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  for (let e = 0; e < pairs.count; e++) {
    if (report !== undefined && e % REPORT_EVERY === 0) report((PAIRS_SHARE * e) / pairs.count);
    if (kept[e] === 0) continue;
    const a = pairs.a.data[e]!;
    const b = pairs.b.data[e]!;
    const smaller = Math.min(facts.samples[a]!, facts.samples[b]!);
    if (pairs.shared.data[e]! < Math.min(MIN_SHARED, smaller)) {
      kept[e] = 0;
      continue;
    }
    parent[find(a)] = find(b);
  }

  // Components numbered by their lowest leg, members in leg order (counting sort).
  const component = new Int32Array(legCount);
  const componentOfRoot = new Int32Array(legCount).fill(-1);
  let components = 0;
  for (let leg = 0; leg < legCount; leg++) {
    const root = find(leg);
    if (componentOfRoot[root]! < 0) componentOfRoot[root] = components++;
    component[leg] = componentOfRoot[root]!;
  }
  const memberStart = new Int32Array(components + 1);
  for (let leg = 0; leg < legCount; leg++) memberStart[component[leg]! + 1]!++;
  for (let c = 0; c < components; c++) memberStart[c + 1]! += memberStart[c]!;
  const members = new Int32Array(legCount);
  const fill = memberStart.slice(0, components);
  for (let leg = 0; leg < legCount; leg++) members[fill[component[leg]!]!++] = leg;

  const orderer = new FlowOrderer(facts, pairs, incidences, kept, offsets);
  const orderedLegs = new Int32Array(legCount);
  const clientIsLow = new Uint8Array(legCount);
  const position = new Float64Array(legCount);
  const orientedBy = new Uint8Array(components);
  const contradicted = new Uint8Array(components);
  for (let c = 0; c < components; c++) {
    if (report !== undefined && c % REPORT_EVERY_HEAVY === 0) report(PAIRS_SHARE + ((1 - PAIRS_SHARE) * c) / components);
    orientedBy[c] = orderer.order(members, memberStart[c]!, memberStart[c + 1]!, orderedLegs, clientIsLow, position);
    contradicted[c] = conntrackContradicts(facts, orderedLegs, clientIsLow, memberStart[c]!, memberStart[c + 1]!) ? 1 : 0;
  }
  report?.(1);

  // Flows in order of their first leg's time (ties: by lowest leg, as components are numbered).
  const firstTs = new Float64Array(components);
  let inOrder = true;
  for (let c = 0; c < components; c++) {
    firstTs[c] = facts.firstTs[orderedLegs[memberStart[c]!]!]!;
    if (c > 0 && !(firstTs[c - 1]! <= firstTs[c]!)) inOrder = false;
  }
  // Legs are numbered as captures met them, so flows usually come in time order already.
  if (inOrder) return new LinkedFlows(components, memberStart, orderedLegs, clientIsLow, position, orientedBy, contradicted);
  const byTime = Array.from({ length: components }, (_, c) => c);
  if (!inOrder) byTime.sort((x, y) => firstTs[x]! - firstTs[y]! || x - y);
  const start = new Int32Array(components + 1);
  const legs = new Int32Array(legCount);
  const low = new Uint8Array(legCount);
  const pos = new Float64Array(legCount);
  const by = new Uint8Array(components);
  const against = new Uint8Array(components);
  let at = 0;
  for (let i = 0; i < components; i++) {
    const c = byTime[i]!;
    start[i] = at;
    by[i] = orientedBy[c]!;
    against[i] = contradicted[c]!;
    for (let k = memberStart[c]!; k < memberStart[c + 1]!; k++, at++) {
      legs[at] = orderedLegs[k]!;
      low[at] = clientIsLow[k]!;
      pos[at] = position[k]!;
    }
  }
  start[components] = at;
  return new LinkedFlows(components, start, legs, low, pos, by, against);
}

/** Whether a leg of the flow at [from, to) has a conntrack entry naming the other end as its client. */
function conntrackContradicts(facts: LegFacts, legs: Int32Array, clientIsLow: Uint8Array, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const says = facts.conntrackClient[legs[k]!]!;
    if (says !== 2 && (says === 0) !== (clientIsLow[k] === 1)) return true;
  }
  return false;
}

/** The strength of the evidence a leg carries on which end is the client: lower is stronger (OrientedBy). */
function evidenceOf(f: LegFacts, leg: number): number {
  return f.opener[leg] !== 2 ? OrientedBy.PROTOCOL : f.conntrackClient[leg] !== 2 ? OrientedBy.CONNTRACK : OrientedBy.FIRST_SENDER;
}

/** Whether the leg's low endpoint is the client, by the strongest evidence the leg itself carries. */
function lowIsClient(f: LegFacts, leg: number): boolean {
  const side = f.opener[leg] !== 2 ? f.opener[leg] : f.conntrackClient[leg] !== 2 ? f.conntrackClient[leg] : f.firstSender[leg];
  return side === 0;
}

/** Each leg's pairs, in pair order: pairs of leg L are list[start[L] .. start[L + 1]). */
interface Incidences {
  start: Int32Array;
  list: Int32Array;
}

function incidencesByLeg(legCount: number, pairs: PairEvidence): Incidences {
  const start = new Int32Array(legCount + 1);
  for (let e = 0; e < pairs.count; e++) {
    start[pairs.a.data[e]! + 1]!++;
    start[pairs.b.data[e]! + 1]!++;
  }
  for (let l = 0; l < legCount; l++) start[l + 1]! += start[l]!;
  const list = new Int32Array(2 * pairs.count);
  const fill = start.slice(0, legCount);
  for (let e = 0; e < pairs.count; e++) {
    list[fill[pairs.a.data[e]!]!++] = e;
    list[fill[pairs.b.data[e]!]!++] = e;
  }
  return { start, list };
}

/**
 * A connection passes a capture point once: of the legs at one point that share packets with a
 * leg, in the same directions, only the best-supported is its continuation (exact prints before
 * seq-less ones, then the most packets; the first found on a tie). This keeps two connections
 * that reused the same ports apart even when their payloads repeat. (Legs sharing only requests
 * and only replies with a leg — NAT between a point and both directions' translations — both
 * stay: they are one hop.) Returns 1 per pair that survives.
 */
function keepBestPerPoint(incidences: Incidences, pairs: PairEvidence, facts: LegFacts): Uint8Array {
  const bestAt = new Uint8Array(pairs.count);
  // Per leg, the best pair per (other point, directions): a few groups, searched linearly.
  const groupKey: number[] = [];
  const groupBest: number[] = [];
  const legCount = incidences.start.length - 1;
  for (let leg = 0; leg < legCount; leg++) {
    const from = incidences.start[leg]!;
    const to = incidences.start[leg + 1]!;
    // A leg with one pair (most of them) has nothing to choose from.
    if (to - from === 1) {
      bestAt[incidences.list[from]!]!++;
      continue;
    }
    groupKey.length = 0;
    groupBest.length = 0;
    for (let k = from; k < to; k++) {
      const e = incidences.list[k]!;
      const key = directionKey(e, leg, pairs, facts);
      const g = groupKey.indexOf(key);
      if (g < 0) {
        groupKey.push(key);
        groupBest.push(e);
      } else if (better(e, groupBest[g]!, pairs)) {
        groupBest[g] = e;
      }
    }
    for (let g = 0; g < groupBest.length; g++) bestAt[groupBest[g]!]!++;
  }
  // An edge survives when it is the best towards the other's point from both of its ends. Two
  // legs at one point linked only without sequence numbers are two connections on reused ports.
  const kept = new Uint8Array(pairs.count);
  for (let e = 0; e < pairs.count; e++) {
    const samePoint = facts.point[pairs.a.data[e]!] === facts.point[pairs.b.data[e]!];
    kept[e] = bestAt[e] === 2 && !(pairs.loose.data[e] === 1 && samePoint) ? 1 : 0;
  }
  return kept;
}

function better(x: number, y: number, pairs: PairEvidence): boolean {
  const lx = pairs.loose.data[x]!;
  const ly = pairs.loose.data[y]!;
  return lx !== ly ? lx === 0 : pairs.shared.data[x]! > pairs.shared.data[y]!;
}

/** The other leg's point and which of `leg`'s endpoints sent the shared packets (1 low, 2 high, 3 both), in `leg`'s own terms. */
function directionKey(e: number, leg: number, pairs: PairEvidence, facts: LegFacts): number {
  const a = pairs.a.data[e]!;
  const other = leg === a ? pairs.b.data[e]! : a;
  const fromALow = pairs.fromLow.data[e]! > 0 ? 1 : 0;
  const fromAHigh = pairs.fromHigh.data[e]! > 0 ? 2 : 0;
  const directions = leg === a || pairs.sameWay(e) ? fromALow | fromAHigh : (fromALow << 1) | (fromAHigh >> 1);
  return facts.point[other]! * 4 + directions;
}

/** Orients and orders the legs of one flow; scratch state is per leg id and reused across flows. */
class FlowOrderer {
  private readonly clientLow: Uint8Array;
  private readonly position: Float64Array;
  private readonly visited: Uint8Array;
  private readonly queue: Int32Array;
  /** A leg's index among the legs of one host being ordered (valid only for those legs). */
  private readonly slot: Int32Array;

  constructor(
    private readonly facts: LegFacts,
    private readonly pairs: PairEvidence,
    private readonly incidences: Incidences,
    private readonly kept: Uint8Array,
    private readonly offsets: ClockOffset[],
  ) {
    const n = facts.host.length;
    this.clientLow = new Uint8Array(n);
    this.position = new Float64Array(n);
    this.visited = new Uint8Array(n);
    this.queue = new Int32Array(n);
    this.slot = new Int32Array(n);
  }

  /**
   * Writes members[from, to) in path order, with orientation and position, at `from` in the
   * outputs; returns what oriented the flow (OrientedBy). One orientation for the whole flow: the
   * leg with the strongest evidence (then the earliest) decides, the others follow along the
   * pairs, so a leg that saw only replies takes it from a leg that saw the request.
   */
  order(all: Int32Array, from: number, to: number, outLegs: Int32Array, outLow: Uint8Array, outPosition: Float64Array): number {
    const f = this.facts;
    const at = from;
    if (to - from === 1) {
      const leg = all[from]!;
      outLegs[at] = leg;
      outLow[at] = lowIsClient(f, leg) ? 1 : 0;
      outPosition[at] = 0;
      return evidenceOf(f, leg);
    }
    if (to - from === 2) return this.orderTwo(all[from]!, all[from + 1]!, at, outLegs, outLow, outPosition);
    const members = all.subarray(from, to);
    let anchor = members[0]!;
    for (const leg of members) {
      const k = evidenceOf(f, leg);
      const ka = evidenceOf(f, anchor);
      if (k < ka || (k === ka && f.firstTs[leg]! < f.firstTs[anchor]!)) anchor = leg;
    }
    this.clientLow[anchor] = lowIsClient(f, anchor) ? 1 : 0;
    this.position[anchor] = 0;
    this.visited[anchor] = 1;
    // Breadth-first along the best-supported edges: orientation and transit time accumulate.
    let head = 0;
    let tail = 0;
    this.queue[tail++] = anchor;
    while (head < tail) {
      const from = this.queue[head++]!;
      for (const e of this.edgesOf(from).sort((x, y) => this.pairs.shared.data[y]! - this.pairs.shared.data[x]!)) {
        const to = this.pairs.a.data[e] === from ? this.pairs.b.data[e]! : this.pairs.a.data[e]!;
        if (this.visited[to] === 1) continue;
        this.visited[to] = 1;
        const fromClientLow = this.clientLow[from] === 1;
        this.clientLow[to] = (this.pairs.sameWay(e) ? fromClientLow : !fromClientLow) ? 1 : 0;
        this.position[to] = this.position[from]! + this.transit(e, from, fromClientLow);
        this.queue[tail++] = to;
      }
    }
    const ordered = this.orderByHost(members);
    const base = this.position[ordered[0]!]!;
    ordered.forEach((leg, i) => {
      outLegs[at + i] = leg;
      outLow[at + i] = this.clientLow[leg]!;
      outPosition[at + i] = this.position[leg]! - base;
      this.visited[leg] = 0;
    });
    return evidenceOf(f, anchor);
  }

  /**
   * The common flow of two legs (one connection at two points), the general path without its
   * arrays and sorts: the same anchor, orientation, transit time and host order.
   */
  private orderTwo(m0: number, m1: number, at: number, outLegs: Int32Array, outLow: Uint8Array, outPosition: Float64Array): number {
    const f = this.facts;
    const k0 = evidenceOf(f, m0);
    const k1 = evidenceOf(f, m1);
    const anchor = k1 < k0 || (k1 === k0 && f.firstTs[m1]! < f.firstTs[m0]!) ? m1 : m0;
    // Their one surviving edge (the component is the two of them).
    let e = -1;
    for (let k = this.incidences.start[m0]!; k < this.incidences.start[m0 + 1]! && e < 0; k++) {
      if (this.kept[this.incidences.list[k]!] === 1) e = this.incidences.list[k]!;
    }
    const anchorClientLow = lowIsClient(f, anchor);
    const otherClientLow = this.pairs.sameWay(e) ? anchorClientLow : !anchorClientLow;
    const otherPosition = this.transit(e, anchor, anchorClientLow);
    const low0 = anchor === m0 ? anchorClientLow : otherClientLow;
    const pos0 = anchor === m0 ? 0 : otherPosition;
    const pos1 = anchor === m0 ? otherPosition : 0;
    let secondFirst: boolean;
    if (f.host[m0] === f.host[m1]) {
      secondFirst = pos1 < pos0;
    } else {
      // m0 < m1 is the edge's a end; the vote says whether m1's host is downstream of m0's.
      const vote = this.hostVote(e, low0);
      secondFirst = vote !== 0 ? vote < 0 : pos1 < pos0;
    }
    const first = secondFirst ? m1 : m0;
    const base = secondFirst ? pos1 : pos0;
    outLegs[at] = first;
    outLegs[at + 1] = secondFirst ? m0 : m1;
    outLow[at] = (first === anchor ? anchorClientLow : otherClientLow) ? 1 : 0;
    outLow[at + 1] = (first === anchor ? otherClientLow : anchorClientLow) ? 1 : 0;
    outPosition[at] = 0;
    outPosition[at + 1] = (secondFirst ? pos0 : pos1) - base;
    return evidenceOf(f, anchor);
  }

  /** > 0 when b's host is downstream of a's for the pair's packets, < 0 upstream, 0 undecided. */
  private hostVote(e: number, aClientLow: boolean): number {
    const p = this.pairs;
    if (p.sentBy(e, true) > 0 && p.sentBy(e, false) > 0) {
      const toServer = p.medians[2 * e + (aClientLow ? 0 : 1)]!;
      const toClient = p.medians[2 * e + (aClientLow ? 1 : 0)]!;
      return Math.sign(toServer - toClient) * p.shared.data[e]!;
    }
    // One direction only (no replies): times cannot cancel the clock offset, TTLs can.
    const low = p.ttlVotesFromLow.data[e]!;
    const high = p.ttlVotesFromHigh.data[e]!;
    return aClientLow ? low - high : high - low;
  }

  /** The leg's surviving edges, in pair order. */
  private edgesOf(leg: number): number[] {
    const list: number[] = [];
    for (let k = this.incidences.start[leg]!; k < this.incidences.start[leg + 1]!; k++) {
      const e = this.incidences.list[k]!;
      if (this.kept[e] === 1) list.push(e);
    }
    return list;
  }

  /**
   * A connection crosses each host once, so its legs are grouped by host. Hosts are ordered by
   * what does not depend on clock offsets: a packet to the server reaches the downstream host
   * later, and its reply earlier, than the upstream one (sign of to-server minus to-client delta);
   * without replies, by TTL (routers lower it, NAT leaves it). Inside a host, by the packets each
   * pair of its capture points shares (orderWithinHost).
   */
  private orderByHost(members: Int32Array): number[] {
    const f = this.facts;
    const p = this.pairs;
    const legs = Array.from(members);
    // The flow's hosts in order of appearance (a few), and each one's earliest position.
    const hosts: number[] = [];
    const earliest: number[] = [];
    for (const l of legs) {
      const i = hosts.indexOf(f.host[l]!);
      if (i < 0) {
        hosts.push(f.host[l]!);
        earliest.push(this.position[l]!);
      } else if (this.position[l]! < earliest[i]!) {
        earliest[i] = this.position[l]!;
      }
    }
    if (hosts.length === 1) return this.orderWithinHost(legs.sort((x, y) => this.position[x]! - this.position[y]!));
    // votes[x * n + y] > 0: the y-th host is downstream of the x-th.
    const n = hosts.length;
    const votes = new Array<number>(n * n).fill(0);
    for (const l of legs) {
      for (const e of this.edgesOf(l)) {
        // Each edge once: from its a end.
        const a = p.a.data[e]!;
        if (a !== l) continue;
        const x = hosts.indexOf(f.host[a]!);
        const y = hosts.indexOf(f.host[p.b.data[e]!]!);
        if (x === y) continue;
        const vote = this.hostVote(e, this.clientLow[a] === 1);
        votes[x * n + y]! += vote;
        votes[y * n + x]! -= vote;
      }
    }
    const byRank = hosts.map((_, i) => i);
    byRank.sort((x, y) => {
      const v = votes[x * n + y]!;
      return v !== 0 ? -Math.sign(v) : earliest[x]! - earliest[y]!;
    });
    const rank = new Array<number>(n);
    byRank.forEach((x, r) => (rank[x] = r));
    const rankOf = (leg: number) => rank[hosts.indexOf(f.host[leg]!)]!;
    legs.sort((x, y) => rankOf(x) - rankOf(y) || this.position[x]! - this.position[y]!);
    const ordered: number[] = [];
    for (let i = 0; i < legs.length; ) {
      let j = i + 1;
      while (j < legs.length && f.host[legs[j]!] === f.host[legs[i]!]) j++;
      ordered.push(...(j - i > 1 ? this.orderWithinHost(legs.slice(i, j)) : legs.slice(i, j)));
      i = j;
    }
    return ordered;
  }

  /**
   * The capture points of one host, in the order the same packets crossed them. A position is a
   * median over the packets of one pair of legs, and a point that saw only part of the flow (on a
   * bridge only a connection's first packet may pass cni0, later ones go from port to port) is
   * placed by other packets than its neighbours: its SYN took longer than the typical packet. So
   * two legs that share packets are ordered by those packets (the sign of their own transit);
   * positions only order legs without a pair between them, and break cycles. A leg placed after
   * another by shared packets but positioned before it takes the other's position plus that
   * transit, so times along the path never go backwards. `legs` arrive sorted by position.
   */
  private orderWithinHost(legs: number[]): number[] {
    const n = legs.length;
    if (n < 2) return legs;
    for (let i = 0; i < n; i++) this.slot[legs[i]!] = i;
    // later[i]: the legs whose shared packets passed legs[i] first, with that transit in seconds.
    // Lists, not an n×n matrix: one host's points of a flow are few, but nothing bounds them.
    const later: { to: number; transit: number }[][] = Array.from({ length: n }, () => []);
    const before = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const from = legs[i]!;
      for (const e of this.edgesOf(from)) {
        const other = this.pairs.a.data[e] === from ? this.pairs.b.data[e]! : this.pairs.a.data[e]!;
        const j = this.slot[other]!;
        if (j <= i || legs[j] !== other) continue; // seen from the other end, or on another host
        const t = this.transit(e, from, this.clientLow[from] === 1);
        if (!(t !== 0)) continue;
        const [x, y] = t > 0 ? [i, j] : [j, i];
        later[x]!.push({ to: y, transit: Math.abs(t) });
        before[y]!++;
      }
    }
    // Points that share no packets (each saw one way of the flow: a capture of one direction, or
    // a bridge port that saw only the first packet) are ordered by the directions their captures
    // recorded: on one host the request enters (points where it is incoming, or its reply
    // outgoing) before it leaves. No transit is known between them: the later one's position is
    // at least the earlier one's.
    for (let i = 0; i < n; i++) {
      const ri = this.role(legs[i]!);
      if (ri === 0) continue;
      for (let j = i + 1; j < n; j++) {
        const rj = this.role(legs[j]!);
        if (rj === 0 || rj === ri || later[i]!.some((a) => a.to === j) || later[j]!.some((a) => a.to === i)) continue;
        const [x, y] = ri === ENTERS ? [i, j] : [j, i];
        later[x]!.push({ to: y, transit: 0 });
        before[y]!++;
      }
    }
    // Kahn's order; among legs free to go next, the earliest position (legs are sorted by it).
    const placed = new Uint8Array(n);
    const ordered: number[] = [];
    let previous = -1;
    while (ordered.length < n) {
      let next = -1;
      for (let i = 0; i < n && next < 0; i++) if (placed[i] === 0 && before[i] === 0) next = i;
      for (let i = 0; i < n && next < 0; i++) if (placed[i] === 0) next = i; // a cycle: by position
      placed[next] = 1;
      for (const arc of later[next]!) before[arc.to]!--;
      const leg = legs[next]!;
      if (previous >= 0) {
        const arc = later[previous]!.find((a) => a.to === next);
        const last = legs[previous]!;
        if (arc !== undefined && this.position[leg]! < this.position[last]!) this.position[leg] = this.position[last]! + arc.transit;
      }
      ordered.push(leg);
      previous = next;
    }
    return ordered;
  }

  /**
   * Where the flow's request meets the leg's point, by the directions recorded there: ENTERS the
   * host (the request incoming, or its reply outgoing), LEAVES it (the other way round), or 0 —
   * none recorded, or both ways the same.
   */
  private role(leg: number): number {
    const ways = this.facts.ways[leg]!;
    const low = ways & 3;
    const high = (ways >>> 2) & 3;
    const toServer = this.clientLow[leg] === 1 ? low : high;
    const toClient = this.clientLow[leg] === 1 ? high : low;
    const enters = toServer === LinkDirection.IN || toClient === LinkDirection.OUT;
    const leaves = toServer === LinkDirection.OUT || toClient === LinkDirection.IN;
    return enters === leaves ? 0 : enters ? ENTERS : LEAVES;
  }

  /** Seconds the client's packets took from leg `from` to the other leg of `e` (negative: the other leg is upstream). */
  private transit(e: number, from: number, fromClientLow: boolean): number {
    const p = this.pairs;
    // Deltas are ts(b) − ts(a), split by who sent the packet in leg a.
    const a = p.a.data[e]!;
    const b = p.b.data[e]!;
    const aLowIsClient = a === from ? fromClientLow : p.sameWay(e) ? fromClientLow : !fromClientLow;
    const sign = a === from ? 1 : -1;
    const correction = (this.offsets[this.facts.host[b]!]?.offsetSeconds ?? 0) - (this.offsets[this.facts.host[a]!]?.offsetSeconds ?? 0);
    const raw = p.sentBy(e, aLowIsClient) > 0 ? p.medians[2 * e + (aLowIsClient ? 0 : 1)]! - correction : -(p.medians[2 * e + (aLowIsClient ? 1 : 0)]! - correction);
    return sign * raw;
  }
}
