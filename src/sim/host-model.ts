// Everything the simulator knows about one host, built from its parsed snapshots: the iptables
// dumps per family, routing tables and rules, interfaces (with their addresses), conntrack.
// A bare iptables-save is a valid host; what is missing makes the walk say "unknown".

import { formatIpAddress, parseIpAddress, type Family, type IpAddress } from '../net/address.js';
import type { IptablesDump } from '../netfilter/model.js';
import type { NftChain, NftRuleset, NftTable } from '../nftables/model.js';
import { prepareSetIndex } from '../nftables/set-lookup.js';
import { buildRoutingTables, type RoutingTables } from '../route/lookup.js';
import type { InterfaceList, NetInterface, PolicyRule, Route } from '../route/model.js';
import type { ConntrackTable } from '../conntrack/model.js';
import type { IpsetDump } from '../ipset/model.js';
import { indexDump, type DumpIndex } from './chain-index.js';

export interface HostSnapshots {
  name: string;
  iptables: IptablesDump[];
  routes: Route[];
  rules: PolicyRule[];
  interfaces: InterfaceList | null;
  conntrack: ConntrackTable | null;
  /** `ipset save` / `ipset list` (absent or null when the host has neither). */
  ipsets?: IpsetDump | null;
  /** `--host-addrs`: the host's own addresses when there is no `ip addr` snapshot (added to it otherwise). */
  extraAddresses: IpAddress[];
  /** nft rulesets (one per host; the loader picks JSON over text when both are given). */
  nftables?: NftRuleset[];
}

/** The nftables part of a host: the base chains that are simulated, and what was set aside and why. */
export interface HostNft {
  rulesets: NftRuleset[];
  baseChains: Array<{ table: NftTable; chain: NftChain }>;
  /** One entry per table not simulated (bridge/arp/netdev family, dormant, iptables-nft's copy of iptables-save), with the dump it is in. */
  setAside: Array<{ file: string; message: string }>;
  /** iptables-nft's tables (set aside: iptables-save is walked instead); their handles tell when iptables' hooks were registered. */
  iptablesNftTables: Array<{ family: Family; table: NftTable }>;
}

export interface HostModel {
  name: string;
  iptables: Map<Family, DumpIndex>;
  routing: Map<Family, RoutingTables>;
  interfaces: NetInterface[];
  interfacesByName: Map<string, NetInterface>;
  /** The host's addresses (textual key → address), for addrtype LOCAL and "is this locally generated". */
  localAddresses: Map<string, IpAddress>;
  /** False when neither `ip addr` nor `--host-addrs` said what the host's addresses are. */
  addressesKnown: boolean;
  conntrack: ConntrackTable | null;
  ipsets: IpsetDump | null;
  nft: HostNft;
}

const IPTABLES_TABLE_NAMES = new Set(['raw', 'mangle', 'nat', 'filter', 'security']);
const IPTABLES_BUILTIN_CHAINS = new Set(['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING']);

/**
 * Which nft tables the simulator walks. iptables-nft keeps iptables' rules in nft tables (`table
 * ip nat` with chains PREROUTING …): when iptables-save of that family is given and does not say it
 * is the legacy backend, those tables are the same rules, so iptables-save is used (its rule text
 * is what the user wrote) and the nft copy is set aside — never both.
 */
export function selectNftTables(rulesets: NftRuleset[], iptables: IptablesDump[]): HostNft {
  const baseChains: HostNft['baseChains'] = [];
  const setAside: HostNft['setAside'] = [];
  const iptablesNftTables: HostNft['iptablesNftTables'] = [];
  for (const rs of rulesets) {
    for (const table of rs.tables) {
      const name = `table ${table.family} ${table.name}`;
      if (table.family !== 'ip' && table.family !== 'ip6' && table.family !== 'inet') {
        setAside.push({ file: rs.file, message: `${name} is not simulated: ${table.family} tables see frames before or beside IP routing (bridged traffic, ARP, ingress) — a drop or mark there would change what reaches the IP hooks` });
        continue;
      }
      if (table.flags.includes('dormant')) {
        setAside.push({ file: rs.file, message: `${name} is dormant: the kernel does not evaluate it` });
        continue;
      }
      const family = table.family === 'ip' ? 'ipv4' : table.family === 'ip6' ? 'ipv6' : null;
      const dump = family === null ? undefined : iptables.find((d) => d.family === family);
      const looksIptablesNft = IPTABLES_TABLE_NAMES.has(table.name) && table.chains.some((c) => c.base !== null && IPTABLES_BUILTIN_CHAINS.has(c.name));
      if (dump !== undefined && looksIptablesNft && dump.backend !== 'legacy') {
        setAside.push({ file: rs.file, message: `${name} is iptables-nft's copy of the ${family === 'ipv4' ? 'iptables' : 'ip6tables'}-save rules: those are used instead, so no rule applies twice` });
        iptablesNftTables.push({ family: family!, table });
        continue;
      }
      // Big named sets and maps (kube-proxy's service maps) are indexed now, not by the first trace.
      for (const set of table.sets) prepareSetIndex(set.elem, set.type);
      for (const chain of table.chains) {
        if (chain.base === null) continue;
        if (chain.base.hook === 'ingress' || chain.base.hook === 'egress') {
          setAside.push({ file: rs.file, message: `chain ${chain.name} of ${name} (hook ${chain.base.hook}) is not simulated: it sees frames on the device before (or after) the IP hooks` });
          continue;
        }
        baseChains.push({ table, chain });
      }
    }
  }
  return { rulesets, baseChains, setAside, iptablesNftTables };
}

export function buildHostModel(s: HostSnapshots): HostModel {
  const iptables = new Map<Family, DumpIndex>();
  for (const dump of s.iptables) {
    // Two dumps of one family (e.g. iptables-save and iptables-save -c) are the same rules: keep the first.
    if (!iptables.has(dump.family)) iptables.set(dump.family, indexDump(dump));
  }
  const routing = new Map<Family, RoutingTables>();
  for (const family of ['ipv4', 'ipv6'] as const) routing.set(family, buildRoutingTables(family, s.routes, s.rules, s.interfaces));
  const interfaces = s.interfaces?.interfaces ?? [];
  const localAddresses = new Map<string, IpAddress>();
  for (const itf of interfaces) for (const a of itf.addresses) localAddresses.set(formatIpAddress(a.address), a.address);
  for (const a of s.extraAddresses) localAddresses.set(formatIpAddress(a), a);
  for (const r of s.routes) {
    if (r.type === 'local' && r.destination.length === (r.family === 'ipv4' ? 32 : 128)) localAddresses.set(formatIpAddress(r.destination.address), r.destination.address);
  }
  const addressesKnown = localAddresses.size > 0;
  if (addressesKnown) {
    // Loopback addresses are always local even when `ip addr` was cut short.
    for (const lo of ['127.0.0.1', '::1']) localAddresses.set(lo, parseIpAddress(lo)!);
  }
  return {
    name: s.name,
    iptables,
    routing,
    interfaces,
    interfacesByName: new Map(interfaces.map((i) => [i.name, i])),
    localAddresses,
    addressesKnown,
    conntrack: s.conntrack,
    ipsets: s.ipsets ?? null,
    nft: selectNftTables(s.nftables ?? [], s.iptables),
  };
}

// Whether an address is the host's: the match modules' rule, shared with the walk.
export { isLocalAddress } from '../netfilter/match-eval.js';
