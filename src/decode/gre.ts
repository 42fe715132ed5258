// GRE, RFC 2784 with the key and sequence number extensions of RFC 2890, and the routing field of
// RFC 1701. The payload goes through the same decoders at depth + 1: IPv4, IPv6, Ethernet
// (0x6558 transparent Ethernet bridging), ERSPAN (0x88BE type I/II, 0x22EB type III) and WCCP
// redirection (0x883E: IPv4, after a 4-byte WCCPv2 redirect header unless it starts with 0x4_).
//
//  0 1 2 3 4 5   8     13    16                               31
// +-+-+-+-+-+-----+-+-----+-----+-------------------------------+
// |C|R|K|S|s|Recur|A|Flags| Ver |         Protocol Type         |
// +-+-+-+-+-+-----+-+-----+-----+-------------------------------+
// |      Checksum (optional)    |      Offset (optional)        |  C or R
// |                        Key (optional)                       |  K
// |                  Sequence Number (optional)                 |  S
// |             Routing (optional, SRE list, RFC 1701)          |  R
// +-------------------------------------------------------------+
// Version 1 (PPTP's enhanced GRE, RFC 2637) is reported Unsupported.

import { u16, u32, u8 } from './bytes.js';
import { EtherType, Has, Next, Tunnel } from './layers.js';
import type { PacketView } from './packet-view.js';
import { DecodeStatus, Reason } from './status.js';

const enum GreField {
  FLAGS_VERSION = 0,
  PROTOCOL = 2,
  BASE_LEN = 4,
  OPTIONAL_LEN = 4,
}
const FLAG_CHECKSUM = 0x8000;
const FLAG_ROUTING = 0x4000;
const FLAG_KEY = 0x2000;
const FLAG_SEQ = 0x1000;
const VERSION_MASK = 0x0007;
/** A Source Route Entry: address family (2), SRE offset (1), SRE length (1), then the entries. */
const SRE_HEADER_LEN = 4;
const MAX_SRES = 16;
const WCCP_REDIRECT_HEADER_LEN = 4;

export function decodeGre(buf: Uint8Array, off: number, end: number, out: PacketView): DecodeStatus {
  let st = out.room(off, GreField.BASE_LEN, end, Reason.GRE_CUT, Reason.GRE_TOO_SHORT);
  if (st !== DecodeStatus.Ok) return st;
  const flags = u16(buf, off + GreField.FLAGS_VERSION);
  if ((flags & VERSION_MASK) !== 0) return out.fail(Reason.GRE_VERSION_UNSUPPORTED, off);
  const proto = u16(buf, off + GreField.PROTOCOL);
  let p = off + GreField.BASE_LEN;
  if ((flags & (FLAG_CHECKSUM | FLAG_ROUTING)) !== 0) p += GreField.OPTIONAL_LEN;
  const keyOff = (flags & FLAG_KEY) !== 0 ? p : -1;
  if (keyOff >= 0) p += GreField.OPTIONAL_LEN;
  const seqOff = (flags & FLAG_SEQ) !== 0 ? p : -1;
  if (seqOff >= 0) p += GreField.OPTIONAL_LEN;
  st = out.room(off, p - off, end, Reason.GRE_CUT, Reason.GRE_TOO_SHORT);
  if (st !== DecodeStatus.Ok) return st;
  if ((flags & FLAG_ROUTING) !== 0) {
    let sres = 0;
    for (;;) {
      st = out.room(p, SRE_HEADER_LEN, end, Reason.GRE_CUT, Reason.GRE_BAD_ROUTING);
      if (st !== DecodeStatus.Ok) return st;
      const family = u16(buf, p);
      const sreLen = u8(buf, p + 3);
      p += SRE_HEADER_LEN + sreLen;
      if (family === 0 && sreLen === 0) break;
      if (++sres > MAX_SRES) return out.fail(Reason.GRE_BAD_ROUTING, p);
    }
    st = out.room(off, p - off, end, Reason.GRE_CUT, Reason.GRE_BAD_ROUTING);
    if (st !== DecodeStatus.Ok) return st;
  }
  out.setPayload(p, end);

  let next: number;
  switch (proto) {
    case EtherType.IPV4:
      next = Next.IPV4;
      break;
    case EtherType.IPV6:
      next = Next.IPV6;
      break;
    case EtherType.TEB:
      next = Next.ETHERNET;
      break;
    case EtherType.ERSPAN2:
      // Type I has no ERSPAN header and no sequence number: the mirrored frame follows directly.
      next = seqOff >= 0 ? Next.ERSPAN2 : Next.ETHERNET;
      break;
    case EtherType.ERSPAN3:
      next = Next.ERSPAN3;
      break;
    case EtherType.WCCP:
      // WCCPv1 puts the IPv4 packet right after GRE; v2 first has a 4-byte redirect header.
      next = Next.IPV4;
      if (p < out.capEnd && p < end && u8(buf, p) >>> 4 !== 4) p += WCCP_REDIRECT_HEADER_LEN;
      break;
    default:
      // NHRP, CDP, Cisco metadata...: still a GRE tunnel (its key is kept), but not IP inside.
      next = Next.NONE;
  }
  st = out.enterTunnel(proto === EtherType.ERSPAN2 && seqOff < 0 ? Tunnel.ERSPAN : Tunnel.GRE, off);
  if (st !== DecodeStatus.Ok) return st;
  const d = out.depth;
  out.encapProto[d] = proto;
  out.has[d]! |= Has.ENCAP_PROTO;
  if (keyOff >= 0) {
    out.encapId[d] = u32(buf, keyOff);
    out.has[d]! |= Has.ENCAP_ID;
  }
  if (seqOff >= 0) {
    out.encapSeq[d] = u32(buf, seqOff);
    out.has[d]! |= Has.ENCAP_SEQ;
  }
  if (next === Next.NONE) return out.stopNonIp(proto);
  return out.next(next, p, end);
}
