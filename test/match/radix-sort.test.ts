import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderByKey, sortByKey } from '../../src/match/radix-sort.js';

describe('orderByKey', () => {
  it('orders indexes by their 32-bit keys, stably, like a comparator sort', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 3000 }), (values) => {
        const keys = Uint32Array.from(values);
        const expected = [...keys.keys()].sort((a, b) => keys[a]! - keys[b]! || a - b);
        expect([...orderByKey(keys)]).toEqual(expected);
        const { order, sorted } = sortByKey(keys);
        expect([...order]).toEqual(expected);
        expect([...sorted]).toEqual(expected.map((i) => keys[i]!));
      }),
    );
  });
});
