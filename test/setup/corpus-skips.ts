// vitest global setup: after the run, one line saying how many tests were skipped because the
// shared corpus (../shared/corpus) is missing, and where it was looked for. Printed from here, not
// by a reporter, so it shows whichever --reporter is chosen.

import type { TestProject } from 'vitest/node';
import { CORPUS_ROOT, HAS_CORPUS } from '../corpus.js';

interface TaskLike {
  type: string;
  mode: string;
  tags?: string[];
  tasks?: TaskLike[];
}

function countSkippedCorpusTests(tasks: readonly TaskLike[]): number {
  let n = 0;
  for (const t of tasks) {
    if (t.type === 'test' && t.mode === 'skip' && t.tags?.includes('corpus') === true) n++;
    if (t.tasks !== undefined) n += countSkippedCorpusTests(t.tasks);
  }
  return n;
}

/** Each project (unit, e2e) runs this setup; the line counts every project's tests and is printed once. */
const PRINTED = Symbol.for('natpath.corpus-skips.printed');

export default function setup(project: TestProject): () => void {
  return () => {
    const flags = globalThis as { [PRINTED]?: boolean };
    if (HAS_CORPUS || flags[PRINTED] === true) return;
    flags[PRINTED] = true;
    const files = project.vitest.state.getFiles() as unknown as TaskLike[];
    const skipped = countSkippedCorpusTests(files);
    const inFiles = files.filter((f) => countSkippedCorpusTests([f]) > 0).length;
    console.log(
      `\n  corpus: ${skipped} test${skipped === 1 ? '' : 's'} in ${inFiles} file${inFiles === 1 ? '' : 's'} skipped — the third-party corpus is not at ${CORPUS_ROOT} ` +
        `(clone or copy it there to run them; docs/testing.md)\n`,
    );
  };
}
