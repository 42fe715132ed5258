import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  binaryResolution,
  decimalResolution,
  divideUint64,
  division,
  formatEpochSeconds,
  makeTimestampScale,
  fractionToNanos,
  resolutionFromTsresol,
} from '../../src/capture/timestamp.js';

const u32 = fc.integer({ min: 0, max: 0xffffffff });

describe('64-bit division without bigint', () => {
  it('matches bigint division for any 64-bit dividend and divisor in [1, 2^32]', () => {
    fc.assert(
      fc.property(u32, u32, fc.oneof(fc.integer({ min: 1, max: 2 ** 32 }), fc.constantFrom(1, 1e6, 1e9, 2 ** 32, 2 ** 20, 10)), (high, low, divisor) => {
        divideUint64(high, low, divisor);
        const n = (BigInt(high) << 32n) | BigInt(low);
        const q = n / BigInt(divisor);
        expect(division.quotientHigh).toBe(Number(q >> 32n));
        expect(division.quotientLow).toBe(Number(q & 0xffffffffn));
        expect(division.remainder).toBe(Number(n % BigInt(divisor)));
      }),
      { numRuns: 5000 },
    );
  });

  it('binary fractions convert to nanoseconds exactly (rounded down) up to 2^-32', () => {
    for (const k of [1, 10, 20, 24, 30, 32]) {
      const scale = makeTimestampScale(binaryResolution(k));
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 2 ** k - 1 }), (fraction) => {
          expect(fractionToNanos(fraction, scale)).toBe(Number((BigInt(fraction) * 1_000_000_000n) >> BigInt(k)));
        }),
        { numRuns: 2000 },
      );
    }
  });
});

describe('if_tsresol', () => {
  it('decodes powers of ten and of two, and refuses what does not fit 64 bits', () => {
    expect(resolutionFromTsresol(6)).toMatchObject({ base: 10, unitsPerSecond: 1e6, label: 'us', reduced: false });
    expect(resolutionFromTsresol(9)).toMatchObject({ base: 10, unitsPerSecond: 1e9, label: 'ns' });
    expect(resolutionFromTsresol(3)).toMatchObject({ label: 'ms', fractionDigits: 3 });
    expect(resolutionFromTsresol(12)).toMatchObject({ unitsPerSecond: 1e9, reduced: true, label: '10^-12 s' });
    expect(resolutionFromTsresol(0x8a)).toMatchObject({ base: 2, exponent: 10, unitsPerSecond: 1024 });
    expect(resolutionFromTsresol(19)).not.toBeNull();
    expect(resolutionFromTsresol(20)).toBeNull();
    expect(resolutionFromTsresol(0x80 | 63)).not.toBeNull();
    expect(resolutionFromTsresol(0x80 | 64)).toBeNull();
  });
});

describe('exact decimal text of a timestamp', () => {
  it('keeps every digit of the file precision', () => {
    expect(formatEpochSeconds(1732488000, 123456789, decimalResolution(9))).toBe('1732488000.123456789');
    expect(formatEpochSeconds(1732488000, 5, decimalResolution(6))).toBe('1732488000.000005');
    expect(formatEpochSeconds(1732488000, 0, decimalResolution(0))).toBe('1732488000');
  });

  it('writes binary fractions exactly', () => {
    expect(formatEpochSeconds(10, 1, binaryResolution(2))).toBe('10.25');
    expect(formatEpochSeconds(10, 1, binaryResolution(32))).toBe('10.00000000023283064365386962890625');
    expect(formatEpochSeconds(10, 0, binaryResolution(8))).toBe('10.0');
  });

  it('handles negative seconds (a negative if_tsoffset) with a non-negative fraction', () => {
    expect(formatEpochSeconds(-2, 500000, decimalResolution(6))).toBe('-1.500000');
    expect(formatEpochSeconds(-1, 0, decimalResolution(6))).toBe('-1.000000');
  });
});
