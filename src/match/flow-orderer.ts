// Orients one flow's legs and orders them along the path the client's packets took (link-legs.ts
// finds the flows). It runs once per flow, and a case holds hundreds of thousands: every list it
// needs (a leg's edges, the flow's hosts, their votes, the arcs between one host's points) lives
// in typed scratch arrays sized to the largest flow met and reused, so ordering a flow allocates
// nothing. Its sorts give the order Array.prototype.sort gave them (array-sort-order.ts), even
// where a comparison is inconsistent (host votes that go round in a circle).

import { LinkDirection } from '../flow/recorded-direction.js';
import type { ClockOffset } from './clock-offsets.js';
import { sortLikeArraySort } from './array-sort-order.js';
import { type Incidences, type LegFacts, evidenceOf, lowIsClient } from './leg-facts.js';
import type { PairEvidence } from './pair-evidence.js';

/** role(): the flow's request enters the host at the leg's point, or leaves it there. */
const ENTERS = 1;
const LEAVES = 2;

/** Orients and orders the legs of one flow; scratch state is per leg id or per flow, reused across flows. */
export class FlowOrderer {
  // Per leg id (valid only for the legs of the flow being ordered).
  private readonly clientLow: Uint8Array;
  private readonly position: Float64Array;
  private readonly visited: Uint8Array;
  private readonly queue: Int32Array;
  /** A leg's index among the legs of one host being ordered. */
  private readonly slot: Int32Array;
  /** The rank of a leg's host along the flow's path. */
  private readonly hostRankOf: Int32Array;
  /** Each host's clock offset (seconds), by host index. */
  private readonly offsetOf: Float64Array;

  // Per flow, grown to the largest flow met.
  /** The flow's legs as they are being ordered, then (`ordered`) in path order. */
  private work = new Int32Array(16);
  private ordered = new Int32Array(16);
  /** One leg's surviving edges. */
  private edges = new Int32Array(16);
  /** The flow's hosts in order of appearance, each one's earliest position, and the votes between them (row-major, hostCount²). */
  private hosts = new Int32Array(4);
  private earliest = new Float64Array(4);
  private votes = new Float64Array(16);
  private hostCount = 0;
  /** Host indexes (into `hosts`) in path order. */
  private hostOrder = new Int32Array(4);
  // Arcs between one host's points, as linked lists per point in insertion order: arc k goes from
  // arcFrom's point to arcTo[k] with arcTransit[k] seconds; arcNext[k] is the point's next arc.
  private arcHead = new Int32Array(16);
  private arcTail = new Int32Array(16);
  private arcNext = new Int32Array(64);
  private arcTo = new Int32Array(64);
  private arcTransit = new Float64Array(64);
  private arcCount = 0;
  /** Per point of the host: arcs still to be placed before it (Kahn), and whether it is placed. */
  private before = new Int32Array(16);
  private placed = new Uint8Array(16);

  constructor(
    private readonly facts: LegFacts,
    private readonly pairs: PairEvidence,
    private readonly incidences: Incidences,
    private readonly kept: Uint8Array,
    offsets: ClockOffset[],
  ) {
    const n = facts.host.length;
    this.clientLow = new Uint8Array(n);
    this.position = new Float64Array(n);
    this.visited = new Uint8Array(n);
    this.queue = new Int32Array(n);
    this.slot = new Int32Array(n);
    this.hostRankOf = new Int32Array(n);
    this.offsetOf = Float64Array.from(offsets, (o) => o.offsetSeconds);
  }

