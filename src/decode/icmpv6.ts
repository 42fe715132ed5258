// ICMPv6, RFC 4443. Echo request/reply (128/129) carry identifier and sequence; the error
// messages (1 destination unreachable, 2 packet too big, 3 time exceeded, 4 parameter problem)
// quote as much of the original IPv6 packet as fits — decoded at depth + 1 by the same IPv6
// decoder (Tunnel.ICMPV6_QUOTE). Neighbour discovery and MLD are recorded by type only.
//
//  0       8       16                  31
// +-------+-------+-------------------+
// | Type  | Code  |     Checksum      |
// +-------+-------+-------------------+
// | Identifier    | Sequence Number   |   echo 128/129
// |               MTU                 |   packet too big 2
// +-------------------+---------------+
// | original packet (as much as fits) |   errors 1-4
// +-----------------------------------+

import { isIcmpv6Error } from '../net/icmp-types.js';
import { u16, u32, u8 } from './bytes.js';
import { Has, Next, State, Tunnel } from './layers.js';
import type { PacketView } from './packet-view.js';
import { DecodeStatus, Reason } from './status.js';

export const enum Icmpv6Field {
  TYPE = 0,
  CODE = 1,
  CHECKSUM = 2,
  ID = 4,
  SEQ = 6,
  MTU = 4,
  HEADER_LEN = 8,
}
export const enum Icmpv6Type {
  DEST_UNREACHABLE = 1,
  PACKET_TOO_BIG = 2,
  TIME_EXCEEDED = 3,
  PARAMETER_PROBLEM = 4,
  ECHO_REQUEST = 128,
  ECHO_REPLY = 129,
}

export function decodeIcmpv6(buf: Uint8Array, off: number, end: number, out: PacketView): DecodeStatus {
  const d = out.depth;
  const clipped = (out.state[d]! & State.CLIPPED) !== 0;
  const readable = (end < out.capEnd ? end : out.capEnd) - off;
  if (readable >= Icmpv6Field.CHECKSUM) {
    out.icmpType[d] = u8(buf, off + Icmpv6Field.TYPE);
    out.icmpCode[d] = u8(buf, off + Icmpv6Field.CODE);
    out.has[d]! |= Has.ICMP;
  }
  if (clipped && off + Icmpv6Field.HEADER_LEN > end) return DecodeStatus.Ok;
  const st = out.room(off, Icmpv6Field.HEADER_LEN, end, Reason.ICMPV6_CUT, Reason.ICMPV6_TOO_SHORT);
  if (st !== DecodeStatus.Ok) return st;
  const type = out.icmpType[d]!;
  if (type === Icmpv6Type.ECHO_REQUEST || type === Icmpv6Type.ECHO_REPLY) {
    out.icmpId[d] = u16(buf, off + Icmpv6Field.ID);
    out.icmpSeq[d] = u16(buf, off + Icmpv6Field.SEQ);
    out.has[d]! |= Has.ICMP_QUERY;
  } else if (type === Icmpv6Type.PACKET_TOO_BIG) {
    out.icmpMtu[d] = u32(buf, off + Icmpv6Field.MTU);
    out.has[d]! |= Has.ICMP_MTU;
  }
  out.state[d]! |= State.L4_HEADER_COMPLETE;
  const data = off + Icmpv6Field.HEADER_LEN;
  out.setPayload(data, end);
  if (!isIcmpv6Error(type)) return DecodeStatus.Ok;
  if ((out.state[d]! & State.QUOTED) !== 0) return DecodeStatus.Ok;
  const st2 = out.enterTunnel(Tunnel.ICMPV6_QUOTE, data);
  if (st2 !== DecodeStatus.Ok) return st2;
  return out.next(Next.IPV6, data, end);
}
