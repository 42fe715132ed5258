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
  /** A leg's index among the legs of the flow (its local index). */
  private readonly slot: Int32Array;
  /** Each host's clock offset (seconds), by host index. */
  private readonly offsetOf: Float64Array;

  // Per local index of the flow being ordered, grown to the largest flow met.
  /** The flow's legs, in member (leg id) order. */
  private member = new Int32Array(16);
  /** Local indexes as they are being sorted along the path. */
  private work = new Int32Array(16);
  /** The flow's legs in path order. */
  private ordered = new Int32Array(16);
  private visited = new Uint8Array(16);
  private queue = new Int32Array(16);
  /** Index of the leg's host among the flow's hosts, and that host's rank along the path. */
  private hostOfLocal = new Int32Array(16);
  private rankOfLocal = new Int32Array(16);
  /** Where the leg's host's group starts in `work`, and the leg's place in it. */
  private groupOf = new Int32Array(16);
  private placeInGroup = new Int32Array(16);
  // The flow's surviving edges, once per leg (CSR): edges of local i at [edgeStart[i], edgeStart[i + 1]),
  // each a pair number and the other end's local index.
  private edgeStart = new Int32Array(17);
  private edge = new Int32Array(64);
  private edgeOther = new Int32Array(64);

  /** The flow's hosts in order of appearance, each one's earliest position, and the votes between them (row-major, hostCount²). */
  private hosts = new Int32Array(4);
  private earliest = new Float64Array(4);
  private votes = new Float64Array(16);
  private hostCount = 0;
  /** Host indexes (into `hosts`) in path order, and each one's rank. */
  private hostOrder = new Int32Array(4);
  private hostRank = new Int32Array(4);

  // Arcs between one host's points (places in its group), as linked lists per point in insertion
  // order: arc k goes to arcTo[k] with arcTransit[k] seconds; arcNext[k] is the point's next arc.
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
    /** Per leg of a flow a conntrack entry joined: -1 it holds the entry's original tuple, 1 its reply tuple, 0 neither or both (conntrack-joins.ts). */
    private readonly natSide: Int8Array | null = null,
  ) {
    const n = facts.host.length;
    this.clientLow = new Uint8Array(n);
    this.position = new Float64Array(n);
    this.slot = new Int32Array(n);
    this.offsetOf = Float64Array.from(offsets, (o) => o.offsetSeconds);
  }

  /**
   * Writes members[from, to) in path order, with orientation and position, at `from` in the
   * outputs; returns what oriented the flow (OrientedBy). One orientation for the whole flow: the
   * leg with the strongest evidence (then the earliest) decides, the others follow along the
   * pairs, so a leg that saw only replies takes it from a leg that saw the request. `joined`: a
   * conntrack entry joined parts of the flow that share no packet (conntrack-joins.ts); each part
   * no pair reaches is oriented by its own strongest leg, which the entry's tuples agree with.
   */
  order(all: Int32Array, from: number, to: number, outLegs: Int32Array, outLow: Uint8Array, outPosition: Float64Array, joined = false): number {
    const f = this.facts;
    const n = to - from;
    if (joined) return this.orderGeneral(all, from, n, outLegs, outLow, outPosition, true);
    if (n === 1) {
      const leg = all[from]!;
      outLegs[from] = leg;
      outLow[from] = lowIsClient(f, leg) ? 1 : 0;
      outPosition[from] = 0;
      return evidenceOf(f, leg);
    }
    if (n === 2) return this.orderTwo(all[from]!, all[from + 1]!, from, outLegs, outLow, outPosition);
    return this.orderGeneral(all, from, n, outLegs, outLow, outPosition, false);
  }

  private orderGeneral(all: Int32Array, from: number, n: number, outLegs: Int32Array, outLow: Uint8Array, outPosition: Float64Array, joined: boolean): number {
    const f = this.facts;
    const anchor = this.strongest(all, from, n, null);
    this.takeFlow(all, from, n);
    this.visited.fill(0, 0, n);
    this.spreadFrom(this.slot[anchor]!, 0);
    if (joined) {
      // Parts no pair reaches: each from its strongest leg, placed by its first packet's time on the reference clock.
      for (let island = this.strongest(all, from, n, this.visited); island >= 0; island = this.strongest(all, from, n, this.visited)) {
        this.spreadFrom(this.slot[island]!, f.firstTs[island]! - f.firstTs[anchor]!);
      }
    }
    this.orderByHost(n);
    const ordered = this.ordered;
    const base = this.position[ordered[0]!]!;
    for (let i = 0; i < n; i++) {
      const leg = ordered[i]!;
      outLegs[from + i] = leg;
      outLow[from + i] = this.clientLow[leg]!;
      outPosition[from + i] = this.position[leg]! - base;
    }
    return evidenceOf(f, anchor);
  }

  /** Numbers the flow's legs 0 … n − 1 in member order and gathers their surviving edges, once. */
  private takeFlow(all: Int32Array, from: number, n: number): void {
    if (this.member.length < n) this.growFlow(n);
    for (let i = 0; i < n; i++) {
      const leg = all[from + i]!;
      this.member[i] = leg;
      this.slot[leg] = i;
    }
    const { start, list, other } = this.incidences;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const leg = this.member[i]!;
      this.edgeStart[i] = count;
      const end = start[leg + 1]!;
      if (this.edge.length < count + end - start[leg]!) this.growEdges(2 * (count + end - start[leg]!));
      for (let k = start[leg]!; k < end; k++) {
        const e = list[k]!;
        if (this.kept[e] !== 1) continue;
        // A surviving edge joins two legs of one flow (flows are made of them).
        this.edge[count] = e;
        this.edgeOther[count++] = this.slot[other[k]!]!;
      }
    }
    this.edgeStart[n] = count;
  }

  /**
   * The leg of members[from, from + n) with the strongest evidence of which end is the client, the
   * earliest on a tie; with `visited` (by local index, after takeFlow), among the legs not visited
   * only, -1 when there is none.
   */
  private strongest(all: Int32Array, from: number, n: number, visited: Uint8Array | null): number {
    const f = this.facts;
    let anchor = -1;
    for (let k = from; k < from + n; k++) {
      const leg = all[k]!;
      if (visited !== null && visited[this.slot[leg]!] === 1) continue;
      if (anchor < 0) {
        anchor = leg;
        continue;
      }
      const e = evidenceOf(f, leg);
      const ea = evidenceOf(f, anchor);
      if (e < ea || (e === ea && f.firstTs[leg]! < f.firstTs[anchor]!)) anchor = leg;
    }
    return anchor;
  }

  /**
   * Orientation and transit time from the anchor along the best-supported edges, breadth first:
   * a leg's edges are taken most shared packets first (ties in pair order). Leaves each leg's
   * edges in that order (the votes and the order within a host do not depend on it: sums of
   * whole numbers, at most one arc between two points). `visited` is cleared by the caller.
   */
  private spreadFrom(anchor: number, position: number): void {
    const p = this.pairs;
    const visited = this.visited;
    const first = this.member[anchor]!;
    this.clientLow[first] = lowIsClient(this.facts, first) ? 1 : 0;
    this.position[first] = position;
    visited[anchor] = 1;
    let head = 0;
    let tail = 0;
    this.queue[tail++] = anchor;
    while (head < tail) {
      const i = this.queue[head++]!;
      const from = this.member[i]!;
      const start = this.edgeStart[i]!;
      const end = this.edgeStart[i + 1]!;
      this.sortMostSharedFirst(start, end);
      for (let k = start; k < end; k++) {
        const e = this.edge[k]!;
        const j = this.edgeOther[k]!;
        if (visited[j] === 1) continue;
        visited[j] = 1;
        const to = this.member[j]!;
        const fromClientLow = this.clientLow[from] === 1;
        this.clientLow[to] = (p.sameWay(e) ? fromClientLow : !fromClientLow) ? 1 : 0;
        this.position[to] = this.position[from]! + this.transit(e, from, fromClientLow);
        this.queue[tail++] = j;
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

  /**
   * A connection crosses each host once, so its legs are grouped by host. Hosts are ordered by
   * what does not depend on clock offsets: a packet to the server reaches the downstream host
   * later, and its reply earlier, than the upstream one (sign of to-server minus to-client delta);
   * without replies, by TTL (routers lower it, NAT leaves it). Inside a host, by the packets each
   * pair of its capture points shares (orderWithinHost). Writes the flow's n legs in path order
   * to `ordered`.
   */
  private orderByHost(n: number): void {
    const f = this.facts;
    const member = this.member;
    // The flow's hosts in order of appearance (a few), and each one's earliest position.
    let hostCount = 0;
    for (let i = 0; i < n; i++) {
      const leg = member[i]!;
      let h = 0;
      while (h < hostCount && this.hosts[h] !== f.host[leg]) h++;
      if (h === hostCount) {
        if (this.hosts.length === hostCount) this.growHosts(2 * hostCount);
        this.hosts[hostCount] = f.host[leg]!;
        this.earliest[hostCount++] = this.position[leg]!;
      } else if (this.position[leg]! < this.earliest[h]!) {
        this.earliest[h] = this.position[leg]!;
      }
      this.hostOfLocal[i] = h;
      this.work[i] = i;
    }
    this.hostCount = hostCount;
    if (hostCount === 1) {
      this.rankOfLocal.fill(0, 0, n);
    } else {
      // votes[x * hostCount + y] > 0: the y-th host is downstream of the x-th.
      if (this.votes.length < hostCount * hostCount) this.votes = new Float64Array(4 * hostCount * hostCount);
      const votes = this.votes;
      for (let v = 0; v < hostCount * hostCount; v++) votes[v] = 0;
      for (let i = 0; i < n; i++) {
        const leg = member[i]!;
        for (let k = this.edgeStart[i]!; k < this.edgeStart[i + 1]!; k++) {
          // Each edge once: from its a end (a pair's a is its lower leg).
          if (member[this.edgeOther[k]!]! < leg) continue;
          const x = this.hostOfLocal[i]!;
          const y = this.hostOfLocal[this.edgeOther[k]!]!;
          if (x === y) continue;
          const vote = this.hostVote(this.edge[k]!, this.clientLow[leg] === 1);
          votes[x * hostCount + y]! += vote;
          votes[y * hostCount + x]! -= vote;
        }
      }
      const byRank = this.hostOrder;
      for (let x = 0; x < hostCount; x++) byRank[x] = x;
      sortLikeArraySort(byRank, 0, hostCount, this.compareHosts);
      for (let r = 0; r < hostCount; r++) this.hostRank[byRank[r]!] = r;
      for (let i = 0; i < n; i++) this.rankOfLocal[i] = this.hostRank[this.hostOfLocal[i]!]!;
    }
    const work = this.work;
    sortLikeArraySort(work, 0, n, this.compareLegs);
    // Each host's legs are a group in `work`: every leg's group is known before any is ordered.
    let g = 0;
    for (let i = 0; i < n; i++) {
      if (this.hostOfLocal[work[i]!] !== this.hostOfLocal[work[g]!]) g = i;
      this.groupOf[work[i]!] = g;
      this.placeInGroup[work[i]!] = i - g;
    }
    for (let from = 0; from < n; ) {
      let to = from + 1;
      while (to < n && this.groupOf[work[to]!] === from) to++;
      if (to - from > 1) this.orderWithinHost(from, to);
      else this.ordered[from] = member[work[from]!]!;
      from = to;
    }
  }

  /**
   * Sorts a leg's edges edge[start, end), their other ends along, most shared packets first,
   * ties in pair order: a stable insertion sort, which gives the order Array.prototype.sort
   * gave (counts compare consistently; a leg has a few edges).
   */
  private sortMostSharedFirst(start: number, end: number): void {
    const shared = this.pairs.shared.data;
    const edge = this.edge;
    const other = this.edgeOther;
    for (let k = start + 1; k < end; k++) {
      const e = edge[k]!;
      const o = other[k]!;
      const count = shared[e]!;
      let j = k - 1;
      while (j >= start && shared[edge[j]!]! < count) {
        edge[j + 1] = edge[j]!;
        other[j + 1] = other[j]!;
        j--;
      }
      edge[j + 1] = e;
      other[j + 1] = o;
    }
  }

  /** Hosts by their votes, a tie by earliest position. */
  private readonly compareHosts = (x: number, y: number): number => {
    const v = this.votes[x * this.hostCount + y]!;
    return v !== 0 ? -Math.sign(v) : this.earliest[x]! - this.earliest[y]!;
  };

  /** The flow's legs (local indexes) by the rank of their host along the path, then by position. */
  private readonly compareLegs = (x: number, y: number): number =>
    this.rankOfLocal[x]! - this.rankOfLocal[y]! || this.position[this.member[x]!]! - this.position[this.member[y]!]!;

  /**
   * The capture points of one host, in the order the same packets crossed them. A position is a
   * median over the packets of one pair of legs, and a point that saw only part of the flow (on a
   * bridge only a connection's first packet may pass cni0, later ones go from port to port) is
   * placed by other packets than its neighbours: its SYN took longer than the typical packet. So
   * two legs that share packets are ordered by those packets (the sign of their own transit);
   * positions only order legs without a pair between them, and break cycles. A leg placed after
   * another by shared packets but positioned before it takes the other's position plus that
   * transit, so times along the path never go backwards. Reads the group work[from, to) (sorted
   * by position), writes its legs in order to `ordered` at the same places.
   */
  private orderWithinHost(from: number, to: number): void {
    const work = this.work;
    const member = this.member;
    const n = to - from;
    if (this.arcHead.length < n) this.growPoints(n);
    for (let i = 0; i < n; i++) {
      this.arcHead[i] = -1;
      this.arcTail[i] = -1;
      this.before[i] = 0;
      this.placed[i] = 0;
    }
    this.arcCount = 0;
    // An arc i → j: the legs whose shared packets passed point i first, with that transit.
    for (let i = 0; i < n; i++) {
      const local = work[from + i]!;
      const leg = member[local]!;
      for (let k = this.edgeStart[local]!; k < this.edgeStart[local + 1]!; k++) {
        const other = this.edgeOther[k]!;
        // Seen from the other end, or on another host.
        if (this.groupOf[other] !== from || this.placeInGroup[other]! <= i) continue;
        const j = this.placeInGroup[other]!;
        const t = this.transit(this.edge[k]!, leg, this.clientLow[leg] === 1);
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
      const ri = this.role(member[work[from + i]!]!);
      if (ri === 0) continue;
      for (let j = i + 1; j < n; j++) {
        const rj = this.role(member[work[from + j]!]!);
        if (rj === 0 || rj === ri || this.arcBetween(i, j) >= 0 || this.arcBetween(j, i) >= 0) continue;
        if (ri === ENTERS) this.addArc(i, j, 0);
        else this.addArc(j, i, 0);
      }
    }
    // Points a conntrack entry joined and no packet or direction relates: the request holds the
    // entry's original tuple before the host's NAT and its reply tuple turned round after it.
    if (this.natSide !== null) {
      for (let i = 0; i < n; i++) {
        const si = this.natSide[member[work[from + i]!]!]!;
        if (si === 0) continue;
        for (let j = i + 1; j < n; j++) {
          const sj = this.natSide[member[work[from + j]!]!]!;
          if (sj === 0 || sj === si || this.arcBetween(i, j) >= 0 || this.arcBetween(j, i) >= 0) continue;
          if (si < 0) this.addArc(i, j, 0);
          else this.addArc(j, i, 0);
        }
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
      const leg = member[work[from + next]!]!;
      if (previous >= 0) {
        const arc = this.arcBetween(previous, next);
        const last = member[work[from + previous]!]!;
        if (arc >= 0 && this.position[leg]! < this.position[last]!) this.position[leg] = this.position[last]! + this.arcTransit[arc]!;
      }
      this.ordered[from + done] = leg;
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
    const size = 2 * n;
    this.member = new Int32Array(size);
    this.work = new Int32Array(size);
    this.ordered = new Int32Array(size);
    this.visited = new Uint8Array(size);
    this.queue = new Int32Array(size);
    this.hostOfLocal = new Int32Array(size);
    this.rankOfLocal = new Int32Array(size);
    this.groupOf = new Int32Array(size);
    this.placeInGroup = new Int32Array(size);
    this.edgeStart = new Int32Array(size + 1);
  }

  private growEdges(size: number): void {
    this.edge = grownInt32(this.edge, size);
    this.edgeOther = grownInt32(this.edgeOther, size);
  }

  private growHosts(n: number): void {
    this.hosts = grownInt32(this.hosts, n);
    this.hostOrder = new Int32Array(n);
    this.hostRank = new Int32Array(n);
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
