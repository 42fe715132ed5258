import { describe, expect, it } from 'vitest';
import { OneBuffer, u32 } from '../../src/flow/columns.js';

describe('columns', () => {
  it('grow by quadrupling and keep what they hold', () => {
    const c = u32(2, 3);
    c.data.set([1, 2, 3, 4, 5, 6]);
    c.ensure(2);
    expect(c.data.length).toBe(24);
    expect([...c.data.subarray(0, 6)]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('carved from one buffer, each column has its own rows, 8-byte aligned, and moves out when it outgrows them', () => {
    const slab = new OneBuffer(5, 1 + 2 * 4 + 8, 3);
    const flags = slab.column(Uint8Array);
    const pairs = slab.column(Int32Array, 2);
    const times = slab.column(Float64Array);
    expect([flags.data.length, pairs.data.length, times.data.length]).toEqual([5, 10, 5]);
    expect(pairs.data.byteOffset % 8).toBe(0);
    expect(times.data.byteOffset % 8).toBe(0);
    flags.data.fill(0xff);
    pairs.data.fill(-1);
    times.data.fill(0.5);
    // No column's writes reach another's rows.
    expect([...flags.data]).toEqual([255, 255, 255, 255, 255]);
    expect([...pairs.data]).toEqual(new Array(10).fill(-1));
    expect([...times.data]).toEqual(new Array(5).fill(0.5));
    expect(flags.data.buffer).toBe(times.data.buffer);
    times.ensure(5);
    expect(times.data.buffer).not.toBe(flags.data.buffer);
    expect([...times.data.subarray(0, 5)]).toEqual(new Array(5).fill(0.5));
    expect([...pairs.data]).toEqual(new Array(10).fill(-1));
  });

  it('refuses a column beyond the size it was given for (a mistake in the caller’s sum, not in the input)', () => {
    const slab = new OneBuffer(4, 4, 1);
    slab.column(Uint32Array);
    expect(() => slab.column(Uint32Array)).toThrow(/more columns/);
  });
});
