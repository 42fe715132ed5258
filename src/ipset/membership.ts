// Whether a packet is in a set, as xt_set asks the kernel (ip_set_test): `--match-set NAME
// src,dst` gives one direction per dimension of the set's type; fewer directions than dimensions
// never match (the kernel returns 0), extra ones are ignored. The set's family must be the
// packet's. Among entries that contain the packet, the most specific one decides (hash:net
// and friends look up from the longest prefix down), and a `nomatch` entry makes it a
// non-member — `--return-nomatch` reverses that. list:set asks its members in order; the first
// that says yes decides. Everything here was checked against ipset 7.17 on kernel 6.18
// (docs/snapshots.md).

import { prefixContains, type Family, type IpAddress } from '../net/address.js';
import type { EntryPart, IpSet, IpsetDump, IpsetEntry } from './model.js';

/**
 * An interface as iptables sees it: none (e.g. no input interface for local output), unknown, or a
 * name. The simulator's branches narrow `unknown` further (netfilter's `IfaceRef`).
 */
export type SetIface = { kind: 'none' } | { kind: 'unknown' } | { kind: 'name'; name: string };

/**
 * The packet's header fields and the kernel's per-packet state that sets look at. This is the one
 * definition of those fields: netfilter's `SimPacket` extends it with what only rules and the
 * walk need.
 */
export interface SetPacket {
  family: Family;
  protocolNumber: number;
  /** null only after MASQUERADE when the host's addresses are not known. */
  src: IpAddress | null;
  dst: IpAddress;
  sport: number | null;
  dport: number | null;
  icmpType: number | null;
  icmpCode: number | null;
  mark: number;
  iif: SetIface;
  oif: SetIface;
  /** br_netfilter: the bridge port the packet came in on / goes out of, null when not bridged. */
  physIn: string | null;
  physOut: string | null;
}

export interface SetQuery {
  name: string;
  /** `src`/`dst` per dimension, as written after the set name. */
  directions: string[];
  returnNomatch: boolean;
}

export type Membership =
  /** The entry that decided (null: no entry contains the packet, or a dimension rule said no). */
  | { kind: 'yes' | 'no'; set: IpSet; entry: IpsetEntry | null; why: string }
  | { kind: 'unknown'; why: string };

const PORT_PROTOCOLS = new Set([6, 17, 132, 136]);
const MAX_LIST_DEPTH = 8;

export function testMembership(dump: IpsetDump, query: SetQuery, packet: SetPacket, depth = 0): Membership {
  const set = dump.setsByName.get(query.name);
  if (set === undefined) return { kind: 'unknown', why: `set ${query.name} is not in the ipset dump` };
  if (query.directions.length < set.dimensions.length) {
    return { kind: 'no', set, entry: null, why: `set ${set.name} (${set.type}) needs ${set.dimensions.length} directions, the rule gives ${query.directions.length}: the kernel never matches` };
  }
  if (set.family !== null && set.family !== packet.family) {
    return { kind: 'no', set, entry: null, why: `set ${set.name} is ${set.family === 'ipv4' ? 'inet' : 'inet6'}, the packet ${packet.family}` };
  }
  if (set.type === 'list:set') return testList(dump, set, query, packet, depth);
  const values = packetValues(set, query.directions, packet);
  if (typeof values === 'string') return values.startsWith('no:') ? { kind: 'no', set, entry: null, why: values.slice(3) } : { kind: 'unknown', why: values };
  const best = set.type === 'hash:net,iface' ? decideNetIface(set, values) : mostSpecific(set, values);
  if (best === null) return { kind: 'no', set, entry: null, why: `no entry of ${set.name} contains the packet` };
  const member = best.nomatch === query.returnNomatch;
  const why = best.nomatch
    ? `entry "${best.text}" of ${set.name} is nomatch${query.returnNomatch ? ' (--return-nomatch: a match)' : ''}`
    : `entry "${best.text}" of ${set.name}${query.returnNomatch ? ' (--return-nomatch: only nomatch entries match)' : ''}`;
  return { kind: member ? 'yes' : 'no', set, entry: best, why };
}

function testList(dump: IpsetDump, set: IpSet, query: SetQuery, packet: SetPacket, depth: number): Membership {
  if (depth >= MAX_LIST_DEPTH) return { kind: 'unknown', why: `list:set ${set.name} nests deeper than ${MAX_LIST_DEPTH}` };
  const unknowns: string[] = [];
  for (const e of set.entries) {
    const part = e.parts[0];
    if (part?.kind !== 'set') continue;
    const r = testMembership(dump, { ...query, name: part.name }, packet, depth + 1);
    // A member that says no (nomatch included) lets the next member decide, as list_set_ktest does.
    if (r.kind === 'yes') return { kind: 'yes', set, entry: e, why: `member set ${part.name} of ${set.name}: ${r.why}` };
    if (r.kind === 'unknown') unknowns.push(r.why);
  }
  if (unknowns.length > 0) return { kind: 'unknown', why: `list:set ${set.name}: ${unknowns.join('; ')}` };
  return { kind: 'no', set, entry: null, why: `no member set of ${set.name} contains the packet` };
}

