import { describe, expect, it } from 'vitest';
import { formatCount } from '../../src/report/format-number.js';

describe('formatCount', () => {
  it('writes what toLocaleString("en-US") writes, without loading ICU', () => {
    const values = [0, -0, 1, 7, 12, 999, 1000, 1001, 12345, 999999, 1000000, 1234567.891, 0.5, 0.0004, 0.0005, 2.25, -1234.5,
      -0.0001, 2 ** 31, 2 ** 53, 1e20, 123456789012, 1.9995, 99.9999, NaN, Infinity, -Infinity];
    for (let i = 0; i < 2000; i++) values.push(Math.round(Math.sin(i) * 10 ** (i % 16)), Math.sin(i) * 10 ** (i % 12));
    for (const v of values) expect(formatCount(v), String(v)).toBe(v.toLocaleString('en-US'));
  });
});
