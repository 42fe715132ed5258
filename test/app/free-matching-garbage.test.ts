// The full collection analyze asks for after matching really frees buffers left as garbage:
// without it, V8 frees them when it likes (docs/performance.md, "Peak after matching").

import { describe, expect, it } from 'vitest';
import { freeMatchingGarbage } from '../../src/app/free-matching-garbage.js';

describe('freeMatchingGarbage', () => {
  it('frees dropped ArrayBuffers at once after a large matching, and does nothing after a small one', () => {
    let rows: Uint32Array[] | null = Array.from({ length: 8 }, () => new Uint32Array(4 << 20).fill(1));
    const held = process.memoryUsage().arrayBuffers;
    expect(rows.length).toBe(8);
    rows = null;
    freeMatchingGarbage(10); // a small case: no collection asked for
    freeMatchingGarbage(1_000_000);
    const after = process.memoryUsage().arrayBuffers;
    expect(held - after).toBeGreaterThan(100 * 2 ** 20);
    freeMatchingGarbage(1_000_000); // the second call reuses the collector
  });
});
