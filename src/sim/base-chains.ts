// The chains a packet meets at one hook, from both sources, in the kernel's order: numeric
// priority, lower first. iptables' tables sit at fixed priorities (raw −300, mangle −150, nat
// −100 at PREROUTING/OUTPUT and 100 at INPUT/POSTROUTING, filter 0, security 50); nftables base
// chains declare theirs. At equal priority the hook registered last runs first (the kernel
// inserts a new hook before the first one of equal or higher priority, nf_hook_entries_grow).
// Tables are numbered as they are created and a table's base chains register with it, so among
// tables whose handles the dump shows — nft tables and iptables-nft's copies of iptables' — the
// higher table handle (then chain handle) goes first; without handles (legacy iptables, a text
// dump without -a) iptables' table is put first, as before.

import type { Family } from '../net/address.js';
import type { NftChain, NftHook, NftTable } from '../nftables/model.js';
import type { HostModel } from './host-model.js';
import type { Hook } from './state.js';

export type HookEntry =
  | { kind: 'iptables'; table: string; prio: number }
  | { kind: 'nft'; table: NftTable; chain: NftChain; prio: number };

const IPTABLES_TABLES: Record<Exclude<Hook, 'ROUTING'>, string[]> = {
  PREROUTING: ['raw', 'mangle', 'nat'],
  INPUT: ['mangle', 'filter', 'security', 'nat'],
  FORWARD: ['mangle', 'filter', 'security'],
  OUTPUT: ['raw', 'mangle', 'nat', 'filter', 'security'],
  POSTROUTING: ['mangle', 'nat'],
};

function iptablesPriority(table: string, hook: Hook): number {
  switch (table) {
    case 'raw': return -300;
    case 'mangle': return -150;
    case 'nat': return hook === 'PREROUTING' || hook === 'OUTPUT' ? -100 : 100;
    case 'security': return 50;
    default: return 0;
  }
}

/** True for an entry that is a NAT chain (run once per connection, never for untracked packets). */
export function isNatEntry(e: HookEntry): boolean {
  return e.kind === 'iptables' ? e.table === 'nat' : e.chain.base?.type === 'nat';
}

/** Base chains of `hook` for a packet of `family`, ordered by priority; on a tie the later-registered first when handles tell, else iptables first. */
export function hookEntries(host: HostModel, family: Family, hook: Exclude<Hook, 'ROUTING'>): HookEntry[] {
  const entries: HookEntry[] = [];
  if (host.iptables.has(family)) for (const table of IPTABLES_TABLES[hook]) entries.push({ kind: 'iptables', table, prio: iptablesPriority(table, hook) });
  const nftHook = hook.toLowerCase() as NftHook;
  for (const b of host.nft.baseChains) {
    if (b.chain.base!.hook !== nftHook) continue;
    const f = b.table.family;
    if (f === 'inet' || (f === 'ip' && family === 'ipv4') || (f === 'ip6' && family === 'ipv6')) entries.push({ kind: 'nft', table: b.table, chain: b.chain, prio: b.chain.base!.prio });
  }
  const ranks = new Map<HookEntry, Registration | null>(entries.map((e) => [e, registration(host, family, hook, e)]));
  return entries.sort((a, b) => a.prio - b.prio || laterFirst(ranks.get(a)!, ranks.get(b)!));
}

/** When a base chain's hook was registered, as far as the dump tells: its table's handle, then the chain's. */
interface Registration {
  table: number;
  chain: number | null;
}

function registration(host: HostModel, family: Family, hook: Exclude<Hook, 'ROUTING'>, e: HookEntry): Registration | null {
  if (e.kind === 'nft') return e.table.handle === null ? null : { table: e.table.handle, chain: e.chain.handle };
  const copy = host.nft.iptablesNftTables.find((t) => t.family === family && t.table.name === e.table);
  if (copy === undefined || copy.table.handle === null) return null;
  return { table: copy.table.handle, chain: copy.table.chains.find((c) => c.name === hook)?.handle ?? null };
}

function laterFirst(a: Registration | null, b: Registration | null): number {
  if (a === null || b === null) return 0;
  if (a.table !== b.table) return b.table - a.table;
  return a.chain === null || b.chain === null ? 0 : b.chain - a.chain;
}
