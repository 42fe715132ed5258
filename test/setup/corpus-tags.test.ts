// A tripwire for the rule in test/corpus.ts: a test file that reads the shared corpus must carry
// the `corpus` tag (whole file or some of its tests), or a clone without ../shared fails instead
// of skipping. The check is textual (what the file imports or names), so it cannot see a corpus
// read hidden in a helper it does not know; the isolated-clone run in docs/testing.md can.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../corpus.js';

/** Names through which tests reach the corpus: test/corpus.ts's paths and the helpers built on them. */
const READS_CORPUS = /\bcorpusPath\(|\bCORPUS_ROOT\b|shared\/corpus|from '\.\.?\/[^']*(corpus-pairs|nft-pairs|kube-proxy-helpers|capture\/oracle|oracle-compare|tshark-extra-oracle)\.js'|from '\.\/(corpus-pairs|nft-pairs|kube-proxy-helpers|oracle|oracle-compare|tshark-extra-oracle)\.js'/;
const TAGGED = /@module-tag corpus\b|\bNEEDS_CORPUS\b|tags: \[[^\]]*'corpus'/;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? testFiles(p) : e.name.endsWith('.test.ts') ? [p] : [];
  });
}

describe('the corpus tag', () => {
  it('is on every test file that reads the shared corpus', () => {
    const files = testFiles(join(PROJECT_ROOT, 'test'));
    const reading = files.filter((f) => READS_CORPUS.test(readFileSync(f, 'utf8')));
    expect(reading.length).toBeGreaterThan(15);
    const untagged = reading.filter((f) => !TAGGED.test(readFileSync(f, 'utf8'))).map((f) => relative(PROJECT_ROOT, f));
    expect(untagged).toEqual([]);
  });
});
