import { defineConfig } from 'vitest/config';
import { CORPUS_ROOT, HAS_CORPUS } from './test/corpus.js';

// CI must not skip anything: .ci/run sets NATPATH_REQUIRE_CORPUS=1.
if (process.env.NATPATH_REQUIRE_CORPUS === '1' && !HAS_CORPUS) {
  throw new Error(`NATPATH_REQUIRE_CORPUS=1 but the shared corpus is missing: ${CORPUS_ROOT}`);
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Tests that read ../shared/corpus (docs/testing.md); skipped, and counted, where it is missing.
    tags: [{ name: 'corpus', description: 'reads the third-party corpus at ../shared/corpus', skip: !HAS_CORPUS }],
    globalSetup: ['test/setup/corpus-skips.ts'],
  },
});
