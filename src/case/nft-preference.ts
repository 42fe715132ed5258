// A host may come with both `nft list ruleset` and `nft -j list ruleset` (collect gathers the
// JSON; people add the text they looked at). Both describe the same ruleset, so only one form
// is used: the JSON, which carries every handle and exact values, when there is one. The choice
// is data, so inspect and analyze can say which file the rules came from.

import type { Diagnostic } from '../text/diagnostic.js';
import { ProblemCollector } from '../text/problem-collector.js';

export interface NftFileChoice<F> {
  /** The form whose files are used; null when the host has no nft dump. */
  format: 'json' | 'text' | null;
  used: F[];
  /** Dumps of the other form, left out. */
  ignored: F[];
}

export function chooseNftFiles<F extends { kind: string }>(files: readonly F[]): NftFileChoice<F> {
  const json = files.filter((f) => f.kind === 'nft-ruleset-json');
  const text = files.filter((f) => f.kind === 'nft-ruleset');
  if (json.length > 0) return { format: 'json', used: json, ignored: text };
  if (text.length > 0) return { format: 'text', used: text, ignored: [] };
  return { format: null, used: [], ignored: [] };
}

/** One `info` per text dump left out, naming the JSON dump used instead. */
export function describeNftChoice<F extends { displayPath: string }>(choice: NftFileChoice<F>): Diagnostic[] {
  if (choice.format !== 'json') return [];
  const used = choice.used.map((f) => f.displayPath).join(', ');
  const problems = new ProblemCollector('');
  for (const f of choice.ignored) {
    problems.report('case.nft-text-not-used', `not used for the rules: this host's nft -j list ruleset (${used}) is used instead (when both forms are given, the JSON is preferred: it has every handle and exact values)`, { file: f.displayPath });
  }
  return problems.finish();
}
