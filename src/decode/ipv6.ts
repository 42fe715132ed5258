// IPv6 fixed header, RFC 8200 §3. Extension headers are decoded one by one by ipv6-ext.ts.
//
//  0       4               12                                      31
// +-------+---------------+---------------------------------------+
// |Version| Traffic Class |              Flow Label               |
// +-------+---------------+-------+---------------+---------------+
// |        Payload Length         |  Next Header  |   Hop Limit   |
// +-------------------------------+---------------+---------------+
// |                    Source Address (128 bits)                  |
// |                 Destination Address (128 bits)                |
// +---------------------------------------------------------------+
//
// Checks: 40 bytes present → version 6 → payload within the enclosing frame. The packet ends at
// 40 + payload length (padding never leaks). Payload length 0 (jumbogram, or a TSO/GSO capture)
// takes the length from the frame.

import { u16, u32, u8 } from './bytes.js';
import { dispatchIpProto } from './ip-proto.js';
import { Has, State } from './layers.js';
import type { PacketView } from './packet-view.js';
import { DecodeStatus, Reason } from './status.js';

export const enum Ipv6Field {
  VER_TC_FLOW = 0,
  PAYLOAD_LEN = 4,
  NEXT_HEADER = 6,
  HOP_LIMIT = 7,
  SRC = 8,
  DST = 24,
  HEADER_LEN = 40,
}

export function decodeIpv6(buf: Uint8Array, off: number, end: number, out: PacketView): DecodeStatus {
  const d = out.depth;
  const quoted = (out.state[d]! & State.QUOTED) !== 0;
  const st = out.room(off, Ipv6Field.HEADER_LEN, end, Reason.IPV6_CUT, Reason.IPV6_TOO_SHORT);
  if (st !== DecodeStatus.Ok) return st;
  const first = u32(buf, off + Ipv6Field.VER_TC_FLOW);
  if (first >>> 28 !== 6) return out.fail(Reason.IPV6_BAD_VERSION, off);

  const payloadLen = u16(buf, off + Ipv6Field.PAYLOAD_LEN);
  const nextHeader = u8(buf, off + Ipv6Field.NEXT_HEADER);
  out.ipVersion[d] = 6;
  out.ipOff[d] = off;
  out.ipHeaderLen[d] = Ipv6Field.HEADER_LEN;
  out.tos[d] = (first >>> 20) & 0xff;
  out.flowLabel[d] = first & 0xfffff;
  out.ttl[d] = u8(buf, off + Ipv6Field.HOP_LIMIT);
  out.ipProto[d] = nextHeader;
  const a = d * 8;
  const words = out.addr6;
  for (let w = 0; w < 4; w++) {
    words[a + w] = u32(buf, off + Ipv6Field.SRC + 4 * w);
    words[a + 4 + w] = u32(buf, off + Ipv6Field.DST + 4 * w);
  }
  out.has[d]! |= Has.IPV6;
  out.state[d]! |= State.IP_HEADER_COMPLETE;

  let ipEnd: number;
  if (payloadLen === 0) {
    ipEnd = end < out.capEnd ? end : out.capEnd;
    out.state[d]! |= State.LENGTH_FROM_FRAME;
  } else {
    ipEnd = off + Ipv6Field.HEADER_LEN + payloadLen;
    if (ipEnd > end) {
      if (!quoted) out.note(Reason.IPV6_PAYLOAD_LEN_GT_ENCLOSING, off);
      ipEnd = end;
      out.state[d]! |= State.CLIPPED;
    }
  }
  out.ipTotalLen[d] = ipEnd - off;
  if (ipEnd <= out.capEnd) out.state[d]! |= State.IP_PAYLOAD_COMPLETE;
  else if (!quoted) out.cut = true;
  return dispatchIpProto(nextHeader, off + Ipv6Field.HEADER_LEN, ipEnd, out);
}
