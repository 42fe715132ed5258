// The protocol field of Linux cooked captures (v1 and v2): an ethertype, except for small values
// that are Linux ETH_P_* pseudo-types (<linux/if_ether.h>) and for netlink devices.

import { dispatchEtherType, MAX_8023_LENGTH } from './ethertype.js';
import { Next } from './layers.js';
import type { PacketView } from './packet-view.js';
import type { DecodeStatus } from './status.js';

/** ETH_P_802_2: the payload starts with an 802.2 LLC header. */
const ETH_P_802_2 = 0x0004;
/** ARPHRD_NETLINK: the protocol field is a netlink family, not an ethertype. */
const ARPHRD_NETLINK = 824;

export function dispatchSllProtocol(arphrd: number, protocol: number, off: number, end: number, out: PacketView): DecodeStatus {
  if (arphrd === ARPHRD_NETLINK) return out.stopNonIp(protocol);
  if (protocol === ETH_P_802_2) return out.next(Next.LLC, off, end);
  if (protocol <= MAX_8023_LENGTH) return out.stopNonIp(protocol);
  return dispatchEtherType(protocol, off, end, out);
}
