// The corpus's nftables rulesets that exist in both forms: `nft -j list ruleset` JSON and the text
// nft printed for the same kernel state (or the upstream dump that relists identically).

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS_ROOT } from '../corpus.js';

export interface NftPair {
  json: string;
  text: string;
}

export function nftJsonFiles(): string[] {
  const out: string[] = [];
  const nft = join(CORPUS_ROOT, 'nftables');
  for (const group of readdirSync(nft, { withFileTypes: true })) {
    if (!group.isDirectory()) continue;
    for (const f of readdirSync(join(nft, group.name))) {
      if (f.endsWith('.json') || f.endsWith('.json-nft')) out.push(join(nft, group.name, f));
    }
  }
  const kp = join(CORPUS_ROOT, 'kube-proxy-nft');
  for (const d of readdirSync(kp, { withFileTypes: true })) {
    if (d.isDirectory() && existsSync(join(kp, d.name, 'ruleset.json'))) out.push(join(kp, d.name, 'ruleset.json'));
  }
  return out.sort();
}

/** JSON files with the text they should print as: `.list.txt` when the input was not `nft list` output, else the input `.nft` (moby's differ from their relisting only in chain priority words, not in rules). */
export function nftPairs(): NftPair[] {
  const pairs: NftPair[] = [];
  for (const json of nftJsonFiles()) {
    if (json.endsWith('ruleset.json')) {
      pairs.push({ json, text: json.replace(/ruleset\.json$/, 'ruleset.txt') });
      continue;
    }
    const stem = json.replace(/\.json(-nft)?$/, '');
    if (existsSync(`${stem}.list.txt`)) pairs.push({ json, text: `${stem}.list.txt` });
    else if (existsSync(`${stem}.nft`)) pairs.push({ json, text: `${stem}.nft` });
  }
  return pairs;
}

/** Rule lines of `nft list ruleset` text: lines inside chain blocks that are not the chain's own declarations, without `# handle N` and counter values. */
export function ruleLinesOfText(text: string): string[] {
  const rules: string[] = [];
  let inChain = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+# handle \d+\s*$/, '').trim();
    if (/^chain \S+ \{/.test(line)) {
      inChain = true;
      continue;
    }
    if (!inChain) continue;
    if (line === '}') {
      inChain = false;
      continue;
    }
    if (line === '' || line.startsWith('#') || /^type \S+ hook /.test(line) || /^policy \S+;$/.test(line) || /^comment "/.test(line) || /^devices? = /.test(line)) continue;
    rules.push(line.replace(/counter packets \d+ bytes \d+/g, 'counter'));
  }
  return rules;
}
