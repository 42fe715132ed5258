// The chains a packet meets at one hook, from both sources, in the kernel's order: numeric
// priority, lower first. iptables' tables sit at fixed priorities (raw −300, mangle −150, nat
// −100 at PREROUTING/OUTPUT and 100 at INPUT/POSTROUTING, filter 0, security 50); nftables base
// chains declare theirs. At equal priority the kernel runs hooks in registration order, which
// the dumps do not show: iptables' table is put first and the walk says so.

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

/** Base chains of `hook` for a packet of `family`, ordered by priority (stable: iptables first on a tie). */
export function hookEntries(host: HostModel, family: Family, hook: Exclude<Hook, 'ROUTING'>): HookEntry[] {
  const entries: HookEntry[] = [];
  if (host.iptables.has(family)) for (const table of IPTABLES_TABLES[hook]) entries.push({ kind: 'iptables', table, prio: iptablesPriority(table, hook) });
  const nftHook = hook.toLowerCase() as NftHook;
  for (const b of host.nft.baseChains) {
    if (b.chain.base!.hook !== nftHook) continue;
    const f = b.table.family;
    if (f === 'inet' || (f === 'ip' && family === 'ipv4') || (f === 'ip6' && family === 'ipv6')) entries.push({ kind: 'nft', table: b.table, chain: b.chain, prio: b.chain.base!.prio });
  }
  return entries.sort((a, b) => a.prio - b.prio);
}
