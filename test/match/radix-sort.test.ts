import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortByKey } from '../../src/match/radix-sort.js';

describe('sortByKey', () => {
  it('orders indexes by their 32-bit keys, stably, like a comparator sort', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 3000 }), (values) => {
        const keys = Uint32Array.from(values);
        const expected = [...keys.keys()].sort((a, b) => keys[a]! - keys[b]! || a - b);
        const { order, sorted } = sortByKey(keys);
        expect([...order]).toEqual(expected);
        expect([...sorted]).toEqual(expected.map((i) => keys[i]!));
      }),
    );
  });

  it('moves columns with their keys, leaving the inputs as they were', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.double({ noNaN: true })), { maxLength: 2000 }), (items) => {
        const keys = Uint32Array.from(items.map(([k]) => k));
        const values = Float64Array.from(items.map(([, v]) => v));
        const tags = Uint32Array.from(items.map((_, i) => i * 7));
        const keysBefore = keys.slice();
        const valuesBefore = values.slice();
        const { order, sorted, columns } = sortByKey(keys, [values, tags]);
        expect([...sorted]).toEqual([...order].map((i) => keys[i]!));
        expect([...columns[0]!]).toEqual([...order].map((i) => values[i]!));
        expect([...columns[1]!]).toEqual([...order].map((i) => i * 7));
        expect(keys).toEqual(keysBefore);
        expect(values).toEqual(valuesBefore);
        // Without the indexes: the same keys and columns.
        const bare = sortByKey(keys, [values, tags], undefined, { withOrder: false });
        expect([...bare.sorted]).toEqual([...sorted]);
        expect([...bare.columns[0]!]).toEqual([...columns[0]!]);
        expect([...bare.columns[1]!]).toEqual([...columns[1]!]);
      }),
    );
  });
});
