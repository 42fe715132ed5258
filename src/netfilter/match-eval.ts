// What evaluating one match needs and gives. A match module's evaluator (matches/*.ts) gets the
// packet and connection at that point of the walk (packet-state.ts), what it may ask of the host
// (MatchHost: its interfaces, addresses and ipsets; the simulator's HostModel is one), and the
// walk's options; it answers yes / no / unknown, or "chance" for `-m statistic`.

import { formatIpAddress, type IpAddress } from '../net/address.js';
import type { IpsetDump } from '../ipset/index.js';
import type { NetInterface } from '../route/model.js';
import type { Match } from './model.js';
import type { Hook, SimConnection, SimPacket } from './packet-state.js';

export type MatchResult =
  /** `assumed`: true on what the dump showed, which may have changed by the packet's time (an ipset timeout). */
  | { kind: 'yes'; assumed?: string }
  | { kind: 'no' }
  | { kind: 'unknown'; why: string }
  | { kind: 'chance'; probability: number; why: string };

export interface EvalOptions {
  /** How `-m recent --rcheck/--update` is evaluated: unknown history (default) or a client never seen. */
  recentHistory: 'unknown' | 'empty';
}

/** What a match may ask of the host whose rules it is in. */
export interface MatchHost {
  interfaces: readonly NetInterface[];
  interfacesByName: ReadonlyMap<string, NetInterface>;
  /** The host's addresses (textual key → address). */
  localAddresses: ReadonlyMap<string, IpAddress>;
  /** False when neither `ip addr` nor `--host-addrs` said what the host's addresses are. */
  addressesKnown: boolean;
  ipsets: IpsetDump | null;
}

export interface MatchContext {
  hook: Hook;
  packet: SimPacket;
  conn: SimConnection;
  host: MatchHost;
  options: EvalOptions;
}

export type MatchEvaluator<K extends Match['kind']> = (m: Extract<Match, { kind: K }>, ctx: MatchContext) => MatchResult;
/** One evaluator per kind of match: the registry (matches/index.ts) must name them all. */
export type MatchEvaluators = { [K in Match['kind']]: MatchEvaluator<K> };

export const YES: MatchResult = { kind: 'yes' };
export const NO: MatchResult = { kind: 'no' };

export function not(negated: boolean, value: boolean): MatchResult {
  return value !== negated ? YES : NO;
}

export function unknown(why: string): MatchResult {
  return { kind: 'unknown', why };
}

export function isLocalAddress(host: MatchHost, addr: IpAddress): boolean | 'unknown' {
  if (host.localAddresses.has(formatIpAddress(addr))) return true;
  if (addr.family === 'ipv4' && addr.value >>> 24 === 127) return true;
  return host.addressesKnown ? false : 'unknown';
}

/** addrtype's classes of an address on this host; null when the host's addresses are not known. */
export function addressTypes(host: MatchHost, addr: IpAddress | null): string[] | null {
  if (addr === null) return null;
  if (addr.family === 'ipv4') {
    if (addr.value === 0xffffffff) return ['BROADCAST'];
    if (addr.value >>> 28 === 0xe) return ['MULTICAST'];
    for (const itf of host.interfaces) {
      for (const a of itf.addresses) if (a.broadcast !== null && a.broadcast.family === 'ipv4' && a.broadcast.value === addr.value) return ['BROADCAST'];
    }
  } else if (addr.words[0]! >>> 24 === 0xff) return ['MULTICAST'];
  const local = isLocalAddress(host, addr);
  if (local === 'unknown') return null;
  return local ? ['LOCAL'] : ['UNICAST'];
}
