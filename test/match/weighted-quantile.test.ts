import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { weightedQuantile } from '../../src/match/clock-offsets.js';

/** The definition, by sorting: walk the values in order until the weight seen reaches q × total. */
function bySorting(values: number[], weights: number[], q: number): number {
  const order = values.map((_, i) => i).sort((x, y) => values[x]! - values[y]!);
  const total = weights.reduce((s, w) => s + w, 0);
  let seen = 0;
  for (const i of order) {
    seen += weights[i]!;
    if (seen >= q * total) return values[i]!;
  }
  return values[order[order.length - 1]!] ?? 0;
}

describe('weightedQuantile (selection, used for clock offsets over every connection)', () => {
  it('equals the sorted walk, ties and repeated values included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -50, max: 50 }), fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 40 }))), { minLength: 1, maxLength: 600 }),
        fc.constantFrom(0.1, 0.5, 0.9, 1),
        (items, q) => {
          // Few distinct values (ties) and fractional ones (clock offsets are fractions of seconds).
          const values = items.map(([v]) => v / 8);
          const weights = items.map(([, w]) => w);
          expect(weightedQuantile(values, weights, q)).toBe(bySorting(values, weights, q));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('stops exactly where the weight seen reaches the share (no rounding up to the next value)', () => {
    const values = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
    const ones = values.map(() => 1);
    expect(weightedQuantile(values, ones, 0.5)).toBe(499);
    expect(weightedQuantile(values, ones, 0.9)).toBe(899);
    expect(weightedQuantile(values, ones, 1)).toBe(999);
  });

  it('answers 0 for no estimates', () => {
    expect(weightedQuantile([], [], 0.5)).toBe(0);
  });
});
