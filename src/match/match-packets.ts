// Finds the same packet at different capture points by its NAT-invariant fingerprint, and sums
// the evidence per pair of legs (PairEvidence): how many packets they share, in which relative
// orientation, and the time differences of the shared packets in each direction.

import type { CaptureLegs } from '../flow/collect-legs.js';
import { PairEvidence } from './pair-evidence.js';
import { sortByKey } from './radix-sort.js';

/** Every leg of the case numbered once across its captures: global id → (capture, leg in that capture). */
export class LegIds {
  readonly capture: Uint16Array;
  readonly leg: Uint32Array;
  /** Global id of each capture's first leg. */
  readonly firstId: number[] = [];

  constructor(captures: CaptureLegs[]) {
    const total = captures.reduce((n, c) => n + c.legs.count, 0);
    this.capture = new Uint16Array(total);
    this.leg = new Uint32Array(total);
    let id = 0;
    captures.forEach((c, capture) => {
      this.firstId.push(id);
      for (let leg = 0; leg < c.legs.count; leg++, id++) {
        this.capture[id] = capture;
        this.leg[id] = leg;
      }
    });
  }

  get count(): number {
    return this.leg.length;
  }
}

/**
 * A fingerprint seen more often than this across the case is not evidence (e.g. identical
 * keep-alives): matching it would link unrelated legs.
 */
const MAX_COPIES = 24;

export function matchPackets(captures: CaptureLegs[], ids: LegIds): PairEvidence {
  const pairs = new PairEvidence();
  addEvidence(captures, ids, false, pairs);
  // Second pass without TCP sequence numbers, only for leg pairs the first found nothing for:
  // connections through a middlebox that shifted seq/ack by a constant. Only TCP samples
  // (those whose loose print differs) take part.
  addEvidence(captures, ids, true, pairs);
  return pairs;
}

/**
 * Sorts every sampled packet of the case by its print and adds one piece of evidence per pair of
 * equal prints in different legs. The `loose` pass leaves the pairs the exact pass found alone.
 */
function addEvidence(captures: CaptureLegs[], ids: LegIds, loose: boolean, pairs: PairEvidence): void {
  const exactPairs = loose ? pairs.count : 0;
  let capacity = 0;
  for (const c of captures) capacity += c.legs.samples;
  const capOf = new Uint16Array(capacity);
  const sampleOf = new Uint32Array(capacity);
  const allPrints = new Uint32Array(capacity);
  let total = 0;
  captures.forEach((c, ci) => {
    const exact = c.legs.sampleFingerprint.data;
    const relaxed = c.legs.sampleLooseFingerprint.data;
    for (let s = 0; s < c.legs.samples; s++) {
      if (loose && relaxed[s] === exact[s]) continue;
      capOf[total] = ci;
      sampleOf[total] = s;
      allPrints[total] = loose ? relaxed[s]! : exact[s]!;
      total++;
    }
  });
  const { order, sorted } = sortByKey(allPrints.subarray(0, total));
  // What a pair needs of each sample of a group, gathered per group (most prints are seen once).
  const leg = new Int32Array(MAX_COPIES);
  const ts = new Float64Array(MAX_COPIES);
  const fromLow = new Uint8Array(MAX_COPIES);
  const ttl = new Uint8Array(MAX_COPIES);
  for (let start = 0; start < total; ) {
    let end = start + 1;
    while (end < total && sorted[end] === sorted[start]) end++;
    if (end - start > 1 && end - start <= MAX_COPIES) {
      for (let i = start; i < end; i++) {
        const x = order[i]!;
        const c = capOf[x]!;
        const t = captures[c]!.legs;
        const sample = sampleOf[x]!;
        leg[i - start] = ids.firstId[c]! + t.sampleLeg.data[sample]!;
        ts[i - start] = t.sampleTs.data[sample]!;
        fromLow[i - start] = t.sampleFromLow.data[sample]!;
        ttl[i - start] = t.sampleTtl.data[sample]!;
      }
      addGroup(end - start);
    }
    start = end;
  }

  function addGroup(size: number): void {
    for (let x = 0; x < size; x++) {
      for (let y = x + 1; y < size; y++) {
        // The same leg twice is a retransmission or a duplicate copy, not a second capture point.
        if (leg[x] === leg[y]) continue;
        // a is the lower global id.
        const i = leg[y]! < leg[x]! ? y : x;
        const j = i === x ? y : x;
        const a = leg[i]!;
        const b = leg[j]!;
        let pair = pairs.find(a, b);
        if (pair >= 0 && pair < exactPairs) continue;
        if (pair < 0) pair = pairs.add(a, b, loose);
        const aFromLow = fromLow[i] === 1;
        pairs.addPacket(pair, aFromLow, aFromLow === (fromLow[j] === 1), ts[j]! - ts[i]!, Math.sign(ttl[i]! - ttl[j]!));
      }
    }
  }
}
