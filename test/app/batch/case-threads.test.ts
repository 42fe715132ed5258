// The threads each case of a batch may read its captures on (analyze's --threads): the batch's
// threads (the cores, or NATPATH_THREADS) shared by the cases it runs at once.

import { describe, expect, it } from 'vitest';
import { caseThreads } from '../../../src/app/batch/run-batch.js';

describe("a case's share of the batch's threads", () => {
  it('one case at once gets them all', () => {
    expect(caseThreads(2, 1)).toBe(2);
    expect(caseThreads(8, 1)).toBe(8);
  });
  it('cases at once share them, never more than there are in all', () => {
    expect(caseThreads(2, 2)).toBe(1);
    expect(caseThreads(8, 3)).toBe(2);
    expect(caseThreads(8, 4) * 4).toBeLessThanOrEqual(8);
  });
  it('at least one, even with more cases at once than threads', () => {
    expect(caseThreads(2, 8)).toBe(1);
    expect(caseThreads(1, 1)).toBe(1);
  });
});
