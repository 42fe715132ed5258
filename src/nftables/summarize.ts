// The `natpath inspect` facts of an nftables ruleset (text or JSON): per table its family and
// name, base chains with hook, type, priority and policy, chain and rule counts, and each named
// set or map with its element count. Regular chains are counted, not listed: kube-proxy writes
// tens of thousands of them.

import type { NftRuleset } from './model.js';

export interface NftSummary {
  /** Which listing the file is: `nft list ruleset` text or `nft -j list ruleset` JSON. */
  format: 'text' | 'json';
  /** Whether the dump carries handles (`nft -a`, or any JSON dump). */
  handles: boolean;
  tables: Array<{
    family: string;
    name: string;
    chains: number;
    rules: number;
    baseChains: Array<{ name: string; type: string; hook: string; priority: number; policy: string; rules: number }>;
    sets: Array<{ name: string; kind: 'set' | 'map'; type: string; elements: number }>;
  }>;
  chains: number;
  rules: number;
  sets: number;
  elements: number;
}

export function summarizeNftRuleset(r: NftRuleset): NftSummary {
  const tables = r.tables.map((t) => ({
    family: t.family,
    name: t.name,
    chains: t.chains.length,
    rules: t.chains.reduce((n, c) => n + c.rules.length, 0),
    baseChains: t.chains
      .filter((c) => c.base !== null)
      .map((c) => ({ name: c.name, type: c.base!.type, hook: c.base!.hook, priority: c.base!.prio, policy: c.base!.policy, rules: c.rules.length })),
    sets: t.sets.map((s) => ({ name: s.name, kind: s.kind, type: Array.isArray(s.type) ? s.type.join(' . ') : s.type, elements: s.elem.length })),
  }));
  return {
    format: r.format,
    handles: r.hasHandles,
    tables,
    chains: tables.reduce((n, t) => n + t.chains, 0),
    rules: tables.reduce((n, t) => n + t.rules, 0),
    sets: tables.reduce((n, t) => n + t.sets.length, 0),
    elements: tables.reduce((n, t) => n + t.sets.reduce((m, s) => m + s.elements, 0), 0),
  };
}
