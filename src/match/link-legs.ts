// Links legs that share packets into flows, decides which end of each leg is the client, and
// orders each flow's legs along the path the client's packets took. Works on numbers only (leg
// ids, pair numbers, typed arrays): a case can hold hundreds of thousands of connections.

import type { ClockOffset } from './clock-offsets.js';
import type { ConntrackJoiner, FragmentJoin } from './conntrack-joins.js';
import { FlowOrderer } from './flow-orderer.js';
import type { Incidences, LegFacts } from './leg-facts.js';
import type { PairEvidence } from './pair-evidence.js';
import { REPORT_EVERY, REPORT_EVERY_HEAVY, type ReportShare } from './report-share.js';

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
  /** The flow's reply-only fragments and what their hosts' conntrack made of them (conntrack-joins.ts); usually none. */
  joins: FlowJoin[];
}

/** A reply-only fragment of a flow: joined to the flow's other legs by a conntrack entry, or left apart with the candidates. */
export interface FlowJoin extends FragmentJoin {
  /** Index of each flow in `otherLegs` (a joined fragment's: this flow). */
  otherFlows: number[];
}

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
    /** Reply-only fragments by the flow that holds them (joined ones by the flow they joined). */
    readonly joinsOf: ReadonlyMap<number, FlowJoin[]> = new Map(),
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
      joins: this.joinsOf.get(i) ?? [],
    };
  }
}

/** Two legs are one connection when they share at least this many packets (or all of the smaller one's). */
const MIN_SHARED = 2;

/** Share of linking's time the pass over the leg pairs takes (union-find, best per point): 0.22 s of 1.19 s measured. */
const PAIRS_SHARE = 0.2;

/**
 * `report` hears how far linking is: the pass over the leg pairs (a fifth of the work, measured
 * on a replayed case of 48 000 legs) and the ordering of each flow's legs (the rest). `joiner`,
 * when given, joins reply-only fragments that share no packet with the rest of their connection
 * through their hosts' conntrack entries, after the pairs. `crossed`, when given, marks the pairs
 * that share bytes, not packets (crossed-pairs.ts): they link nothing.
 */
