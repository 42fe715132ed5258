import { describe, expect, it } from 'vitest';
import { OneBuffer, ReleasableColumn, u32 } from '../../src/flow/columns.js';

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

  it('a releasable column grows in place by an eighth, moves past its maximum keeping its rows, and is empty once released', () => {
    const c = new ReleasableColumn(Float64Array, 0, 100_000);
    expect(c.data.length).toBe(0);
    c.ensure(0);
    // At least 8 192 rows a step, whatever the element size: columns grown together stay alike.
    expect(c.data.length).toBe(8192);
    const bytes = new ReleasableColumn(Uint8Array, 0, 100_000);
    bytes.ensure(0);
    expect(bytes.data.length).toBe(8192);
    bytes.ensure(9000);
    c.ensure(9000);
    expect(bytes.data.length).toBe(c.data.length);
    c.release();
    c.ensure(0);
    c.data[8191] = 1.5;
    const buffer = c.data.buffer;
    c.ensure(90_000);
    expect(c.data.buffer).toBe(buffer);
    expect(c.data.length).toBe(90_001);
    expect(c.data[8191]).toBe(1.5);
    c.data[90_000] = 2.5;
    // Past the maximum: a larger buffer, the rows copied.
    c.ensure(150_000);
    expect(c.data.buffer).not.toBe(buffer);
    expect(c.data.length).toBeGreaterThanOrEqual(150_001);
    expect([c.data[8191], c.data[90_000], c.data[150_000]]).toEqual([1.5, 2.5, 0]);
    c.release();
    expect(c.data.length).toBe(0);
    // Usable again after a release, from zeros.
    c.ensure(3);
    expect(c.data[3]).toBe(0);
  });
});
