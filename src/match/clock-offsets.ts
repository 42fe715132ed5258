// Clock offsets between hosts, from packets seen on both. A packet sent from host A to host B
// arrives at ts_B = ts_A + offset + transit; its reply gives ts_B = ts_A + offset − transit. The
// mean of the two medians cancels the transit (as NTP does) whatever the size of the offset —
// minutes as well as microseconds — and medians shrug off retransmissions and mismatches.

import type { PairEvidence } from './pair-evidence.js';
import { REPORT_EVERY, type ReportShare } from './report-share.js';

export interface ClockOffset {
  host: string;
  /** Seconds to subtract from this host's timestamps to put them on the reference host's clock. */
  offsetSeconds: number;
  /** How far the estimate may be off: half the round-trip asymmetry, or the disagreement between legs. */
  spreadSeconds: number;
  /** Packets seen on this host and a host already placed on the reference clock. */
  packets: number;
  /** 'reference', 'two-way' (both directions seen), 'one-way' (transit time not cancelled), or 'unknown'. */
  basis: 'reference' | 'two-way' | 'one-way' | 'unknown';
}

interface HostPairEstimates {
  offsets: Float64Array;
  spreads: Float64Array;
  /** Shared packets behind each estimate. */
  weights: Float64Array;
  count: number;
  twoWay: boolean;
}

/**
 * Host pairs (low, high) numbered in the order first met; keyOf gives back low × 65536 + high. A
 * table for the few hosts of a case, a Map beyond: a leg pair's host pair is looked up once.
 */
class HostPairNumbers {
  private readonly table: Int32Array | null;
  private readonly map = new Map<number, number>();
  private readonly keys: number[] = [];

  constructor(private readonly hosts: number) {
    this.table = hosts <= TABLE_HOSTS ? new Int32Array(hosts * hosts).fill(-1) : null;
  }

  numberOf(low: number, high: number): number {
    const key = low * 65536 + high;
    if (this.table !== null) {
      const at = low * this.hosts + high;
      const known = this.table[at]!;
      if (known >= 0) return known;
      this.table[at] = this.keys.length;
    } else {
      const known = this.map.get(key);
      if (known !== undefined) return known;
      this.map.set(key, this.keys.length);
    }
    this.keys.push(key);
    return this.keys.length - 1;
  }

  keyOf(number: number): number {
    return this.keys[number]!;
  }
}

/** Hosts up to which host pairs are numbered through a table (4 MB at most). */
const TABLE_HOSTS = 1024;

interface PairEstimate {
  offset: number;
  spread: number;
  packets: number;
  twoWay: boolean;
}

/**
 * Offsets of every host relative to the best-connected one. `hostOfLeg` gives each global leg's
 * host index; `report` hears how far the two sweeps over the leg pairs are (the rest is per host pair).
 */
