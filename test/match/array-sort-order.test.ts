import { describe, expect, it } from 'vitest';
import { sortLikeArraySort } from '../../src/match/array-sort-order.js';

/** A deterministic generator (mulberry32): the same cases every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function both(values: number[], compare: (x: number, y: number) => number): { ours: number[]; engine: number[] } {
  const items = Int32Array.from([-7, ...values, -9]);
  sortLikeArraySort(items, 1, items.length - 1, compare);
  return { ours: Array.from(items), engine: [-7, ...[...values].sort(compare), -9] };
}

describe('sortLikeArraySort (linking sorts a few items per flow; its order must be Array.prototype.sort order)', () => {
  it('sorts like Array.prototype.sort with a consistent comparison, ties kept in their order', () => {
    const next = random(1);
    for (let n = 0; n < 80; n++) {
      for (let trial = 0; trial < 20; trial++) {
        const keys = Array.from({ length: n }, () => Math.floor(next() * 4));
        const values = Array.from({ length: n }, (_, i) => i);
        const { ours, engine } = both(values, (x, y) => keys[x]! - keys[y]!);
        expect(ours).toEqual(engine);
      }
    }
  });

  it('gives the same order as Array.prototype.sort when comparisons contradict each other or are NaN', () => {
    // A comparison drawn at random per ordered pair: cycles, asymmetry, NaN, -0 — whatever the
    // engine's algorithm does with them, the two must agree comparison for comparison.
    const next = random(2);
    const answers = [-1, 0, 1, NaN, -0, 2.5, -Infinity];
    for (let n = 0; n < 80; n++) {
      for (let trial = 0; trial < 30; trial++) {
        const table = Array.from({ length: n * n }, () => answers[Math.floor(next() * answers.length)]!);
        const values = Array.from({ length: n }, (_, i) => i);
        const { ours, engine } = both(values, (x, y) => table[x * n + y]!);
        expect(ours).toEqual(engine);
      }
    }
  });

  it('leaves what lies outside the slice alone, descending runs included', () => {
    const items = Int32Array.from([9, 5, 4, 3, 2, 1, 0]);
    sortLikeArraySort(items, 1, 6, (x, y) => x - y);
    expect(Array.from(items)).toEqual([9, 1, 2, 3, 4, 5, 0]);
  });
});
