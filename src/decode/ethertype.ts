// Ethertype dispatch shared by Ethernet, 802.1Q tags, LLC/SNAP, Linux cooked captures, GRE and
// Geneve: which decoder reads what follows a 16-bit protocol type (IEEE 802 ethertype registry).

import { EtherType, Has, Next } from './layers.js';
import type { PacketView } from './packet-view.js';
import type { DecodeStatus } from './status.js';

/** Values ≤ 1500 in the Ethernet type field are an 802.3 length, not a type (IEEE 802.3 3.2.6). */
export const MAX_8023_LENGTH = 1500;

/** Schedules the decoder for `etherType` on [off, end) at the current depth, or stops on non-IP. */
export function dispatchEtherType(etherType: number, off: number, end: number, out: PacketView): DecodeStatus {
  const d = out.depth;
  out.etherType[d] = etherType;
  out.has[d]! |= Has.ETHERTYPE;
  switch (etherType) {
    case EtherType.IPV4:
      return out.next(Next.IPV4, off, end);
    case EtherType.IPV6:
      return out.next(Next.IPV6, off, end);
    case EtherType.VLAN:
    case EtherType.QINQ:
    case EtherType.QINQ_OLD:
      return out.next(Next.VLAN, off, end);
    case EtherType.ARP:
    case EtherType.RARP:
      return out.next(Next.ARP, off, end);
    case EtherType.PPPOE_SESSION:
      return out.next(Next.PPPOE, off, end);
    case EtherType.MPLS_UNICAST:
    case EtherType.MPLS_MULTICAST:
      return out.next(Next.MPLS, off, end);
    default:
      return out.stopNonIp(etherType);
  }
}
