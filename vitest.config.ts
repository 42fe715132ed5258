import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { CORPUS_ROOT, HAS_CORPUS } from './test/corpus.js';
import { E2E } from './test/setup/tiers.js';

// CI must not skip anything: .ci/run sets NATPATH_REQUIRE_CORPUS=1.
if (process.env.NATPATH_REQUIRE_CORPUS === '1' && !HAS_CORPUS) {
  throw new Error(`NATPATH_REQUIRE_CORPUS=1 but the shared corpus is missing: ${CORPUS_ROOT}`);
}

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
