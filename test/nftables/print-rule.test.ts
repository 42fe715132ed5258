// The printer against nft itself: every rule of every corpus ruleset that exists in both forms must
// print from its JSON exactly as nft printed it in text (same rules, same count, any order).
// @module-tag corpus

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readNftJson } from '../../src/nftables/read-json.js';
import { nftPairs, ruleLinesOfText } from './corpus-pairs.js';

describe('printRule against nft list ruleset', () => {
  it('prints every paired corpus rule as nft does', () => {
    let rules = 0;
    const mismatches: string[] = [];
    const pairs = nftPairs();
    for (const p of pairs) {
      const read = readNftJson(readFileSync(p.json, 'utf8'), p.json);
      const printed = read.value.tables.flatMap((t) => t.chains.flatMap((c) => c.rules.map((r) => r.text)));
      const expected = new Map<string, number>();
      for (const line of ruleLinesOfText(readFileSync(p.text, 'utf8'))) expected.set(line, (expected.get(line) ?? 0) + 1);
      const name = p.json.slice(p.json.indexOf('corpus/') + 7);
      for (const text of printed) {
        rules++;
        const left = expected.get(text) ?? 0;
        if (left > 0) expected.set(text, left - 1);
        else mismatches.push(`${name}: printed  ${text}`);
      }
      for (const [text, left] of expected) if (left > 0) mismatches.push(`${name}: expected ${text}${left > 1 ? ` (×${left})` : ''}`);
    }
    expect(pairs.length).toBeGreaterThan(350);
    expect(rules).toBeGreaterThan(5000);
    // Shown once per distinct text, with the first file it appeared in.
    const distinct = new Map<string, string>();
    for (const m of mismatches) {
      const text = m.slice(m.indexOf(': ') + 2);
      if (!distinct.has(text)) distinct.set(text, m);
    }
    expect([...distinct.values()].slice(0, Number(process.env.NFT_SHOW ?? 60))).toEqual([]);
  });
});
