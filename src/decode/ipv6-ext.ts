// IPv6 extension headers, RFC 8200 §4: hop-by-hop options (0), routing (43), fragment (44),
// destination options (60). One header per call; its type is the current l4Proto (set by the
// dispatcher), and what follows is dispatched again, so chains of any order are walked.
//
// Options / routing:                        Fragment (8 bytes):
// +-------------+-------------+----------   +-------------+----------+-------------------+--+-+
// | Next Header | Hdr Ext Len | data ...    | Next Header | reserved | Fragment Offset   |Rs|M|
// +-------------+-------------+----------   +-------------+----------+-------------------+--+-+
//   length = (Hdr Ext Len + 1) × 8 bytes     |                Identification                 |
//
// Only the first fragment (offset 0) carries the upper-layer header.

import { u16, u32, u8 } from './bytes.js';
import { dispatchIpProto } from './ip-proto.js';
import { Has, IpFlag, IpProto, MAX_EXT_HEADERS, State } from './layers.js';
import type { PacketView } from './packet-view.js';
import { DecodeStatus, Reason } from './status.js';

const enum ExtField {
  NEXT_HEADER = 0,
  HDR_EXT_LEN = 1,
  MIN_LEN = 2,
  UNIT = 8,
}
const enum FragField {
  NEXT_HEADER = 0,
  OFFSET_FLAGS = 2,
  ID = 4,
  HEADER_LEN = 8,
}
const FRAG_OFFSET_MASK = 0xfff8;
const FRAG_MORE = 0x0001;

export function decodeIpv6Ext(buf: Uint8Array, off: number, end: number, out: PacketView): DecodeStatus {
  const d = out.depth;
  const type = out.l4Proto[d]!;
  const quoted = (out.state[d]! & State.QUOTED) !== 0;
  if (out.extCount[d]! >= MAX_EXT_HEADERS) return out.fail(Reason.IPV6_TOO_MANY_EXT, off);
  out.extCount[d] = out.extCount[d]! + 1;

  // A quote may legitimately end inside the chain: stop quietly there.
  if (quoted && off + ExtField.MIN_LEN > end) return DecodeStatus.Ok;
  let st = out.room(off, ExtField.MIN_LEN, end, Reason.IPV6_EXT_CUT, Reason.IPV6_EXT_OVERFLOW);
  if (st !== DecodeStatus.Ok) return st;
  const nextHeader = u8(buf, off + ExtField.NEXT_HEADER);
  const len = type === IpProto.IPV6_FRAG ? FragField.HEADER_LEN : (u8(buf, off + ExtField.HDR_EXT_LEN) + 1) * ExtField.UNIT;
  if (quoted && off + len > end) return DecodeStatus.Ok;
  st = out.room(off, len, end, Reason.IPV6_EXT_CUT, Reason.IPV6_EXT_OVERFLOW);
  if (st !== DecodeStatus.Ok) return st;

  if (type === IpProto.IPV6_FRAG) {
    const offsetFlags = u16(buf, off + FragField.OFFSET_FLAGS);
    const fragOffset = offsetFlags & FRAG_OFFSET_MASK;
    const more = (offsetFlags & FRAG_MORE) !== 0;
    out.ipId[d] = u32(buf, off + FragField.ID);
    out.fragOffset[d] = fragOffset;
    out.ipFlags[d] = more ? IpFlag.MORE_FRAGMENTS : 0;
    // An "atomic fragment" (offset 0, M clear, RFC 6946) is a whole packet with an ID.
    out.has[d]! |= Has.IP_ID | (more || fragOffset > 0 ? Has.FRAGMENT : 0);
    if (fragOffset > 0) {
      out.l4Proto[d] = nextHeader;
      out.l4Off[d] = off + len;
      out.setPayload(off + len, end);
      return DecodeStatus.Ok;
    }
    if (more) out.state[d]! |= State.CLIPPED;
  }
  return dispatchIpProto(nextHeader, off + len, end, out);
}
