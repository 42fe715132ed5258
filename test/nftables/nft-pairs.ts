// The corpus's paired `nft list ruleset` text and `nft -j list ruleset` JSON files, and the
// normalisations under which the text reader's objects must equal nft's own JSON:
// - `metainfo` is dropped (the text has no version line);
// - handles are compared only when the text has them (`nft -a`); JSON always lists them;
// - the reader's own additions to rules (`source`, `text`) are left out;
// - objects are compared per kind in the order of each kind (nft versions list kinds in
//   different orders: 1.0.6 sets before chains, newer chains first).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const CORPUS = '../shared/corpus';

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

type Json = unknown;

/** Objects grouped by kind, handles kept or dropped, reader-only fields removed. */
export function normaliseListing(list: Array<Record<string, Json>>, keepHandles: boolean): Record<string, Json[]> {
  const byKind: Record<string, Json[]> = {};
  for (const o of list) {
    const kind = Object.keys(o)[0]!;
    if (kind === 'metainfo') continue;
    const body = { ...(o[kind] as Record<string, Json>) };
    if (!keepHandles) delete body.handle;
    delete body.source;
    delete body.text;
    (byKind[kind] ??= []).push(JSON.parse(JSON.stringify(body)));
  }
  return byKind;
}

export function textHasHandles(text: string): boolean {
  return /# handle \d+/.test(text);
}
