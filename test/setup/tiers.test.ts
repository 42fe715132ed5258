// A tripwire for the two tiers (tiers.ts): a unit file must start no program, and a file listed as
// end-to-end must start one (or it belongs to the fast tier). Textual, like corpus-tags.test.ts:
// it knows the ways the tests start programs — node:child_process, the spawned CLI runner
// (test/cli/run-cli.ts), chromium, and `natpath batch` (or its runBatch), which forks a process per case.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../corpus.js';
import { E2E } from './tiers.js';

const STARTS_PROGRAM = /from 'node:child_process'|\/run-cli\.js'|\blaunchChromium\(|runCliInProcess\(\[\s*'batch'|\brunBatch\(/;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? testFiles(p) : e.name.endsWith('.test.ts') ? [p] : [];
  });
}

describe('the two tiers', () => {
  // This file names the patterns itself.
  const files = testFiles(join(PROJECT_ROOT, 'test'))
    .map((f) => relative(PROJECT_ROOT, f))
    .filter((f) => f !== 'test/setup/tiers.test.ts');
  const starts = (f: string) => STARTS_PROGRAM.test(readFileSync(join(PROJECT_ROOT, f), 'utf8'));

  it('lists only test files that exist', () => {
    expect(E2E.filter((f) => !files.includes(f))).toEqual([]);
  });

  it('unit files start no program', () => {
    expect(files.filter((f) => !E2E.includes(f) && starts(f))).toEqual([]);
  });

  it('end-to-end files each start one', () => {
    expect(E2E.filter((f) => !starts(f))).toEqual([]);
  });
});