export function estimateClockOffsets(hosts: string[], hostOfLeg: ArrayLike<number>, pairs: PairEvidence, report?: ReportShare): ClockOffset[] {
  // Per host pair (low index first, numbered as first met): the per-leg-pair estimates of
  // clock(high) − clock(low), column-wise in typed arrays counted first (a busy case has one per
  // connection and capture point pair: 700 000 at 64 000 connections, which growing number
  // arrays held several times over). The first sweep numbers each leg pair's host pair (−1: one
  // host), the second reads that number back.
  const hostPairs = new HostPairNumbers(hosts.length);
  const hostPairOf = new Int32Array(pairs.count);
  const sizes: number[] = [];
  const units = 2 * pairs.count;
  const as = pairs.a.data;
  const bs = pairs.b.data;
  for (let e = 0; e < pairs.count; e++) {
    if (report !== undefined && e % REPORT_EVERY === 0) report(e / units);
    const ha = hostOfLeg[as[e]!]!;
    const hb = hostOfLeg[bs[e]!]!;
    const number = ha === hb ? -1 : hostPairs.numberOf(Math.min(ha, hb), Math.max(ha, hb));
    hostPairOf[e] = number;
    if (number >= 0) sizes[number] = (sizes[number] ?? 0) + 1;
  }
  // The estimates of host pair k at [start[k], start[k + 1]) of three columns; run once per
  // analyze over every pair, so the sweep reads columns, not objects.
  const start = new Int32Array(sizes.length + 1);
  for (let k = 0; k < sizes.length; k++) start[k + 1] = start[k]! + sizes[k]!;
  const fill = start.slice(0, sizes.length);
  const total = start[sizes.length]!;
  const offsets = new Float64Array(total);
  const spreads = new Float64Array(total);
  const weights = new Float64Array(total);
  const twoWays = new Uint8Array(sizes.length);
  const medians = pairs.medians;
  const fromLow = pairs.fromLow.data;
  const fromHigh = pairs.fromHigh.data;
  const shared = pairs.shared.data;
  for (let e = 0; e < pairs.count; e++) {
    if (report !== undefined && e % REPORT_EVERY === 0) report((pairs.count + e) / units);
    const number = hostPairOf[e]!;
    if (number < 0) continue;
    const mLow = medians[2 * e]!;
    const mHigh = medians[2 * e + 1]!;
    // Shared packets sent by each end of a (pairs.sentBy).
    const twoWay = fromLow[e]! > 0 && fromHigh[e]! > 0;
    let offset = twoWay ? (mLow + mHigh) / 2 : Number.isNaN(mLow) ? mHigh : mLow;
    const spread = twoWay ? Math.abs(mLow - mHigh) / 2 : 0;
    if (hostOfLeg[as[e]!]! > hostOfLeg[bs[e]!]!) offset = -offset;
    const i = fill[number]!++;
    offsets[i] = offset;
    spreads[i] = spread;
    weights[i] = shared[e]!;
    if (twoWay) twoWays[number] = 1;
  }
  const byHostPair: HostPairEstimates[] = sizes.map((n, k) => ({
    offsets: offsets.subarray(start[k]!, start[k + 1]!),
    spreads: spreads.subarray(start[k]!, start[k + 1]!),
    weights: weights.subarray(start[k]!, start[k + 1]!),
    count: n,
    twoWay: twoWays[k] === 1,
  }));

  report?.(1);
  const combined = new Map<number, PairEstimate>();
  const packetsPerHost = new Array<number>(hosts.length).fill(0);
  for (const [number, list] of byHostPair.entries()) {
    const key = hostPairs.keyOf(number);
    // Selected in place, the spreads moved along so that each stays with its own offset: a copy
    // of the estimates came on top of matching's arrays not yet collected (docs/performance.md).
    const offset = selectWeightedQuantile(list.offsets, list.weights, 0.5, list.spreads);
    // Most connections agree within this (the 90th percentile: a few odd ones must not decide it).
    for (let i = 0; i < list.count; i++) list.spreads[i]! += Math.abs(list.offsets[i]! - offset);
    const spread = selectWeightedQuantile(list.spreads, list.weights, 0.9);
    let packets = 0;
    for (let i = 0; i < list.count; i++) packets += list.weights[i]!;
    combined.set(key, { offset, spread, packets, twoWay: list.twoWay });
    packetsPerHost[Math.floor(key / 65536)]! += packets;
    packetsPerHost[key % 65536]! += packets;
  }

  // The reference is the host sharing the most packets with others (the hub of the case).
  let reference = 0;
  packetsPerHost.forEach((p, i) => {
    if (p > packetsPerHost[reference]!) reference = i;
  });
  const result: ClockOffset[] = hosts.map((host) => ({ host, offsetSeconds: 0, spreadSeconds: 0, packets: 0, basis: 'unknown' }));
  if (hosts.length === 0) return result;
  result[reference]!.basis = 'reference';
  // Grow from the reference along the best-supported host pairs (a maximum spanning tree).
  const placed = new Set([reference]);
  for (;;) {
    let best: { from: number; to: number; estimate: PairEstimate } | null = null;
    for (const [key, estimate] of combined) {
      const lo = Math.floor(key / 65536);
      const hi = key % 65536;
      const from = placed.has(lo) && !placed.has(hi) ? lo : placed.has(hi) && !placed.has(lo) ? hi : -1;
      if (from < 0) continue;
      if (best === null || estimate.packets > best.estimate.packets) best = { from, to: from === lo ? hi : lo, estimate };
    }
    if (best === null) break;
    const { from, to, estimate } = best;
    const sign = from < to ? 1 : -1;
    const base = result[from]!;
    result[to] = {
      host: hosts[to]!,
      offsetSeconds: base.offsetSeconds + sign * estimate.offset,
      spreadSeconds: base.spreadSeconds + estimate.spread,
      packets: estimate.packets,
      basis: estimate.twoWay ? 'two-way' : 'one-way',
    };
    placed.add(to);
  }
  return result;
}

