// Clock offsets between hosts, from packets seen on both. A packet sent from host A to host B
// arrives at ts_B = ts_A + offset + transit; its reply gives ts_B = ts_A + offset − transit. The
// mean of the two medians cancels the transit (as NTP does) whatever the size of the offset —
// minutes as well as microseconds — and medians shrug off retransmissions and mismatches.

import { median, type LegPairEvidence } from './match-packets.js';

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

interface PairEstimate {
  offset: number;
  spread: number;
  packets: number;
  twoWay: boolean;
}

/** Offsets of every host relative to the best-connected one. `hostOfLeg` gives each global leg's host index. */
export function estimateClockOffsets(hosts: string[], hostOfLeg: (leg: number) => number, pairs: Iterable<LegPairEvidence>): ClockOffset[] {
  // Per ordered host pair (low index first): the per-leg-pair estimates of clock(high) − clock(low).
  const byHostPair = new Map<number, PairEstimate[]>();
  for (const e of pairs) {
    const ha = hostOfLeg(e.a);
    const hb = hostOfLeg(e.b);
    if (ha === hb) continue;
    const mLow = median(e.deltasFromLow);
    const mHigh = median(e.deltasFromHigh);
    const twoWay = e.deltasFromLow.length > 0 && e.deltasFromHigh.length > 0;
    let offset = twoWay ? (mLow + mHigh) / 2 : Number.isNaN(mLow) ? mHigh : mLow;
    const spread = twoWay ? Math.abs(mLow - mHigh) / 2 : 0;
    if (ha > hb) offset = -offset;
    const key = Math.min(ha, hb) * 65536 + Math.max(ha, hb);
    const list = byHostPair.get(key) ?? [];
    list.push({ offset, spread, packets: e.shared, twoWay });
    byHostPair.set(key, list);
  }

  const combined = new Map<number, PairEstimate>();
  const packetsPerHost = new Array<number>(hosts.length).fill(0);
  for (const [key, list] of byHostPair) {
    const offset = weightedQuantile(list.map((p) => ({ value: p.offset, weight: p.packets })), 0.5);
    // Most connections agree within this (the 90th percentile: a few odd ones must not decide it).
    const spread = weightedQuantile(list.map((p) => ({ value: p.spread + Math.abs(p.offset - offset), weight: p.packets })), 0.9);
    const packets = list.reduce((sum, p) => sum + p.packets, 0);
    combined.set(key, { offset, spread, packets, twoWay: list.some((p) => p.twoWay) });
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

/** The value below which a share `q` of the total weight lies. */
function weightedQuantile(items: Array<{ value: number; weight: number }>, q: number): number {
  const sorted = [...items].sort((x, y) => x.value - y.value);
  const total = sorted.reduce((sum, p) => sum + p.weight, 0);
  let seen = 0;
  for (const p of sorted) {
    seen += p.weight;
    if (seen >= q * total) return p.value;
  }
  return sorted[sorted.length - 1]?.value ?? 0;
}
