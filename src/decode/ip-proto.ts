// What follows an IP header (or an IPv6 extension header / AH): dispatch on the protocol number
// (IANA "Assigned Internet Protocol Numbers"). IP-in-IP needs no header of its own, so it is
// entered here: the inner IP header is decoded by the same IPv4/IPv6 decoders at depth + 1.

import { Has, IpProto, Next, State, Tunnel } from './layers.js';
import type { PacketView } from './packet-view.js';
import { DecodeStatus } from './status.js';

/** Schedules the decoder for `proto` on [off, end) at the current depth (records l4Proto/l4Off). */
export function dispatchIpProto(proto: number, off: number, end: number, out: PacketView): DecodeStatus {
  const d = out.depth;
  out.l4Proto[d] = proto;
  out.l4Off[d] = off;
  out.has[d]! |= Has.L4;
  // Inside an ICMP quote only the headers that identify the original flow are decoded.
  const quoted = (out.state[d]! & State.QUOTED) !== 0;
  switch (proto) {
    case IpProto.TCP:
      return out.next(Next.TCP, off, end);
    case IpProto.UDP:
      return out.next(Next.UDP, off, end);
    case IpProto.ICMP:
      return out.next(Next.ICMP, off, end);
    case IpProto.ICMPV6:
      return out.next(Next.ICMPV6, off, end);
    case IpProto.AH:
      return out.next(Next.AH, off, end);
    case IpProto.HOPOPT:
    case IpProto.IPV6_ROUTE:
    case IpProto.IPV6_FRAG:
    case IpProto.IPV6_OPTS:
      if (out.ipVersion[d] === 6) return out.next(Next.IPV6_EXT, off, end);
      break;
    case IpProto.GRE:
      if (!quoted) return out.next(Next.GRE, off, end);
      break;
    case IpProto.IPV4:
    case IpProto.IPV6:
      if (!quoted) {
        out.setPayload(off, end);
        const st = out.enterTunnel(proto === IpProto.IPV4 ? Tunnel.IPV4_IN_IP : Tunnel.IPV6_IN_IP, off);
        if (st !== DecodeStatus.Ok) return st;
        return out.next(proto === IpProto.IPV4 ? Next.IPV4 : Next.IPV6, off, end);
      }
      break;
  }
  // ESP, SCTP, OSPF, ...: the upper layer is recorded but not decoded.
  out.setPayload(off, end);
  return DecodeStatus.Ok;
}