/**
 * The value below which a share `q` of the total weight lies: the smallest value whose own and
 * lower values' weights reach q × total. Found by selection (expected linear time), not by
 * sorting: a busy case has one estimate per connection.
 */
export function weightedQuantile(values: ArrayLike<number>, weights: ArrayLike<number>, q: number): number {
  return selectWeightedQuantile(Float64Array.from(values), Float64Array.from(weights), q);
}

/** weightedQuantile on arrays it may reorder: values and weights together, and `along` with them when given. */
function selectWeightedQuantile(v: Float64Array, w: Float64Array, q: number, along?: Float64Array): number {
  if (v.length === 0) return 0;
  let total = 0;
  // Index loops: this runs once per call over every estimate (an iterator object per element otherwise).
  for (let i = 0; i < w.length; i++) total += w[i]!;
  const target = q * total;
  let lo = 0;
  let hi = v.length;
  let below = 0;
  while (hi - lo > 16) {
    const pivot = medianOfThree(v[lo]!, v[(lo + hi) >> 1]!, v[hi - 1]!);
    // Three-way partition of [lo, hi): [lo, lt) < pivot, [lt, gt) = pivot, [gt, hi) > pivot.
    let lt = lo;
    let gt = hi;
    let i = lo;
    let lessWeight = 0;
    let equalWeight = 0;
    // The swaps written out: this runs once per analyze, mostly before the JIT has optimized
    // anything, where a call per element costs more than the element.
    while (i < gt) {
      const x = v[i]!;
      let j: number;
      if (x < pivot) {
        lessWeight += w[i]!;
        j = lt++;
      } else if (x > pivot) {
        j = --gt;
      } else {
        equalWeight += w[i]!;
        i++;
        continue;
      }
      v[i] = v[j]!;
      v[j] = x;
      const y = w[i]!;
      w[i] = w[j]!;
      w[j] = y;
      if (along !== undefined) {
        const z = along[i]!;
        along[i] = along[j]!;
        along[j] = z;
      }
      if (x < pivot) i++;
    }
    if (below + lessWeight >= target) {
      hi = lt;
    } else if (below + lessWeight + equalWeight >= target) {
      return pivot;
    } else {
      below += lessWeight + equalWeight;
      lo = gt;
    }
  }
  // A few left: sort them and walk.
  const rest = Array.from({ length: hi - lo }, (_, k) => lo + k).sort((x, y) => v[x]! - v[y]!);
  let seen = below;
  for (const k of rest) {
    seen += w[k]!;
    if (seen >= target) return v[k]!;
  }
  // Not reached (no weight at all, or NaNs): the largest value, as a sorted walk would end.
  let largest = -Infinity;
  for (let i = 0; i < v.length; i++) if (v[i]! > largest) largest = v[i]!;
  return largest;
}

function medianOfThree(a: number, b: number, c: number): number {
  return a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
}
