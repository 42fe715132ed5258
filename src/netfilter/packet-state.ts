// The packet as a rule sees it at one point of the kernel's walk, and its connection: what match
// modules evaluate against. The simulator (src/sim/) owns the walk and keeps these in its branch
// state; they live here, below the simulator, so netfilter's match modules need not import it.

import type { Family, IpAddress } from '../net/address.js';

export type Hook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING' | 'ROUTING';

/**
 * An interface as iptables sees it: none (e.g. no input interface for local output), unknown, or a
 * name. An unknown one may carry the names a branch has already taken it not to be, so that a
 * branch holds one assumption throughout (src/sim/interface-assumption.ts).
 */
export type IfaceRef = { kind: 'none' } | { kind: 'unknown'; not?: readonly string[] } | { kind: 'name'; name: string };

export interface SimPacket {
  family: Family;
  protocol: string;
  protocolNumber: number;
  /** null only after MASQUERADE when the host's addresses are not known. */
  src: IpAddress | null;
  dst: IpAddress;
  sport: number | null;
  dport: number | null;
  icmpType: number | null;
  icmpCode: number | null;
  mark: number;
  iif: IfaceRef;
  oif: IfaceRef;
  /** br_netfilter: the bridge port the packet came in on / goes out of, null when not bridged. */
  physIn: string | null;
  physOut: string | null;
  /** Bridged between two ports of one bridge (not routed). */
  bridged: boolean;
  /** The nexthop of the chosen route, for MASQUERADE's source choice. */
  nexthop: IpAddress | null;
}

export interface SimConnection {
  untracked: boolean;
  origSrc: IpAddress | null;
  origDst: IpAddress;
  origSport: number | null;
  origDport: number | null;
  dnat: boolean;
  snat: boolean;
  mark: number;
}
