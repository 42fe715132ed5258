// The one flow key (src/flow/flow-key.ts): its endpoint order is Community ID's (addresses'
// bytes in network order, then ports), the one-word form agrees with the four-word one, and on
// every lab capture the legs' keys hold their endpoints in that order, so Community ID and the
// leg table agree on which endpoint is low.

import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collectLegs } from '../../src/flow/collect-legs.js';
import { communityId } from '../../src/flow/community-id.js';
import { isLowEndpoint, isLowWord, portsWord } from '../../src/flow/flow-key.js';
import { PROJECT_ROOT } from '../corpus.js';
import { listCaptures } from '../capture/capture-files.js';

function bytes(words: readonly number[]): Buffer {
  const b = Buffer.alloc(words.length * 4);
  words.forEach((w, i) => b.writeUInt32BE(w >>> 0, i * 4));
  return b;
}

// Addresses from a few words, so equal words (and equal addresses) are common.
const word = fc.constantFrom(0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x0a000001, 0xc0a80001);
const address = fc.array(word, { minLength: 4, maxLength: 4 });
const port = fc.constantFrom(0, 1, 80, 32768, 65535);

describe('flow key', () => {
  it('orders endpoints as Community ID does: address bytes in network order, then port', () => {
    fc.assert(
      fc.property(address, port, address, port, (a, ap, b, bp) => {
        const spec = Buffer.compare(bytes(a), bytes(b)) || ap - bp;
        expect(isLowEndpoint(a, ap, b, bp)).toBe(spec <= 0);
        // Both directions agree on one low endpoint (both, only when the endpoints are equal).
        expect(isLowEndpoint(a, ap, b, bp) || isLowEndpoint(b, bp, a, ap)).toBe(true);
        if (spec !== 0) expect(isLowEndpoint(a, ap, b, bp)).not.toBe(isLowEndpoint(b, bp, a, ap));
      }),
      { seed: 14, numRuns: 2000 },
    );
  });

  it('the one-word form on signed integers is the same order as the unsigned four-word form', () => {
    fc.assert(
      fc.property(word, port, word, port, (a, ap, b, bp) => {
        expect(isLowWord(a | 0, ap, b | 0, bp)).toBe(isLowEndpoint([a], ap, [b], bp, 1));
      }),
      { seed: 14, numRuns: 500 },
    );
    expect(portsWord(65535, 1) >>> 0).toBe(0xffff0001);
  });

  it('every leg of every lab capture holds its low endpoint first, and its Community ID is the same from either end', async () => {
    let legs = 0;
    for (const file of listCaptures(join(PROJECT_ROOT, 'samples'))) {
      const c = await collectLegs(file, file);
      const t = c.legs;
      for (let leg = 0; leg < t.count; leg++) {
        const version = t.keyWord(leg, 1) >>> 24;
        const proto = (t.keyWord(leg, 1) >>> 16) & 0xff;
        const low = [3, 4, 5, 6].map((i) => t.keyWord(leg, i));
        const high = [7, 8, 9, 10].map((i) => t.keyWord(leg, i));
        const ports = t.keyWord(leg, 11);
        const lowPort = ports >>> 16;
        const highPort = ports & 0xffff;
        expect(isLowEndpoint(low, lowPort, high, highPort)).toBe(true);
        expect(communityId(version, proto, high, highPort, low, lowPort)).toBe(communityId(version, proto, low, lowPort, high, highPort));
        legs++;
      }
    }
    expect(legs).toBeGreaterThan(100);
  });
});
