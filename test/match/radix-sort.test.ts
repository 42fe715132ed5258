import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUCKETS, SortBuffers, bucketStarts, fileInPlace, sortWithinBuckets, topBucket } from '../../src/match/radix-sort.js';

/** Files rows by topBucket as matching does, then sorts within the buckets. */
function sortRows(keys: number[], columns: Array<Uint32Array | Float64Array>, scratch = new SortBuffers()) {
  const counts = new Uint32Array(BUCKETS);
  for (const k of keys) counts[topBucket(k)]!++;
  const starts = bucketStarts(counts);
  const sorted = new Uint32Array(keys.length);
  const moved = columns.map((c) => new (c.constructor as new (n: number) => Uint32Array | Float64Array)(keys.length));
  keys.forEach((k, i) => {
    const at = counts[topBucket(k)]!++;
    sorted[at] = k;
    columns.forEach((c, ci) => (moved[ci]![at] = c[i]!));
  });
  sortWithinBuckets(starts, sorted, moved, scratch);
  return { sorted, moved, starts };
}

// Keys from a few values (long runs of equal keys, as repeated prints make), from one bucket
// (the within-bucket passes), and from the whole range.
const keyArbitrary = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.constantFrom(0, 1, 0x1fffff, 0x200000, 0xffffffff),
  fc.integer({ min: 0x12300000, max: 0x123fffff }),
);

describe('bucket radix sort', () => {
  it('orders rows by their 32-bit keys, stably, like a comparator sort, moving every column along', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(keyArbitrary, fc.double({ noNaN: true })), { maxLength: 3000 }), (items) => {
        const keys = items.map(([k]) => k);
        const values = Float64Array.from(items.map(([, v]) => v));
        const index = Uint32Array.from(items.map((_, i) => i));
        const { sorted, moved } = sortRows(keys, [index, values]);
        const expected = [...keys.keys()].sort((a, b) => keys[a]! - keys[b]! || a - b);
        expect([...moved[0]!]).toEqual(expected);
        expect([...sorted]).toEqual(expected.map((i) => keys[i]!));
        expect([...moved[1]!]).toEqual(expected.map((i) => values[i]!));
      }),
    );
  });

  it('sorts a bucket larger than the insertion-sort threshold and reuses its scratch across calls', () => {
    const scratch = new SortBuffers();
    for (const n of [5000, 40, 70_000]) {
      // One bucket (top bits fixed), keys descending with duplicates: every pass moves rows.
      const keys = Array.from({ length: n }, (_, i) => 0xabc00000 + ((n - i) >> 1));
      const index = Uint32Array.from(keys.map((_, i) => i));
      const { sorted, moved, starts } = sortRows(keys, [index], scratch);
      expect(starts[topBucket(0xabc00000) + 1]! - starts[topBucket(0xabc00000)]!).toBe(n);
      const expected = [...keys.keys()].sort((a, b) => keys[a]! - keys[b]! || a - b);
      expect([...moved[0]!]).toEqual(expected);
      expect(sorted[0]).toBe(Math.min(...keys));
    }
  });

  it('files rows in place into their buckets, keeping their order within a bucket, then sorts like a comparator sort', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(keyArbitrary, fc.double({ noNaN: true })), { maxLength: 3000 }), (items) => {
        const keys = Uint32Array.from(items.map(([k]) => k));
        const values = Float64Array.from(items.map(([, v]) => v));
        const index = Uint32Array.from(items.map((_, i) => i));
        const flags = Uint32Array.from(items.map((_, i) => (i * 2654435761) >>> 0));
        const original = [...keys];
        const originalFlags = [...flags];
        const starts = fileInPlace(keys, index, values, flags);
        // Filed: each row in its bucket, in its original order there, its columns with it.
        for (let b = 0; b < BUCKETS; b++) {
          for (let i = starts[b]!; i < starts[b + 1]!; i++) {
            expect(topBucket(keys[i]!)).toBe(b);
            if (i > starts[b]!) expect(index[i]!).toBeGreaterThan(index[i - 1]!);
          }
        }
        expect([...keys]).toEqual([...index].map((i) => original[i]!));
        expect([...values]).toEqual([...index].map((i) => items[i]![1]));
        expect([...flags]).toEqual([...index].map((i) => originalFlags[i]!));
        sortWithinBuckets(starts, keys, [index, values], new SortBuffers());
        const expected = [...original.keys()].sort((a, b) => original[a]! - original[b]! || a - b);
        expect([...index]).toEqual(expected);
      }),
    );
  });

  it('files rows the same when given an array it may use for the destinations (matching passes one it no longer needs)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(keyArbitrary, fc.double({ noNaN: true })), { maxLength: 2000 }), fc.nat(8), (items, extra) => {
        const keys = Uint32Array.from(items.map(([k]) => k));
        const values = Float64Array.from(items.map(([, v]) => v));
        const index = Uint32Array.from(items.map((_, i) => i));
        const keysToo = keys.slice();
        const valuesToo = values.slice();
        const indexToo = index.slice();
        const scratch = new Uint32Array(items.length + extra).fill(0xdeadbeef);
        const starts = fileInPlace(keys, index, values, new Uint32Array(items.length));
        expect(fileInPlace(keysToo, indexToo, valuesToo, new Uint32Array(items.length), scratch)).toEqual(starts);
        expect(keysToo).toEqual(keys);
        expect(valuesToo).toEqual(values);
        expect(indexToo).toEqual(index);
      }),
      { numRuns: 40 },
    );
    // Too short to hold every row's destination: not used.
    const keys = Uint32Array.of(0xffffffff, 0, 0x80000000);
    const short = new Uint32Array(2).fill(7);
    fileInPlace(keys, new Uint32Array(3), new Float64Array(3), new Uint32Array(3), short);
    expect([...keys]).toEqual([0, 0x80000000, 0xffffffff]);
    expect([...short]).toEqual([7, 7]);
  });

  it('bucketStarts turns counts into each bucket’s first row and appends the end', () => {
    const counts = new Uint32Array(BUCKETS);
    counts[0] = 2;
    counts[5] = 3;
    counts[BUCKETS - 1] = 1;
    const starts = bucketStarts(counts);
    expect(starts.length).toBe(BUCKETS + 1);
    expect([starts[0], starts[1], starts[5], starts[6], starts[BUCKETS - 1], starts[BUCKETS]]).toEqual([0, 2, 2, 5, 5, 6]);
    // The counts are now the next free row of each bucket, for filing.
    expect([counts[0], counts[5], counts[BUCKETS - 1]]).toEqual([0, 2, 5]);
  });
});
