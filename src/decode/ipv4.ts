// IPv4 header, RFC 791 (fragmentation: RFC 791 §3.2; TSO length 0: Linux GSO captures).
//
//  0       4       8               16    19                        31
// +-------+-------+---------------+-------------------------------+
// |Version|  IHL  |      TOS      |         Total Length          |
// +-------+-------+---------------+-----+-------------------------+
// |        Identification         |Flags|     Fragment Offset     |
// +---------------+---------------+-----+-------------------------+
// |      TTL      |   Protocol    |        Header Checksum        |
// +---------------+---------------+-------------------------------+
// |                        Source Address                         |
// |                      Destination Address                      |
// |                 Options (IHL > 5) ...                         |
// +---------------------------------------------------------------+
//
// Checks in smoltcp's order: fixed header present → IHL ≥ 5 → IHL bytes present → total length
// ≥ IHL → total length within the enclosing frame (if not, the packet is noted Malformed and
// decoded as far as the frame goes, as tshark does). The payload ends at the total length, so
// Ethernet padding never reaches the L4 decoders. Only the first fragment carries L4 ports.

import { u16, u32, u8 } from './bytes.js';
import { dispatchIpProto } from './ip-proto.js';
import { Has, IpFlag, State } from './layers.js';
import type { PacketView } from './packet-view.js';
import { DecodeStatus, Reason } from './status.js';

export const enum Ipv4Field {
  VER_IHL = 0,
  TOS = 1,
  TOTAL_LEN = 2,
  ID = 4,
  FLAGS_FRAG = 6,
  TTL = 8,
  PROTOCOL = 9,
  CHECKSUM = 10,
  SRC = 12,
  DST = 16,
  MIN_HEADER_LEN = 20,
}
const FLAG_DF = 0x4000;
const FLAG_MF = 0x2000;
const FRAG_OFFSET_MASK = 0x1fff;

export function decodeIpv4(buf: Uint8Array, off: number, end: number, out: PacketView): DecodeStatus {
  const d = out.depth;
  const quoted = (out.state[d]! & State.QUOTED) !== 0;
  let st = out.room(off, Ipv4Field.MIN_HEADER_LEN, end, Reason.IPV4_CUT, Reason.IPV4_TOO_SHORT);
  if (st !== DecodeStatus.Ok) return st;
  const verIhl = u8(buf, off + Ipv4Field.VER_IHL);
  if (verIhl >>> 4 !== 4) return out.fail(Reason.IPV4_BAD_VERSION, off);
  const headerLen = (verIhl & 0x0f) * 4;
  if (headerLen < Ipv4Field.MIN_HEADER_LEN) return out.fail(Reason.IPV4_BAD_IHL, off);

  // The fixed part is in hand: record it now so it stays valid if the options are cut.
  const totalLen = u16(buf, off + Ipv4Field.TOTAL_LEN);
  const flagsFrag = u16(buf, off + Ipv4Field.FLAGS_FRAG);
  const proto = u8(buf, off + Ipv4Field.PROTOCOL);
  out.ipVersion[d] = 4;
  out.ipOff[d] = off;
  out.ipHeaderLen[d] = headerLen;
  out.ipTotalLen[d] = totalLen;
  out.tos[d] = u8(buf, off + Ipv4Field.TOS);
  out.ipId[d] = u16(buf, off + Ipv4Field.ID);
  out.ttl[d] = u8(buf, off + Ipv4Field.TTL);
  out.ipProto[d] = proto;
  out.src4[d] = u32(buf, off + Ipv4Field.SRC);
  out.dst4[d] = u32(buf, off + Ipv4Field.DST);
  const moreFragments = (flagsFrag & FLAG_MF) !== 0;
  const fragOffset = (flagsFrag & FRAG_OFFSET_MASK) * 8;
  out.ipFlags[d] = ((flagsFrag & FLAG_DF) !== 0 ? IpFlag.DONT_FRAGMENT : 0) | (moreFragments ? IpFlag.MORE_FRAGMENTS : 0);
  out.fragOffset[d] = fragOffset;
  out.has[d]! |= Has.IPV4 | Has.IP_ID | (moreFragments || fragOffset > 0 ? Has.FRAGMENT : 0);
  if (headerLen > Ipv4Field.MIN_HEADER_LEN) out.state[d]! |= State.IP_OPTIONS;

  st = out.room(off, headerLen, end, Reason.IPV4_CUT, Reason.IPV4_TOO_SHORT);
  if (st !== DecodeStatus.Ok) return st;
  out.state[d]! |= State.IP_HEADER_COMPLETE;

  let ipEnd: number;
  if (totalLen === 0) {
    // Captured before TSO/GSO segmentation: the kernel leaves the length 0; the frame holds it.
    ipEnd = end < out.capEnd ? end : out.capEnd;
    out.ipTotalLen[d] = ipEnd - off;
    out.state[d]! |= State.LENGTH_FROM_FRAME;
  } else {
    if (totalLen < headerLen) return out.fail(Reason.IPV4_TOTAL_LEN_LT_IHL, off);
    ipEnd = off + totalLen;
    if (ipEnd > end) {
      // An ICMP error quotes only the start of the datagram: that is the design, not damage.
      // Otherwise the frame is shorter than the IP header says: note it, decode what is there.
      if (!quoted) out.note(Reason.IPV4_TOTAL_LEN_GT_ENCLOSING, off);
      ipEnd = end;
      out.state[d]! |= State.CLIPPED;
    }
  }
  if (ipEnd <= out.capEnd) out.state[d]! |= State.IP_PAYLOAD_COMPLETE;
  else if (!quoted) out.cut = true;

  const l4Off = off + headerLen;
  if (fragOffset > 0) {
    // A later fragment: the upper-layer protocol is known, its header is in the first fragment.
    out.l4Proto[d] = proto;
    out.l4Off[d] = l4Off;
    out.has[d]! |= Has.L4;
    out.setPayload(l4Off, ipEnd);
    return DecodeStatus.Ok;
  }
  if (moreFragments) out.state[d]! |= State.CLIPPED;
  return dispatchIpProto(proto, l4Off, ipEnd, out);
}
