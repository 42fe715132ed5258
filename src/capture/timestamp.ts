// Capture timestamps without bigint on the per-packet path.
//
// A pcapng timestamp is a 64-bit count of units (10^-k or 2^-k seconds, if_tsresol) split into two
// 32-bit words. Nanosecond counts of today's dates are ~2^61, beyond the 2^53 a double holds
// exactly, so the words are never joined into one number: `divideUint64` does long division in
// base 2^16, where every intermediate value stays below 2^48 and is therefore exact.
//
// A record keeps seconds and the fraction in the interface's own units (tsFraction /
// tsUnitsPerSecond) so no precision is lost; tsNanos is derived for convenience. Resolutions finer
// than 2^-32 s (binary) or 10^-9 s (decimal) are reduced to that, once per interface, because a
// fraction in finer units would not fit the exact range of a double.

/** Quotient (high and low 32-bit words) and remainder of the last `divideUint64` call. */
export const division = { quotientHigh: 0, quotientLow: 0, remainder: 0 };

/**
 * (high·2^32 + low) / divisor for 1 ≤ divisor ≤ 2^32, into `division`. Each partial dividend is
 * below divisor·2^16 ≤ 2^48 and each quotient digit below 2^16, so every step is exact.
 */
export function divideUint64(high: number, low: number, divisor: number): void {
  let cur = high >>> 16;
  const q3 = Math.floor(cur / divisor);
  let rem = cur - q3 * divisor;
  cur = rem * 65536 + (high & 0xffff);
  const q2 = Math.floor(cur / divisor);
  rem = cur - q2 * divisor;
  cur = rem * 65536 + (low >>> 16);
  const q1 = Math.floor(cur / divisor);
  rem = cur - q1 * divisor;
  cur = rem * 65536 + (low & 0xffff);
  const q0 = Math.floor(cur / divisor);
  division.quotientHigh = q3 * 65536 + q2;
  division.quotientLow = q1 * 65536 + q0;
  division.remainder = cur - q0 * divisor;
}

/** The largest high word for which high·2^32 + low is still an exact double. */
export const MAX_SAFE_HIGH_WORD = 0x1fffff;

export interface TimestampResolution {
  /** The unit is base^-exponent seconds, as the file declares it (pcapng if_tsresol). */
  base: 10 | 2;
  exponent: number;
  /** Units per second of `PacketRecord.tsFraction`: the file's own unless it had to be reduced. */
  unitsPerSecond: number;
  /** Decimal digits of the fraction when base is 10 (6 for µs, 9 for ns); for base 2, `exponent`. */
  fractionDigits: number;
  /** True when the file's resolution was finer than natpath keeps (see file header). */
  reduced: boolean;
  /** `s`, `ms`, `us`, `ns`, or `10^-k s` / `2^-k s`. */
  label: string;
}

const DECIMAL_LABELS: Record<number, string> = { 0: 's', 3: 'ms', 6: 'us', 9: 'ns' };

/** Largest supported exponents: libpcap rejects finer ones too (they do not fit in 64 bits). */
export const MAX_DECIMAL_EXPONENT = 19;
export const MAX_BINARY_EXPONENT = 63;

/** How an interface turns its raw 64-bit unit counts into seconds + fraction; built once per interface. */
export interface TimestampScale {
  resolution: TimestampResolution;
  /** Divisors (each ≤ 2^32) applied before the final division, 1 when unused: reduce finer units. */
  preDivisor1: number;
  preDivisor2: number;
  /** Nanoseconds per unit for decimal resolutions (exact integer); 0 for binary ones. */
  nanosPerUnit: number;
}

export function decimalResolution(exponent: number): TimestampResolution {
  const kept = Math.min(exponent, 9);
  return {
    base: 10,
    exponent,
    unitsPerSecond: 10 ** kept,
    fractionDigits: kept,
    reduced: exponent > kept,
    label: DECIMAL_LABELS[exponent] ?? `10^-${exponent} s`,
  };
}

export function binaryResolution(exponent: number): TimestampResolution {
  const kept = Math.min(exponent, 32);
  return {
    base: 2,
    exponent,
    unitsPerSecond: 2 ** kept,
    fractionDigits: kept,
    reduced: exponent > kept,
    label: `2^-${exponent} s`,
  };
}

/** pcapng if_tsresol byte: high bit set → 2^-(low 7 bits), else 10^-value. Null when too fine. */
export function resolutionFromTsresol(value: number): TimestampResolution | null {
  if ((value & 0x80) !== 0) {
    const exponent = value & 0x7f;
    return exponent > MAX_BINARY_EXPONENT ? null : binaryResolution(exponent);
  }
  return value > MAX_DECIMAL_EXPONENT ? null : decimalResolution(value);
}

export function makeTimestampScale(resolution: TimestampResolution): TimestampScale {
  let preDivisor1 = 1;
  let preDivisor2 = 1;
  if (resolution.reduced) {
    const extra = resolution.exponent - resolution.fractionDigits;
    if (resolution.base === 2) {
      preDivisor1 = 2 ** extra; // extra ≤ 31
    } else {
      preDivisor1 = 10 ** Math.min(extra, 9);
      preDivisor2 = 10 ** (extra - Math.min(extra, 9)); // extra ≤ 10
    }
  }
  const nanosPerUnit = resolution.base === 10 ? 10 ** (9 - resolution.fractionDigits) : 0;
  return { resolution, preDivisor1, preDivisor2, nanosPerUnit };
}

/**
 * Nanoseconds in `fraction` units. Decimal: an exact integer product. Binary (unitsPerSecond ≤
 * 2^32): fraction/2^k is exact, and the product's rounding error (< 2^-24) is smaller than the
 * distance of a non-integer result from the next integer (≥ 2^-23), so the floor is exact.
 */
export function fractionToNanos(fraction: number, scale: TimestampScale): number {
  if (scale.nanosPerUnit !== 0) return fraction * scale.nanosPerUnit;
  return Math.floor((fraction / scale.resolution.unitsPerSecond) * 1e9);
}

/**
 * Exact decimal text of seconds + fraction/unitsPerSecond, e.g. "1732488000.123456789". Decimal
 * resolutions keep all their digits (trailing zeros included: they state the precision); binary
 * ones are written exactly, then trailing zeros are dropped. For reports, not for the packet path.
 */
export function formatEpochSeconds(seconds: number, fraction: number, resolution: TimestampResolution): string {
  const units = BigInt(resolution.unitsPerSecond);
  let total = BigInt(seconds) * units + BigInt(fraction);
  const negative = total < 0n;
  if (negative) total = -total;
  const whole = total / units;
  const part = total % units;
  let text = (negative ? '-' : '') + whole.toString();
  const digits = resolution.fractionDigits;
  if (digits === 0) return text;
  let fractionText: string;
  if (resolution.base === 10) {
    fractionText = part.toString().padStart(digits, '0');
  } else {
    // part / 2^k = part·5^k / 10^k: exactly k decimal digits.
    fractionText = (part * 5n ** BigInt(digits)).toString().padStart(digits, '0').replace(/0+$/, '');
    if (fractionText === '') fractionText = '0';
  }
  text += '.' + fractionText;
  return text;
}