  /**
   * Writes members[from, to) in path order, with orientation and position, at `from` in the
   * outputs; returns what oriented the flow (OrientedBy). One orientation for the whole flow: the
   * leg with the strongest evidence (then the earliest) decides, the others follow along the
   * pairs, so a leg that saw only replies takes it from a leg that saw the request.
   */
  order(all: Int32Array, from: number, to: number, outLegs: Int32Array, outLow: Uint8Array, outPosition: Float64Array): number {
    const f = this.facts;
    const n = to - from;
    if (n === 1) {
      const leg = all[from]!;
      outLegs[from] = leg;
      outLow[from] = lowIsClient(f, leg) ? 1 : 0;
      outPosition[from] = 0;
      return evidenceOf(f, leg);
    }
    if (n === 2) return this.orderTwo(all[from]!, all[from + 1]!, from, outLegs, outLow, outPosition);
    let anchor = all[from]!;
    for (let k = from; k < to; k++) {
      const leg = all[k]!;
      const e = evidenceOf(f, leg);
      const ea = evidenceOf(f, anchor);
      if (e < ea || (e === ea && f.firstTs[leg]! < f.firstTs[anchor]!)) anchor = leg;
    }
    this.spreadFrom(anchor);
    if (this.work.length < n) this.growFlow(n);
    this.work.set(all.subarray(from, to));
    this.orderByHost(n);
    const ordered = this.ordered;
    const base = this.position[ordered[0]!]!;
    for (let i = 0; i < n; i++) {
      const leg = ordered[i]!;
      outLegs[from + i] = leg;
      outLow[from + i] = this.clientLow[leg]!;
      outPosition[from + i] = this.position[leg]! - base;
      this.visited[leg] = 0;
    }
    return evidenceOf(f, anchor);
  }

