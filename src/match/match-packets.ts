// Finds the same packet at different capture points by its NAT-invariant fingerprint, and sums
// the evidence per pair of legs (PairEvidence): how many packets they share, in which relative
// orientation, and the time differences of the shared packets in each direction.

import type { CaptureLegs } from '../flow/collect-legs.js';
import { PairEvidence } from './pair-evidence.js';
import { SortBuffers, sortByKey } from './radix-sort.js';

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
  // Both passes use the same arrays (the second needs none of the first's).
  const buffers = { samples: new SortBuffers(), sort: new SortBuffers() };
  addEvidence(captures, ids, false, pairs, buffers);
  // Second pass without TCP sequence numbers, only for leg pairs the first found nothing for:
  // connections through a middlebox that shifted seq/ack by a constant. Only TCP samples
  // (those whose loose print differs) take part.
  addEvidence(captures, ids, true, pairs, buffers);
  pairs.computeMedians();
  return pairs;
}

/**
 * Sorts every sampled packet of the case by its print and adds one piece of evidence per pair of
 * equal prints in different legs. The `loose` pass leaves the pairs the exact pass found alone.
 */
function addEvidence(
  captures: CaptureLegs[],
  ids: LegIds,
  loose: boolean,
  pairs: PairEvidence,
  buffers: { samples: SortBuffers; sort: SortBuffers },
): void {
  const exactPairs = loose ? pairs.count : 0;
  let capacity = 0;
  for (const c of captures) capacity += c.legs.samples;
  // Every sample taking part, with what a pair needs of it, then sorted by print all together.
  const u32 = new Uint32Array(0);
  const prints = buffers.samples.take(0, u32, capacity);
  const legs = buffers.samples.take(1, u32, capacity);
  const times = buffers.samples.take(2, new Float64Array(0), capacity);
  /** Bit 0: sent from the leg's low endpoint; bits 1–8: TTL. */
  const flags = buffers.samples.take(3, u32, capacity);
  let total = 0;
  captures.forEach((c, ci) => {
    const t = c.legs;
    const exact = t.sampleFingerprint.data;
    const relaxed = t.sampleLooseFingerprint.data;
    for (let s = 0; s < t.samples; s++) {
      if (loose && relaxed[s] === exact[s]) continue;
      prints[total] = loose ? relaxed[s]! : exact[s]!;
      legs[total] = ids.firstId[ci]! + t.sampleLeg.data[s]!;
      times[total] = t.sampleTs.data[s]!;
      flags[total] = t.sampleFromLow.data[s]! | (t.sampleTtl.data[s]! << 1);
      total++;
    }
  });
  const {
    sorted,
    columns: [leg, ts, flag],
  } = sortByKey(prints.subarray(0, total), [legs.subarray(0, total), times.subarray(0, total), flags.subarray(0, total)], buffers.sort, { withOrder: false });

  for (let start = 0; start < total; ) {
    let end = start + 1;
    while (end < total && sorted[end] === sorted[start]) end++;
    if (end - start > 1 && end - start <= MAX_COPIES) addGroup(start, end);
    start = end;
  }

  function addGroup(start: number, end: number): void {
    for (let x = start; x < end; x++) {
      for (let y = x + 1; y < end; y++) {
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
        const aFromLow = (flag[i]! & 1) === 1;
        pairs.addPacket(pair, aFromLow, aFromLow === ((flag[j]! & 1) === 1), ts[j]! - ts[i]!, Math.sign((flag[i]! >>> 1) - (flag[j]! >>> 1)));
      }
    }
  }
}
