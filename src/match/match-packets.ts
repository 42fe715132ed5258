// Finds the same packet at different capture points by its NAT-invariant fingerprint, and sums
// the evidence per pair of legs: how many packets they share, in which relative orientation, and
// the time differences of the shared packets in each direction.

import type { CaptureLegs } from '../flow/collect-legs.js';
import { orderByKey } from './radix-sort.js';

/** A leg of one capture, numbered across all captures of the case. */
export interface LegRef {
  capture: number;
  leg: number;
}

export interface LegPairEvidence {
  a: number;
  b: number;
  /** Packets seen in both legs. */
  shared: number;
  /** Shared packets going the same way relative to each leg's low/high endpoints. */
  sameOrientation: number;
  /** ts(b) − ts(a) of shared packets sent by a's low endpoint / by a's high endpoint. */
  deltasFromLow: number[];
  deltasFromHigh: number[];
  /** Found only without TCP sequence numbers (weaker evidence). */
  loose: boolean;
  /** Σ sign(ttl(a) − ttl(b)) of shared packets sent by a's low / high endpoint: > 0 means a saw them first (routers only lower TTLs). */
  ttlVotesFromLow: number;
  ttlVotesFromHigh: number;
}

/**
 * A fingerprint seen more often than this across the case is not evidence (e.g. identical
 * keep-alives): matching it would link unrelated legs.
 */
const MAX_COPIES = 24;
/** Time differences kept per leg pair and direction (clock offsets and ordering take medians). */
const DELTAS_KEPT = 32;

export function globalLegIds(captures: CaptureLegs[]): { refs: LegRef[]; firstId: number[] } {
  const refs: LegRef[] = [];
  const firstId: number[] = [];
  captures.forEach((c, capture) => {
    firstId.push(refs.length);
    for (let leg = 0; leg < c.legs.count; leg++) refs.push({ capture, leg });
  });
  return { refs, firstId };
}

export function matchPackets(captures: CaptureLegs[], firstId: number[]): Map<number, LegPairEvidence> {
  const pairs = new Map<number, LegPairEvidence>();
  addEvidence(captures, firstId, (t, s) => t.sampleFingerprint.data[s]!, pairs, null);
  // Second pass without TCP sequence numbers, only for leg pairs the first found nothing for:
  // connections through a middlebox that shifted seq/ack by a constant. Only TCP samples
  // (those whose loose print differs) take part.
  addEvidence(
    captures,
    firstId,
    (t, s) => (t.sampleLooseFingerprint.data[s] === t.sampleFingerprint.data[s] ? null : t.sampleLooseFingerprint.data[s]!),
    new Map(),
    pairs,
  );
  return pairs;
}

/**
 * Sorts every sampled packet of the case by `printOf` and adds one piece of evidence per pair of
 * equal prints in different legs. With `onlyNew`, pairs already in it are left alone and new
 * ones are added to it instead of `pairs`.
 */
function addEvidence(
  captures: CaptureLegs[],
  firstId: number[],
  printOf: (legs: CaptureLegs['legs'], sample: number) => number | null,
  pairs: Map<number, LegPairEvidence>,
  onlyNew: Map<number, LegPairEvidence> | null,
): void {
  let capacity = 0;
  for (const c of captures) capacity += c.legs.samples;
  const capOf = new Uint16Array(capacity);
  const sampleOf = new Uint32Array(capacity);
  const allPrints = new Uint32Array(capacity);
  let total = 0;
  captures.forEach((c, ci) => {
    for (let s = 0; s < c.legs.samples; s++) {
      const p = printOf(c.legs, s);
      if (p === null) continue;
      capOf[total] = ci;
      sampleOf[total] = s;
      allPrints[total] = p;
      total++;
    }
  });
  const print = allPrints.subarray(0, total);
  const order = orderByKey(print);

  for (let start = 0; start < total; ) {
    let end = start + 1;
    while (end < total && print[order[end]!] === print[order[start]!]) end++;
    if (end - start > 1 && end - start <= MAX_COPIES) addGroup(start, end);
    start = end;
  }
  if (onlyNew !== null) for (const [key, e] of pairs) onlyNew.set(key, e);

  function addGroup(start: number, end: number): void {
    for (let i = start; i < end; i++) {
      const x = order[i]!;
      const cx = captures[capOf[x]!]!.legs;
      const sx = sampleOf[x]!;
      const gx = firstId[capOf[x]!]! + cx.sampleLeg.data[sx]!;
      for (let j = i + 1; j < end; j++) {
        const y = order[j]!;
        const cy = captures[capOf[y]!]!.legs;
        const sy = sampleOf[y]!;
        const gy = firstId[capOf[y]!]! + cy.sampleLeg.data[sy]!;
        // The same leg twice is a retransmission or a duplicate copy, not a second capture point.
        if (gx === gy) continue;
        const [a, sa, la, b, sb, lb] = gx < gy ? [gx, sx, cx, gy, sy, cy] : [gy, sy, cy, gx, sx, cx];
        const key = a * 0x4000000 + b;
        if (onlyNew?.has(key)) continue;
        let e = pairs.get(key);
        if (e === undefined) {
          e = { a, b, shared: 0, sameOrientation: 0, deltasFromLow: [], deltasFromHigh: [], ttlVotesFromLow: 0, ttlVotesFromHigh: 0, loose: onlyNew !== null };
          pairs.set(key, e);
        }
        e.shared++;
        const aFromLow = la.sampleFromLow.data[sa] === 1;
        if (aFromLow === (lb.sampleFromLow.data[sb] === 1)) e.sameOrientation++;
        const delta = lb.sampleTs.data[sb]! - la.sampleTs.data[sa]!;
        // Medians need a sample, not every packet: the first DELTAS_KEPT per direction.
        const deltas = aFromLow ? e.deltasFromLow : e.deltasFromHigh;
        if (deltas.length < DELTAS_KEPT) deltas.push(delta);
        const ttlVote = Math.sign(la.sampleTtl.data[sa]! - lb.sampleTtl.data[sb]!);
        if (aFromLow) e.ttlVotesFromLow += ttlVote;
        else e.ttlVotesFromHigh += ttlVote;
      }
    }
  }
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
