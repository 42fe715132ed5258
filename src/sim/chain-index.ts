// Chains with many rules (kube-proxy's KUBE-SERVICES holds one per service port) are indexed by
// destination address: rules that test one exact `-d A/32` are filed under A, all others are
// "generic". A walk then visits, in rule order, only the generic rules and those filed under the
// packet's destination — the others cannot match — instead of scanning every rule.

import type { IpAddress } from '../net/address.js';
import type { Chain, IptablesDump, NetfilterTable } from '../netfilter/model.js';

/** Chains shorter than this are walked rule by rule. */
const INDEX_MIN_RULES = 32;

export interface ChainIndex {
  chain: Chain;
  /** Rule positions (0-based) by exact destination; null when the chain is not indexed. */
  byDestination: Map<number | string, number[]> | null;
  generic: number[];
}

export interface DumpIndex {
  dump: IptablesDump;
  tables: Map<string, { table: NetfilterTable; chains: Map<string, ChainIndex> }>;
}

export function indexDump(dump: IptablesDump): DumpIndex {
  const tables = new Map<string, { table: NetfilterTable; chains: Map<string, ChainIndex> }>();
  for (const table of dump.tables) {
    const chains = new Map<string, ChainIndex>();
    for (const chain of table.chains) chains.set(chain.name, indexChain(chain));
    tables.set(table.name, { table, chains });
  }
  return { dump, tables };
}

export function addressKey(a: IpAddress): number | string {
  return a.family === 'ipv4' ? a.value : `${a.words[0]}:${a.words[1]}:${a.words[2]}:${a.words[3]}`;
}

function indexChain(chain: Chain): ChainIndex {
  if (chain.rules.length < INDEX_MIN_RULES) return { chain, byDestination: null, generic: [] };
  const byDestination = new Map<number | string, number[]>();
  const generic: number[] = [];
  chain.rules.forEach((rule, i) => {
    const d = rule.matches.find((m) => m.kind === 'destination');
    const p = d?.kind === 'destination' && !d.negated && d.prefixes.length === 1 ? d.prefixes[0]! : null;
    if (p === null || p.length !== (p.address.family === 'ipv4' ? 32 : 128)) {
      generic.push(i);
      return;
    }
    const key = addressKey(p.address);
    let list = byDestination.get(key);
    if (list === undefined) byDestination.set(key, (list = []));
    list.push(i);
  });
  return { chain, byDestination, generic };
}

/** Rule positions a packet to `dst` can match, in rule order (all of them for an unindexed chain). */
export function candidateRules(index: ChainIndex, dst: IpAddress | null): number[] | null {
  if (index.byDestination === null || dst === null) return null;
  const filed = index.byDestination.get(addressKey(dst));
  if (filed === undefined) return index.generic;
  const out: number[] = [];
  let a = 0;
  let b = 0;
  const g = index.generic;
  while (a < g.length || b < filed.length) {
    if (b >= filed.length || (a < g.length && g[a]! < filed[b]!)) out.push(g[a++]!);
    else out.push(filed[b++]!);
  }
  return out;
}
