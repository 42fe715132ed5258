// Paths to the shared external corpus (../shared/corpus from the project root, in CI too).

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CORPUS_ROOT = resolve(PROJECT_ROOT, '..', 'shared', 'corpus');

export function corpusPath(relative: string): string {
  const p = join(CORPUS_ROOT, relative);
  if (!existsSync(p)) throw new Error(`shared corpus file missing: ${p} (expected ../shared/corpus beside the project)`);
  return p;
}

export function samplePath(relative: string): string {
  return join(PROJECT_ROOT, 'samples', relative);
}
