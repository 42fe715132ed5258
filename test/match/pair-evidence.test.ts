import { describe, expect, it } from 'vitest';
import { DELTAS_KEPT, PairEvidence } from '../../src/match/pair-evidence.js';

/** 3 000 pairs (legs i, i + 1), pair i sharing 1 + i % 40 packets each way, 1.5 + i ms later in b plus a few µs of jitter. */
function fill(pairs: PairEvidence): void {
  for (let i = 0; i < 3000; i++) {
    const pair = pairs.add(i, i + 1, i % 7 === 0);
    for (let k = 0; k <= i % 40; k++) {
      const jitter = ((k * 37) % 11) * 1e-6;
      pairs.addPacket(pair, true, true, 0.0015 + i * 1e-3 + jitter, 1);
      pairs.addPacket(pair, false, true, -0.0015 + i * 1e-3 - jitter, -1);
    }
  }
}

/** The median of the first DELTAS_KEPT differences pair i keeps in one direction (as fill makes them). */
function expectedMedian(i: number, sign: number): number {
  const values: number[] = [];
  for (let k = 0; k <= i % 40 && k < DELTAS_KEPT; k++) values.push(sign * 0.0015 + i * 1e-3 + sign * ((k * 37) % 11) * 1e-6);
  values.sort((x, y) => x - y);
  const mid = values.length >> 1;
  return values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}

describe('pair evidence', () => {
  it('gives the same pairs and medians presized for many samples as grown from a few', () => {
    const grown = new PairEvidence(3001);
    const presized = new PairEvidence(3001, 200_000);
    fill(grown);
    fill(presized);
    grown.computeMedians();
    presized.computeMedians();
    expect(presized.count).toBe(3000);
    for (const column of ['a', 'b', 'shared', 'sameOrientation', 'fromLow', 'fromHigh', 'ttlVotesFromLow', 'ttlVotesFromHigh', 'loose'] as const) {
      expect(presized[column].data.subarray(0, 3000)).toEqual(grown[column].data.subarray(0, 3000));
    }
    expect(presized.medians).toEqual(grown.medians);
    for (const i of [0, 1, 17, 39, 40, 2999]) {
      // Single precision for the kept differences: well under a microsecond off.
      expect(Math.abs(grown.medians[2 * i]! - expectedMedian(i, 1))).toBeLessThan(1e-7);
      expect(Math.abs(grown.medians[2 * i + 1]! - expectedMedian(i, -1))).toBeLessThan(1e-7);
    }
    expect(grown.find(5, 6)).toBe(5);
    expect(grown.find(6, 5)).toBe(-1);
  });

  it('has medians of NaN for a direction no shared packet went', () => {
    const pairs = new PairEvidence(2, 10);
    const pair = pairs.add(0, 1, false);
    pairs.addPacket(pair, true, false, 0.25, 0);
    pairs.computeMedians();
    expect(pairs.medians[0]).toBe(0.25);
    expect(Number.isNaN(pairs.medians[1])).toBe(true);
    expect(pairs.sameWay(pair)).toBe(false);
  });

  it('takes the median of each count of kept differences exactly as sorting them does, ties included', () => {
    // Per pair, n differences each way (1 to DELTAS_KEPT + 2): some equal, some apart, in no order.
    const counts = Array.from({ length: DELTAS_KEPT + 2 }, (_, k) => k + 1);
    const pairs = new PairEvidence(counts.length + 1, 1000);
    const kept: number[][] = [];
    for (const n of counts) {
      const pair = pairs.add(n - 1, n, false);
      const values: number[] = [];
      for (let k = 0; k < n; k++) {
        const delta = 0.002 + (((k * 7919) % 5) - 2) * 1e-6 * (k % 3 === 0 ? 0 : 1);
        pairs.addPacket(pair, true, true, delta, 0);
        // What the pair keeps: the first difference, the others as their single-precision distance from it.
        if (k < DELTAS_KEPT) values.push(k === 0 ? delta : values[0]! + Math.fround(delta - values[0]!));
      }
      kept.push(values);
    }
    pairs.computeMedians();
    kept.forEach((values, pair) => {
      const sorted = [...values].sort((x, y) => x - y);
      const mid = sorted.length >> 1;
      expect(pairs.medians[2 * pair]).toBe(sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2);
    });
  });
});
