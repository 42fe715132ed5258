// The full collection analyze asks for after matching really runs: without it, V8 frees
// dropped buffers when it likes (docs/performance.md, "Peak after matching"). Held by a WeakRef:
// process.memoryUsage() counts every thread's buffers, other test files' too.

import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { freeMatchingGarbage } from '../../src/app/free-matching-garbage.js';

/** A dropped buffer, watched; made in a function so that nothing on this stack holds it. */
function dropped(): WeakRef<Uint32Array> {
  return new WeakRef(new Uint32Array(1 << 20));
}

describe('freeMatchingGarbage', () => {
  it('collects at once after a large matching, and not after a small one', async () => {
    const small = dropped();
    // A WeakRef's target lives to the end of the job that made or read it: collect in a later one.
    await nextTurn();
    freeMatchingGarbage(10);
    await nextTurn();
    expect(small.deref()).toBeDefined();
    await nextTurn(); // deref() too keeps it to the end of its job
    freeMatchingGarbage(1_000_000);
    await nextTurn();
    expect(small.deref()).toBeUndefined();
    const again = dropped();
    await nextTurn();
    freeMatchingGarbage(1_000_000); // the second call reuses the collector
    await nextTurn();
    expect(again.deref()).toBeUndefined();
  });
});
