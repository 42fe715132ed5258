// The packet as a rule sees it at one point of the kernel's walk, and its connection: what match
// modules evaluate against. The simulator (src/sim/) owns the walk and keeps these in its branch
// state; they live here, below the simulator, so netfilter's match modules need not import it.

import type { IpAddress } from '../net/address.js';
import type { SetPacket } from '../ipset/index.js';

export type Hook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING' | 'ROUTING';

/**
 * An interface as iptables sees it: none, unknown, or a name. An unknown one may carry the names a
 * branch has already taken it not to be, so that a branch holds one assumption throughout
 * (src/sim/interface-assumption.ts). A narrowing of ipset's `SetIface`.
 */
export type IfaceRef = { kind: 'none' } | { kind: 'unknown'; not?: readonly string[] } | { kind: 'name'; name: string };

/** The packet at one point of the walk: the header fields sets see (ipset's `SetPacket`), and more. */
export interface SimPacket extends SetPacket {
  protocol: string;
  iif: IfaceRef;
  oif: IfaceRef;
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
