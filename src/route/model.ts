// Models of `ip route`, `ip rule`, `ip addr` and `ip link` output (text or `-j`), all with the
// numeric address types of src/net and the `file:line` each entry came from.

import type { Family, IpAddress, IpPrefix } from '../net/address.js';

export interface SourceLine {
  file: string;
  /** Absent for `-j` output, whose objects have no line of their own; `index` says which object. */
  line?: number;
  index?: number;
}

export type RouteType =
  | 'unicast' | 'local' | 'broadcast' | 'anycast' | 'multicast' | 'blackhole' | 'unreachable' | 'prohibit' | 'throw' | 'nat';

export interface Nexthop {
  via: IpAddress | null;
  dev: string | null;
  weight: number;
  flags: string[];
}

export interface Route {
  family: Family;
  type: RouteType;
  /** `default` is the zero-length prefix of its family. */
  destination: IpPrefix;
  /** Table name as printed (`main`, `local`, `kube`, `300`); `main` when the line names none. */
  table: string;
  /** One entry for a plain route; several for multipath (`nexthop …`); none for blackhole & co. */
  nexthops: Nexthop[];
  /** Preferred source (`src`). */
  src: IpAddress | null;
  protocol: string | null;
  scope: string | null;
  metric: number;
  tos: string | null;
  /** Anything else written on the line (mtu, pref, onlink, linkdown, …), kept as words. */
  flags: string[];
  source: SourceLine;
}

export interface RouteTable {
  routes: Route[];
}

export type RuleAction =
  | { kind: 'lookup'; table: string }
  | { kind: 'goto'; priority: number }
  | { kind: 'blackhole' }
  | { kind: 'unreachable' }
  | { kind: 'prohibit' }
  | { kind: 'nop' };

export interface PolicyRule {
  family: Family;
  priority: number;
  not: boolean;
  /** null: `from all`. */
  from: IpPrefix | null;
  to: IpPrefix | null;
  fwmark: { value: number; mask: number } | null;
  iif: string | null;
  oif: string | null;
  tos: string | null;
  ipProtocol: string | null;
  sport: { min: number; max: number } | null;
  dport: { min: number; max: number } | null;
  uidRange: { min: number; max: number } | null;
  action: RuleAction;
  suppressPrefixLength: number | null;
  suppressIfgroup: string | null;
  /** Selectors natpath does not evaluate (l3mdev, …): kept so the walk can flag the rule as unknown. */
  unknownSelectors: string[];
  source: SourceLine;
}

export interface RuleList {
  rules: PolicyRule[];
}

export interface InterfaceAddress {
  address: IpAddress;
  prefixLength: number;
  /** Point-to-point peer (`inet A peer B/len`). */
  peer: IpPrefix | null;
  broadcast: IpAddress | null;
  scope: string;
  secondary: boolean;
  /** Label (`eth0:vip`), null when it is the interface name. */
  label: string | null;
  flags: string[];
}

export type LinkDetails =
  | { kind: 'veth' }
  | { kind: 'bridge' }
  | { kind: 'vxlan'; vni: number | null; port: number | null; local: IpAddress | null; remote: IpAddress | null; group: IpAddress | null; dev: string | null }
  | { kind: 'ipip' | 'sit' | 'gre' | 'ip6tnl' | 'gretap' | 'ip6gre'; local: IpAddress | null; remote: IpAddress | null; dev: string | null }
  | { kind: 'geneve'; vni: number | null; remote: IpAddress | null; port: number | null }
  | { kind: 'wireguard' }
  | { kind: 'vlan'; id: number | null }
  | { kind: 'other'; name: string };

export interface NetInterface {
  index: number;
  name: string;
  /** `veth0@if7`: the peer's ifindex (in another namespace when `linkNetns` is set). */
  peerIndex: number | null;
  /** `mv0@eth0`, `veth1@veth2`: the name after `@` — the lower device, or a veth's peer in the same namespace. */
  link: string | null;
  linkNetns: string | null;
  flags: string[];
  up: boolean;
  mtu: number | null;
  /** The bridge/bond this interface is enslaved to. */
  master: string | null;
  state: string | null;
  /** `ether`, `loopback`, `none`, … from the `link/…` line. */
  linkType: string | null;
  mac: string | null;
  /** From `ip -d` / `-j` linkinfo; null when the dump does not say. */
  details: LinkDetails | null;
  /** `bridge_slave`, `bond_slave`, … */
  slaveKind: string | null;
  addresses: InterfaceAddress[];
  source: SourceLine;
}

export interface InterfaceList {
  interfaces: NetInterface[];
}
