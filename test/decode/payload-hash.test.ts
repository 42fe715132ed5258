import { describe, expect, it } from 'vitest';
import { murmur3 } from '../../src/decode/index.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(`..${s}`);

describe('payload hash', () => {
  it('is MurmurHash3_x86_32 (reference vectors), over buf[off, end) only', () => {
    const cases: Array<[string, number, number]> = [
      ['', 0, 0],
      ['', 1, 0x514e28b7],
      ['abc', 0, 0xb3dd93fa],
      ['abcd', 0, 0x43ed676a],
      ['hello', 0, 0x248bfa47],
      ['The quick brown fox jumps over the lazy dog', 0, 0x2e4ff723],
    ];
    for (const [text, seed, expected] of cases) {
      const b = bytes(text);
      expect(murmur3(b, 2, b.length, seed) >>> 0).toBe(expected);
    }
  });
});