  /**
   * Orientation and transit time from the anchor along the best-supported edges, breadth first:
   * a leg's edges are taken most shared packets first (ties in pair order).
   */
  private spreadFrom(anchor: number): void {
    const p = this.pairs;
    this.clientLow[anchor] = lowIsClient(this.facts, anchor) ? 1 : 0;
    this.position[anchor] = 0;
    this.visited[anchor] = 1;
    let head = 0;
    let tail = 0;
    this.queue[tail++] = anchor;
    while (head < tail) {
      const from = this.queue[head++]!;
      const count = this.keptEdgesOf(from);
      const edges = this.edges;
      sortLikeArraySort(edges, 0, count, this.mostSharedFirst);
      for (let i = 0; i < count; i++) {
        const e = edges[i]!;
        const to = p.a.data[e] === from ? p.b.data[e]! : p.a.data[e]!;
        if (this.visited[to] === 1) continue;
        this.visited[to] = 1;
        const fromClientLow = this.clientLow[from] === 1;
        this.clientLow[to] = (p.sameWay(e) ? fromClientLow : !fromClientLow) ? 1 : 0;
        this.position[to] = this.position[from]! + this.transit(e, from, fromClientLow);
        this.queue[tail++] = to;
      }
    }
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

  /** Puts the leg's surviving edges, in pair order, at the start of `edges`; returns how many. */
  private keptEdgesOf(leg: number): number {
    const { start, list } = this.incidences;
    const from = start[leg]!;
    const to = start[leg + 1]!;
    if (this.edges.length < to - from) this.edges = new Int32Array(2 * (to - from));
    const edges = this.edges;
    let count = 0;
    for (let k = from; k < to; k++) {
      const e = list[k]!;
      if (this.kept[e] === 1) edges[count++] = e;
    }
    return count;
  }

  /**
   * A connection crosses each host once, so its legs are grouped by host. Hosts are ordered by
   * what does not depend on clock offsets: a packet to the server reaches the downstream host
   * later, and its reply earlier, than the upstream one (sign of to-server minus to-client delta);
   * without replies, by TTL (routers lower it, NAT leaves it). Inside a host, by the packets each
   * pair of its capture points shares (orderWithinHost). Reads the flow's n legs from `work` (in
   * leg order), writes them in path order to `ordered`.
   */
  private orderByHost(n: number): void {
    const f = this.facts;
    const p = this.pairs;
    const work = this.work;
    // The flow's hosts in order of appearance (a few), and each one's earliest position.
    let hostCount = 0;
    for (let i = 0; i < n; i++) {
      const leg = work[i]!;
      const h = this.hostIndex(f.host[leg]!, hostCount);
      if (h < 0) {
        if (this.hosts.length === hostCount) this.growHosts(2 * hostCount);
        this.hosts[hostCount] = f.host[leg]!;
        this.earliest[hostCount++] = this.position[leg]!;
      } else if (this.position[leg]! < this.earliest[h]!) {
        this.earliest[h] = this.position[leg]!;
      }
    }
    this.hostCount = hostCount;
    if (hostCount === 1) {
      for (let i = 0; i < n; i++) this.hostRankOf[work[i]!] = 0;
      sortLikeArraySort(work, 0, n, this.compareLegs);
      this.orderWithinHost(0, n, 0);
      return;
    }
    // votes[x * hostCount + y] > 0: the y-th host is downstream of the x-th.
    if (this.votes.length < hostCount * hostCount) this.votes = new Float64Array(4 * hostCount * hostCount);
    const votes = this.votes;
    votes.fill(0, 0, hostCount * hostCount);
    for (let i = 0; i < n; i++) {
      const leg = work[i]!;
      const count = this.keptEdgesOf(leg);
      for (let k = 0; k < count; k++) {
        const e = this.edges[k]!;
        // Each edge once: from its a end.
        if (p.a.data[e] !== leg) continue;
        const x = this.hostIndex(f.host[leg]!, hostCount);
        const y = this.hostIndex(f.host[p.b.data[e]!]!, hostCount);
        if (x === y) continue;
        const vote = this.hostVote(e, this.clientLow[leg] === 1);
        votes[x * hostCount + y]! += vote;
        votes[y * hostCount + x]! -= vote;
      }
    }
    const byRank = this.hostOrder;
    for (let x = 0; x < hostCount; x++) byRank[x] = x;
    sortLikeArraySort(byRank, 0, hostCount, this.compareHosts);
    for (let r = 0; r < hostCount; r++) {
      const host = this.hosts[byRank[r]!]!;
      for (let i = 0; i < n; i++) if (f.host[work[i]!] === host) this.hostRankOf[work[i]!] = r;
    }
    sortLikeArraySort(work, 0, n, this.compareLegs);
    for (let i = 0; i < n; ) {
      let j = i + 1;
      while (j < n && f.host[work[j]!] === f.host[work[i]!]) j++;
      if (j - i > 1) this.orderWithinHost(i, j, i);
      else this.ordered[i] = work[i]!;
      i = j;
    }
  }

  /** The index of host `host` among the flow's first `count` hosts, or -1. */
  private hostIndex(host: number, count: number): number {
    for (let h = 0; h < count; h++) if (this.hosts[h] === host) return h;
    return -1;
  }

  /** A leg's edges, most shared packets first (ties in pair order). */
  private readonly mostSharedFirst = (x: number, y: number): number => this.pairs.shared.data[y]! - this.pairs.shared.data[x]!;

  /** Hosts by their votes, a tie by earliest position. */
  private readonly compareHosts = (x: number, y: number): number => {
    const v = this.votes[x * this.hostCount + y]!;
    return v !== 0 ? -Math.sign(v) : this.earliest[x]! - this.earliest[y]!;
  };

  /** The legs of the flow by rank of their host along the path, then by position. */
  private readonly compareLegs = (x: number, y: number): number => this.hostRankOf[x]! - this.hostRankOf[y]! || this.position[x]! - this.position[y]!;

  /**
   * The capture points of one host, in the order the same packets crossed them. A position is a
   * median over the packets of one pair of legs, and a point that saw only part of the flow (on a
   * bridge only a connection's first packet may pass cni0, later ones go from port to port) is
   * placed by other packets than its neighbours: its SYN took longer than the typical packet. So
   * two legs that share packets are ordered by those packets (the sign of their own transit);
   * positions only order legs without a pair between them, and break cycles. A leg placed after
   * another by shared packets but positioned before it takes the other's position plus that
   * transit, so times along the path never go backwards. Reads work[from, to) (sorted by
   * position), writes them in order to `ordered` from `at`.
   */
  private orderWithinHost(from: number, to: number, at: number): void {
    const work = this.work;
    const n = to - from;
    if (this.arcHead.length < n) this.growPoints(n);
    for (let i = 0; i < n; i++) {
      this.slot[work[from + i]!] = i;
      this.arcHead[i] = -1;
      this.arcTail[i] = -1;
      this.before[i] = 0;
      this.placed[i] = 0;
    }
    this.arcCount = 0;
    // An arc i → j: the legs whose shared packets passed work[from + i] first, with that transit.
    for (let i = 0; i < n; i++) {
      const leg = work[from + i]!;
      const count = this.keptEdgesOf(leg);
      for (let k = 0; k < count; k++) {
        const e = this.edges[k]!;
        const other = this.pairs.a.data[e] === leg ? this.pairs.b.data[e]! : this.pairs.a.data[e]!;
        const j = this.slot[other]!;
        if (j <= i || j >= n || work[from + j] !== other) continue; // seen from the other end, or on another host
        const t = this.transit(e, leg, this.clientLow[leg] === 1);
        if (!(t !== 0)) continue;
        if (t > 0) this.addArc(i, j, Math.abs(t));
        else this.addArc(j, i, Math.abs(t));
      }
    }
    // Points that share no packets (each saw one way of the flow: a capture of one direction, or
    // a bridge port that saw only the first packet) are ordered by the directions their captures
    // recorded: on one host the request enters (points where it is incoming, or its reply
    // outgoing) before it leaves. No transit is known between them: the later one's position is
    // at least the earlier one's.
    for (let i = 0; i < n; i++) {
      const ri = this.role(work[from + i]!);
      if (ri === 0) continue;
      for (let j = i + 1; j < n; j++) {
        const rj = this.role(work[from + j]!);
        if (rj === 0 || rj === ri || this.arcBetween(i, j) >= 0 || this.arcBetween(j, i) >= 0) continue;
        if (ri === ENTERS) this.addArc(i, j, 0);
        else this.addArc(j, i, 0);
      }
    }
    // Kahn's order; among legs free to go next, the earliest position (legs are sorted by it).
    let previous = -1;
    for (let done = 0; done < n; done++) {
      let next = -1;
      for (let i = 0; i < n && next < 0; i++) if (this.placed[i] === 0 && this.before[i] === 0) next = i;
      for (let i = 0; i < n && next < 0; i++) if (this.placed[i] === 0) next = i; // a cycle: by position
      this.placed[next] = 1;
      for (let arc = this.arcHead[next]!; arc >= 0; arc = this.arcNext[arc]!) this.before[this.arcTo[arc]!]!--;
      const leg = work[from + next]!;
      if (previous >= 0) {
        const arc = this.arcBetween(previous, next);
        const last = work[from + previous]!;
        if (arc >= 0 && this.position[leg]! < this.position[last]!) this.position[leg] = this.position[last]! + this.arcTransit[arc]!;
      }
      this.ordered[at + done] = leg;
      previous = next;
    }
  }

  /** Adds the arc x → y (points of the host being ordered) at the end of x's list. */
  private addArc(x: number, y: number, transit: number): void {
    if (this.arcCount === this.arcTo.length) {
      const size = 2 * this.arcCount;
      this.arcNext = grownInt32(this.arcNext, size);
      this.arcTo = grownInt32(this.arcTo, size);
      const t = new Float64Array(size);
      t.set(this.arcTransit);
      this.arcTransit = t;
    }
    const arc = this.arcCount++;
    this.arcTo[arc] = y;
    this.arcTransit[arc] = transit;
    this.arcNext[arc] = -1;
    if (this.arcTail[x]! < 0) this.arcHead[x] = arc;
    else this.arcNext[this.arcTail[x]!] = arc;
    this.arcTail[x] = arc;
    this.before[y]!++;
  }

  /** The first arc x → y, or -1. */
  private arcBetween(x: number, y: number): number {
    for (let arc = this.arcHead[x]!; arc >= 0; arc = this.arcNext[arc]!) if (this.arcTo[arc] === y) return arc;
    return -1;
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
    const correction = (this.offsetOf[this.facts.host[b]!] ?? 0) - (this.offsetOf[this.facts.host[a]!] ?? 0);
    const raw = p.sentBy(e, aLowIsClient) > 0 ? p.medians[2 * e + (aLowIsClient ? 0 : 1)]! - correction : -(p.medians[2 * e + (aLowIsClient ? 1 : 0)]! - correction);
    return sign * raw;
  }

  private growFlow(n: number): void {
    this.work = new Int32Array(2 * n);
    this.ordered = new Int32Array(2 * n);
  }

  private growHosts(n: number): void {
    this.hosts = grownInt32(this.hosts, n);
    this.hostOrder = new Int32Array(n);
    const earliest = new Float64Array(n);
    earliest.set(this.earliest);
    this.earliest = earliest;
  }

  private growPoints(n: number): void {
    this.arcHead = new Int32Array(2 * n);
    this.arcTail = new Int32Array(2 * n);
    this.before = new Int32Array(2 * n);
    this.placed = new Uint8Array(2 * n);
  }
}

function grownInt32(a: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}
