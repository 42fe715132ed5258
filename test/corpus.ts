// Paths to the shared external corpus (../shared/corpus from the project root, in CI too).
// A fresh clone elsewhere has no corpus: tests that need it carry the vitest tag `corpus` (a
// `// @module-tag corpus` line for a whole file, `{ tags: ['corpus'] }` for one describe or test),
// which vitest.config.ts skips when the corpus is missing; test/setup/corpus-skips.ts then prints
// how many were skipped and why. Keep corpus reads inside tests or hooks, not at module level.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

/** The folder of natpath's package.json above this file (tests run from test/, scripts from a compiled copy). */
function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'natpath') return dir;
    if (dirname(dir) === dir) throw new Error(`no natpath package.json above ${from}`);
  }
}

export const PROJECT_ROOT = findProjectRoot(dirname(fileURLToPath(import.meta.url)));
export const CORPUS_ROOT = resolve(PROJECT_ROOT, '..', 'shared', 'corpus');
/** The corpus is there (its index is its first file); without it, tests tagged `corpus` are skipped. */
export const HAS_CORPUS = existsSync(join(CORPUS_ROOT, 'index.tsv'));
/** Options for a describe or test that reads the corpus: `it('…', NEEDS_CORPUS, () => …)`. */
export const NEEDS_CORPUS = { tags: ['corpus'] };

/**
 * A file of the corpus. A missing file is an error where the corpus exists; without the corpus the
 * path is returned unchecked, so a `describe` body may name files its skipped tests would read.
 */
export function corpusPath(relative: string): string {
  const p = join(CORPUS_ROOT, relative);
  if (HAS_CORPUS && !existsSync(p)) throw new Error(`shared corpus file missing: ${p} (expected ../shared/corpus beside the project)`);
  return p;
}

export function samplePath(relative: string): string {
  return join(PROJECT_ROOT, 'samples', relative);
}
