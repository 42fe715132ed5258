// The corpus's rulesets in both forms: the `nft list ruleset` text and the `nft -j list ruleset`
// JSON nft printed for the same state (normalisations in nft-listing.ts).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS_ROOT } from '../corpus.js';

export const CORPUS = CORPUS_ROOT;

export interface NftPair {
  name: string;
  textFile: string;
  jsonFile: string;
}

function walk(dir: string, out: string[]): void {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
}

/** Every text file the corpus holds in nft list form, with the JSON listing of the same ruleset. */
export function nftPairs(): NftPair[] {
  const pairs: NftPair[] = [];
  const files: string[] = [];
  walk(join(CORPUS, 'nftables'), files);
  for (const f of files.sort()) {
    if (!f.endsWith('.nft')) continue;
    const base = f.slice(0, -4);
    const list = `${base}.list.txt`;
    const textFile = existsSync(list) ? list : f;
    const jsonFile = existsSync(`${base}.json`) ? `${base}.json` : existsSync(`${base}.json-nft`) ? `${base}.json-nft` : null;
    if (jsonFile === null) continue;
    pairs.push({ name: f.slice(CORPUS.length + 1), textFile, jsonFile });
  }
  for (const d of readdirSync(join(CORPUS, 'kube-proxy-nft')).sort()) {
    const dir = join(CORPUS, 'kube-proxy-nft', d);
    if (existsSync(join(dir, 'ruleset.txt')) && existsSync(join(dir, 'ruleset.json'))) {
      pairs.push({ name: `kube-proxy-nft/${d}`, textFile: join(dir, 'ruleset.txt'), jsonFile: join(dir, 'ruleset.json') });
    }
  }
  return pairs;
}


export { alignOptionalKeys, normaliseListing, rulesetToListing, textHasHandles, trimNftListing } from './nft-listing.js';
