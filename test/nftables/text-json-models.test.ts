// The two nftables readers against each other: for every corpus ruleset given in both forms, the
// model read from `nft list ruleset` and the model read from `nft -j list ruleset` are the same —
// tables, chains (base chain hook, priority, policy), rules (statements, comments, the printed
// text the reports quote), sets and maps with their elements — apart from what only one form has:
// sources (line vs JSON path), handles (only `nft -a` text has them), a netdev chain's device
// (nft 1.0.6's JSON leaves it out), and the few constructs the text reader keeps as unknown
// (listed in nft-text.test.ts).
// @module-tag corpus
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseNftText } from '../../src/nftables/parse-nft-text.js';
import { readNftJson } from '../../src/nftables/read-json.js';
import { comparableModel } from './nft-listing.js';
import { nftPairs } from './nft-pairs.js';

const TEXT_UNKNOWN = new Set([
  'nftables/nftables-project/maps__0024named_objects_0.nft',
  'nftables/nftables-project/maps__0024named_objects_1.nft',
  'nftables/nftables-project/maps__anon_objmap_concat.nft',
  'nftables/nftables-project/maps__named_limits.nft',
  'nftables/nftables-project/maps__vmap_mark_bitwise_0.nft',
  'nftables/nftables-project/optimizations__merge_nat.nft',
  'nftables/nftables-project/optimizations__merge_vmap_raw.nft',
]);

describe('nft list ruleset and nft -j list ruleset read into the same model', () => {
  it('for every corpus pair, rule texts included', () => {
    const differing: string[] = [];
    let rules = 0;
    for (const p of nftPairs()) {
      if (TEXT_UNKNOWN.has(p.name)) continue;
      const text = readFileSync(p.textFile, 'utf8');
      const fromText = parseNftText(text, p.textFile).value;
      const fromJson = readNftJson(readFileSync(p.jsonFile, 'utf8'), p.jsonFile).value;
      const a = comparableModel(fromText, fromText.hasHandles);
      const b = comparableModel(fromJson, fromText.hasHandles);
      // nft 1.0.6's JSON leaves a netdev chain's single `device` out; the text has it.
      a.forEach((t, i) => t.chains.forEach((c, j) => {
        const other = b[i]?.chains[j]?.base;
        if (c.base !== null && other !== null && other !== undefined && other.devices.length === 0) c.base = { ...c.base, devices: [] };
      }));
      rules += fromText.tables.reduce((n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0), 0);
      if (!isDeepStrictEqual(a, b)) differing.push(p.name);
    }
    expect(differing).toEqual([]);
    expect(rules).toBeGreaterThan(5000);
  });

});
