// The text reader on damaged rulesets: real corpus listings with random cuts, insertions of nft's
// structural characters and swapped lines. Whatever the damage, reading never throws, every
// problem names its file (and its line, except the folded totals), and the time stays linear.
// @module-tag corpus
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseNftText } from '../../src/nftables/parse-nft-text.js';
import { corpusPath } from '../corpus.js';

const SOURCE_FILES = [
  'kube-proxy-nft/TestOverallNFTablesRules/ruleset.txt',
  'kube-proxy-nft/TestOverallNFTablesRules/ruleset.nft',
  'nftables/openwrt-fw4/03_rules_07_redirect.nft',
  'nftables/nftables-project/maps__0005interval_map_add_many_elements_0.nft',
  'nftables/captures/hal0-podman570-netavark-nft-a-partial.nft',
];
// Read in beforeAll, not at module level: without the corpus this file is skipped, not failed.
let SOURCES: string[];
beforeAll(() => {
  SOURCES = SOURCE_FILES.map((f) => readFileSync(corpusPath(f), 'utf8'));
});

const PIECES = ['{', '}', '"', ';', ',', '\n', ' . ', ':', '#', '\\\n', '$x', 'define x = {', 'table', 'chain c {', 'elements = {', '-', '/', '@', 'map', 'vmap'];

const edit = fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), len: fc.nat(200) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), piece: fc.constantFrom(...PIECES) }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), len: fc.nat(40) }),
);

function applyEdits(text: string, edits: Array<{ kind: 'cut' | 'insert' | 'swap'; at: number; len?: number; piece?: string }>): string {
  let t = text;
  for (const e of edits) {
    const at = t.length === 0 ? 0 : e.at % t.length;
    if (e.kind === 'cut') t = t.slice(0, at) + t.slice(at + (e.len ?? 0));
    else if (e.kind === 'insert') t = t.slice(0, at) + e.piece + t.slice(at);
    else {
      const lines = t.split('\n');
      const i = at % Math.max(1, lines.length);
      const j = (i + (e.len ?? 1)) % Math.max(1, lines.length);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      t = lines.join('\n');
    }
  }
  return t;
}

describe('damaged nft text', () => {
  it('never throws, problems name file and line, time stays bounded', () => {
    fc.assert(
      fc.property(fc.nat(SOURCES.length - 1), fc.array(edit, { minLength: 1, maxLength: 12 }), (which, edits) => {
        const text = applyEdits(SOURCES[which]!, edits);
        const t0 = performance.now();
        const r = parseNftText(text, 'fuzz.nft');
        expect(performance.now() - t0).toBeLessThan(2000);
        for (const d of r.issues) {
          expect(d.place.file).toBe('fuzz.nft');
          if (d.code !== 'nft.skipped-statements') expect(d.place.line).toBeGreaterThan(0);
        }
        for (const t of r.value.tables) for (const c of t.chains) for (const rule of c.rules) expect(rule.source.format === 'text' && rule.source.line > 0).toBe(true);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 400), seed: Number(process.env.FUZZ_SEED ?? 12) },
    );
  });
});
