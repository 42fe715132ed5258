import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { CORPUS_ROOT, HAS_CORPUS } from './test/corpus.js';

// CI must not skip anything: .ci/run sets NATPATH_REQUIRE_CORPUS=1.
if (process.env.NATPATH_REQUIRE_CORPUS === '1' && !HAS_CORPUS) {
  throw new Error(`NATPATH_REQUIRE_CORPUS=1 but the shared corpus is missing: ${CORPUS_ROOT}`);
}

/**
 * The end-to-end tier (docs/testing.md): test files that start other programs — the built CLI
 * as a process (exit status, --out, pipes, start-up time), sh, tar, a C compiler, chromium, the
 * lab's network namespaces. Everything else is the unit tier, in process.
 */
const E2E = [
  'test/cli/cli.test.ts',
  'test/cli/errors.test.ts',
  'test/cli/readme-examples.test.ts',
  'test/cli/start-up.test.ts',
  'test/app/batch/batch-cli.test.ts',
  'test/app/batch/faults.test.ts',
  'test/app/batch/kubernetes-doc.test.ts',
  'test/case/archive.test.ts',
  'test/case/hostile-archives.test.ts',
  'test/app/collect/*.test.ts',
  'test/report/html/report-browser.test.ts',
  'test/report/html/ticket-browser.test.ts',
  'test/match/lab-e2e.test.ts',
  'test/match/replayed-traffic.test.ts',
  'test/decode/c-reference.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    // vitest's default is CPUs − 1 (one worker on 2 cores); tests wait on child processes and
    // chromium part of the time, so every core gets a worker (docs/testing.md, "Workers").
    maxWorkers: availableParallelism(),
    // Tests that read ../shared/corpus (docs/testing.md); skipped, and counted, where it is missing.
    tags: [{ name: 'corpus', description: 'reads the third-party corpus at ../shared/corpus', skip: !HAS_CORPUS }],
    globalSetup: ['test/setup/corpus-skips.ts'],
    projects: [
      // isolate: false — a worker imports src/ once for all its unit files, not once per file.
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: E2E, isolate: false } },
      { extends: true, test: { name: 'e2e', include: E2E } },
    ],
  },
});