function mostSpecific(set: IpSet, values: PacketValue[]): IpsetEntry | null {
  let best: IpsetEntry | null = null;
  let bestRank: number[] = [];
  for (const e of set.entries) {
    const rank = rankEntry(e, set, values);
    if (rank === null) continue;
    if (best === null || moreSpecific(rank, bestRank)) {
      best = e;
      bestRank = rank;
    }
  }
  return best;
}

/**
 * hash:net,iface: the most specific prefix that contains the address decides, whatever interface
 * its entries name — an entry `10.1.2.0/24,lo` hides `10.0.0.0/8,eth0` from a packet to 10.1.2.9
 * leaving by eth0 (the kernel's lookup stops at the first prefix it finds; seen on 6.18, see
 * test/fixtures/ipset/make-ipset-fixtures.sh).
 */
function decideNetIface(set: IpSet, values: PacketValue[]): IpsetEntry | null {
  const address = values[0];
  let longest = -1;
  for (const e of set.entries) {
    const part = e.parts[0];
    if (part?.kind === 'address' && address?.kind === 'address' && prefixContains(part.prefix, address.address)) longest = Math.max(longest, part.prefix.length);
  }
  if (longest < 0) return null;
  for (const e of set.entries) {
    const part = e.parts[0];
    if (part?.kind === 'address' && part.prefix.length === longest && rankEntry(e, set, values) !== null) return e;
  }
  return null;
}

/** One value per dimension; a string is why the packet cannot be tested ("no:" prefix: it cannot match). */
type PacketValue =
  | { kind: 'address'; address: IpAddress }
  | { kind: 'port'; protocol: number; port: number }
  | { kind: 'mark'; value: number }
  | { kind: 'iface'; name: string; physdev: string | null };

function packetValues(set: IpSet, directions: string[], p: SetPacket): PacketValue[] | string {
  const out: PacketValue[] = [];
  for (let i = 0; i < set.dimensions.length; i++) {
    const src = directions[i] === 'src';
    switch (set.dimensions[i]!) {
      case 'ip': case 'net': {
        const address = src ? p.src : p.dst;
        if (address === null) return 'the source address is not known';
        out.push({ kind: 'address', address });
        break;
      }
      case 'port': {
        const port = packetPort(p, src);
        if (typeof port === 'string') return port;
        if (set.type === 'bitmap:port' && !PORT_PROTOCOLS.has(p.protocolNumber)) return `no:bitmap:port ${set.name} matches only TCP, UDP, SCTP and UDP-Lite packets`;
        out.push(port);
        break;
      }
      case 'mark':
        out.push({ kind: 'mark', value: (p.mark & set.markmask) >>> 0 });
        break;
      case 'iface': {
        const ref = src ? p.iif : p.oif;
        if (ref.kind === 'unknown') return `the ${src ? 'input' : 'output'} interface is not known`;
        if (ref.kind === 'none') return `no:the packet has no ${src ? 'input' : 'output'} interface`;
        out.push({ kind: 'iface', name: ref.name, physdev: src ? p.physIn : p.physOut });
        break;
      }
      case 'mac':
        return `set ${set.name} (${set.type}) matches MAC addresses, which the walk does not know`;
      case 'set':
        return `set ${set.name}: a set of sets inside a non-list type`;
    }
  }
  return out;
}

/** As ip_set_get_ip4_port: TCP/UDP/SCTP/UDP-Lite ports, ICMP type·256+code, other protocols port 0. */
function packetPort(p: SetPacket, src: boolean): PacketValue | string {
  if (PORT_PROTOCOLS.has(p.protocolNumber)) {
    const port = src ? p.sport : p.dport;
    if (port === null) return `the ${src ? 'source' : 'destination'} port is not known`;
    return { kind: 'port', protocol: p.protocolNumber, port };
  }
  if (p.protocolNumber === 1 || p.protocolNumber === 58) {
    if (p.icmpType === null) return 'the ICMP type is not known';
    return { kind: 'port', protocol: p.protocolNumber, port: (p.icmpType << 8) | (p.icmpCode ?? 0) };
  }
  return { kind: 'port', protocol: p.protocolNumber, port: 0 };
}

/** null when the entry does not contain the packet; else the prefix lengths of its address parts. */
function rankEntry(e: IpsetEntry, set: IpSet, values: PacketValue[]): number[] | null {
  const rank: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const part = e.parts[i]!;
    const v = values[i]!;
    if (!partContains(part, v, set)) return null;
    if (part.kind === 'address') rank.push(part.prefix.length);
  }
  return rank;
}

function partContains(part: EntryPart, v: PacketValue, set: IpSet): boolean {
  switch (part.kind) {
    case 'address':
      return v.kind === 'address' && prefixContains(part.prefix, v.address);
    case 'port':
      if (v.kind !== 'port') return false;
      // bitmap:port stores bare port numbers: any port protocol.
      return (set.type === 'bitmap:port' || part.protocol === v.protocol) && v.port >= part.from && v.port <= part.to;
    case 'mark':
      return v.kind === 'mark' && v.value === ((part.value & set.markmask) >>> 0);
    case 'iface':
      if (v.kind !== 'iface') return false;
      return part.physdev ? v.physdev === part.name : v.name === part.name;
    case 'mac': case 'set':
      return false;
  }
}

/** The kernel walks prefix lengths from the longest down, first dimension first. */
function moreSpecific(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i]! !== b[i]!) return a[i]! > b[i]!;
  return false;
}
