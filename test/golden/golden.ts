// Golden files: a rendering compared with its stored text in test/golden/, byte for byte. A change
// is reviewed in the diff of the stored file: run `UPDATE_GOLDEN=1 npx vitest run test/golden`
// to rewrite the files, then read `git diff test/golden` before committing.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { PROJECT_ROOT } from '../corpus.js';

export const GOLDEN_DIR = join(PROJECT_ROOT, 'test', 'golden');

export function expectGolden(name: string, actual: string): void {
  const file = join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`no golden file ${file}: run UPDATE_GOLDEN=1 npx vitest run test/golden, then review git diff`);
  // toBe on whole texts prints a line diff on failure; the file name says which golden.
  expect(actual, `${name} differs from its golden file (UPDATE_GOLDEN=1 rewrites it; review the diff)`).toBe(readFileSync(file, 'utf8'));
}
