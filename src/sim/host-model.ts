// Everything the simulator knows about one host, built from its parsed snapshots: the iptables
// dumps per family, routing tables and rules, interfaces (with their addresses), conntrack.
// A bare iptables-save is a valid host; what is missing makes the walk say "unknown".

import { formatIpAddress, parseIpAddress, type Family, type IpAddress } from '../net/address.js';
import type { IptablesDump } from '../netfilter/model.js';
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
  };
}

export function isLocalAddress(host: HostModel, addr: IpAddress): boolean | 'unknown' {
  if (host.localAddresses.has(formatIpAddress(addr))) return true;
  if (addr.family === 'ipv4' && addr.value >>> 24 === 127) return true;
  return host.addressesKnown ? false : 'unknown';
}
