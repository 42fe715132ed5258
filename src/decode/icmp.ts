// ICMP for IPv4, RFC 792 (frag-needed MTU: RFC 1191). Query messages carry an identifier and a
// sequence number (NAT treats the identifier like a port); error messages quote the original
// datagram's IP header and at least 8 bytes of its payload — NAT rewrites that quote too, so it
// is decoded, by the same IPv4 decoder, at depth + 1 (Tunnel.ICMP_QUOTE).
//
//  0       8       16                  31
// +-------+-------+-------------------+
// | Type  | Code  |     Checksum      |
// +-------+-------+-------------------+
// | Identifier    | Sequence Number   |   query (echo 0/8, timestamp 13/14, info 15/16, mask 17/18)
// | unused        | Next-hop MTU      |   destination unreachable 3, code 4 (fragmentation needed)
// +-------------------+---------------+
// | original IP header + 8 bytes ...  |   errors 3, 4, 5, 11, 12
// +-----------------------------------+

import { isIcmpv4Error, isIcmpv4Query } from '../net/icmp-types.js';
import { u16, u8 } from './bytes.js';
import { Has, Next, State, Tunnel } from './layers.js';
import type { PacketView } from './packet-view.js';
import { DecodeStatus, Reason } from './status.js';

export const enum IcmpField {
  TYPE = 0,
  CODE = 1,
  CHECKSUM = 2,
  ID = 4,
  SEQ = 6,
  MTU = 6,
  HEADER_LEN = 8,
}
const ICMP_DEST_UNREACHABLE = 3;
const CODE_FRAG_NEEDED = 4;

export function decodeIcmp(buf: Uint8Array, off: number, end: number, out: PacketView): DecodeStatus {
  const d = out.depth;
  const clipped = (out.state[d]! & State.CLIPPED) !== 0;
  const readable = (end < out.capEnd ? end : out.capEnd) - off;
  if (readable >= IcmpField.CHECKSUM) {
    out.icmpType[d] = u8(buf, off + IcmpField.TYPE);
    out.icmpCode[d] = u8(buf, off + IcmpField.CODE);
    out.has[d]! |= Has.ICMP;
  }
  if (clipped && off + IcmpField.HEADER_LEN > end) return DecodeStatus.Ok;
  const st = out.room(off, IcmpField.HEADER_LEN, end, Reason.ICMP_CUT, Reason.ICMP_TOO_SHORT);
  if (st !== DecodeStatus.Ok) return st;
  const type = out.icmpType[d]!;
  if (isIcmpv4Query(type)) {
    out.icmpId[d] = u16(buf, off + IcmpField.ID);
    out.icmpSeq[d] = u16(buf, off + IcmpField.SEQ);
    out.has[d]! |= Has.ICMP_QUERY;
  } else if (type === ICMP_DEST_UNREACHABLE && out.icmpCode[d] === CODE_FRAG_NEEDED) {
    out.icmpMtu[d] = u16(buf, off + IcmpField.MTU);
    out.has[d]! |= Has.ICMP_MTU;
  }
  out.state[d]! |= State.L4_HEADER_COMPLETE;
  const data = off + IcmpField.HEADER_LEN;
  out.setPayload(data, end);
  // An error inside a quote would be an error about an error (RFC 1122 forbids sending those).
  if (!isIcmpv4Error(type) || (out.state[d]! & State.QUOTED) !== 0) return DecodeStatus.Ok;
  const st2 = out.enterTunnel(Tunnel.ICMP_QUOTE, data);
  if (st2 !== DecodeStatus.Ok) return st2;
  return out.next(Next.IPV4, data, end);
}