export function linkLegs(facts: LegFacts, pairs: PairEvidence, offsets: ClockOffset[], report?: ReportShare, joiner?: ConntrackJoiner, crossed?: Uint8Array): LinkedFlows {
  const legCount = facts.host.length;
  const { incidences, towards } = incidencesByLeg(legCount, pairs, facts);
  const kept = keepBestPerPoint(incidences, towards, pairs, facts, crossed ?? new Uint8Array(pairs.count));
  const parent = new Int32Array(legCount);
  for (let i = 0; i < legCount; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  const union = (a: number, b: number): void => {
    parent[find(a)] = find(b);
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
    union(a, b);
  }
  // Per leg of a joined flow, its side of the host's NAT by the entry's tuples (conntrack-joins.ts): orders points no packet relates.
  const natSide = joiner === undefined ? null : new Int8Array(legCount);
  const joins = joiner?.join(facts, find, union, natSide!) ?? [];

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

  const orderer = new FlowOrderer(facts, pairs, incidences, kept, offsets, natSide);
  const orderedLegs = new Int32Array(legCount);
  const clientIsLow = new Uint8Array(legCount);
  const position = new Float64Array(legCount);
  const orientedBy = new Uint8Array(components);
  const contradicted = new Uint8Array(components);
  // A component a fragment joined has legs no pair reaches: the orderer takes each part from its own evidence.
  const joined = new Uint8Array(components);
  for (const j of joins) if (j.outcome === 'joined') joined[component[j.legs[0]!]!] = 1;
  for (let c = 0; c < components; c++) {
    if (report !== undefined && c % REPORT_EVERY_HEAVY === 0) report(PAIRS_SHARE + ((1 - PAIRS_SHARE) * c) / components);
    orientedBy[c] = orderer.order(members, memberStart[c]!, memberStart[c + 1]!, orderedLegs, clientIsLow, position, joined[c] === 1);
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
  if (inOrder) return new LinkedFlows(components, memberStart, orderedLegs, clientIsLow, position, orientedBy, contradicted, joinsByFlow(joins, component, (c) => c));
  const byTime = Array.from({ length: components }, (_, c) => c);
  byTime.sort((x, y) => firstTs[x]! - firstTs[y]! || x - y);
  const flowOf = new Int32Array(components);
  for (let i = 0; i < components; i++) flowOf[byTime[i]!] = i;
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
  return new LinkedFlows(components, start, legs, low, pos, by, against, joinsByFlow(joins, component, (c) => flowOf[c]!));
}

/** Each fragment's record under the flow that holds it, with the flows of its other legs (flow = order of the component). */
function joinsByFlow(joins: FragmentJoin[], component: Int32Array, flowOf: (c: number) => number): Map<number, FlowJoin[]> {
  const out = new Map<number, FlowJoin[]>();
  for (const j of joins) {
    const flow = flowOf(component[j.legs[0]!]!);
    const record: FlowJoin = { ...j, otherFlows: j.otherLegs.map((g) => flowOf(component[g]!)) };
    const list = out.get(flow);
    if (list === undefined) out.set(flow, [record]);
    else list.push(record);
  }
  return out;
}

/** Whether a leg of the flow at [from, to) has a conntrack entry naming the other end as its client. */
function conntrackContradicts(facts: LegFacts, legs: Int32Array, clientIsLow: Uint8Array, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const says = facts.conntrackClient[legs[k]!]!;
    if (says !== 2 && (says === 0) !== (clientIsLow[k] === 1)) return true;
  }
  return false;
}

/**
 * Each leg's pairs in pair order, with the other leg of each; and, per incidence, the key
 * keepBestPerPoint groups it by. Filled in one pass over the pairs in order (sequential reads
 * of their columns): read per leg, the same facts cost a random read of each column per pair.
 */
function incidencesByLeg(legCount: number, pairs: PairEvidence, facts: LegFacts): { incidences: Incidences; towards: Int32Array } {
  const as = pairs.a.data;
  const bs = pairs.b.data;
  const start = new Int32Array(legCount + 1);
  for (let e = 0; e < pairs.count; e++) {
    start[as[e]! + 1]!++;
    start[bs[e]! + 1]!++;
  }
  for (let l = 0; l < legCount; l++) start[l + 1]! += start[l]!;
  const list = new Int32Array(2 * pairs.count);
  const other = new Int32Array(2 * pairs.count);
  const towards = new Int32Array(2 * pairs.count);
  const fill = start.slice(0, legCount);
  for (let e = 0; e < pairs.count; e++) {
    const a = as[e]!;
    const b = bs[e]!;
    // Which of a's endpoints sent the shared packets (1 low, 2 high, 3 both), and in b's own terms.
    const fromALow = pairs.fromLow.data[e]! > 0 ? 1 : 0;
    const fromAHigh = pairs.fromHigh.data[e]! > 0 ? 2 : 0;
    const asA = fromALow | fromAHigh;
    const asB = pairs.sameWay(e) ? asA : (fromALow << 1) | (fromAHigh >> 1);
    let k = fill[a]!++;
    list[k] = e;
    other[k] = b;
    towards[k] = facts.point[b]! * 4 + asA;
    k = fill[b]!++;
    list[k] = e;
    other[k] = a;
    towards[k] = facts.point[a]! * 4 + asB;
  }
  return { incidences: { start, list, other }, towards };
}

/**
 * A connection passes a capture point once: of the legs at one point that share packets with a
 * leg, in the same directions, only the best-supported is its continuation (exact prints before
 * seq-less ones, then the most packets; the first found on a tie). This keeps two connections
 * that reused the same ports apart even when their payloads repeat. (Legs sharing only requests
 * and only replies with a leg — NAT between a point and both directions' translations — both
 * stay: they are one hop.) Returns 1 per pair that survives.
 */
function keepBestPerPoint(incidences: Incidences, towards: Int32Array, pairs: PairEvidence, facts: LegFacts, crossed: Uint8Array): Uint8Array {
  const bestAt = new Uint8Array(pairs.count);
  // Per leg, the best pair per (other point, directions): a few groups, searched linearly.
  let groupKey = new Int32Array(16);
  let groupBest = new Int32Array(16);
  const legCount = incidences.start.length - 1;
  for (let leg = 0; leg < legCount; leg++) {
    const from = incidences.start[leg]!;
    const to = incidences.start[leg + 1]!;
    // A leg with one pair (most of them) has nothing to choose from.
    if (to - from === 1) {
      if (crossed[incidences.list[from]!] === 0) bestAt[incidences.list[from]!]!++;
      continue;
    }
    if (groupKey.length < to - from) {
      groupKey = new Int32Array(2 * (to - from));
      groupBest = new Int32Array(2 * (to - from));
    }
    let groups = 0;
    for (let k = from; k < to; k++) {
      const e = incidences.list[k]!;
      if (crossed[e] !== 0) continue;
      const key = towards[k]!;
      let g = 0;
      while (g < groups && groupKey[g] !== key) g++;
      if (g === groups) {
        groupKey[groups] = key;
        groupBest[groups++] = e;
      } else if (better(e, groupBest[g]!, pairs)) {
        groupBest[g] = e;
      }
    }
    for (let g = 0; g < groups; g++) bestAt[groupBest[g]!]!++;
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
