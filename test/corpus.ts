// Paths to the shared external corpus (../shared/corpus from the project root, in CI too).

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

export function corpusPath(relative: string): string {
  const p = join(CORPUS_ROOT, relative);
  if (!existsSync(p)) throw new Error(`shared corpus file missing: ${p} (expected ../shared/corpus beside the project)`);
  return p;
}

export function samplePath(relative: string): string {
  return join(PROJECT_ROOT, 'samples', relative);
}
