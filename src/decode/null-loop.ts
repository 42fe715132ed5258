// BSD loopback: LINKTYPE_NULL (0) — a 4-byte address family in the CAPTURING host's byte order —
// and LINKTYPE_LOOP (108, OpenBSD) — the same in network byte order.
// https://www.tcpdump.org/linktypes/LINKTYPE_NULL.html
//
//  0                         4
// +-------------------------+--------------------
// | address family (32 bit) | IPv4 or IPv6 packet
// +-------------------------+--------------------
// AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD/OpenBSD/BSD/OS), 28 (FreeBSD), 30 (Darwin),
// 10 (Linux), 26 (Solaris).
//
// LINKTYPE_NULL files also hold headers that are not BSD families; the value is read the way
// Wireshark's packet-null.c does, so both tools agree on the same file:
//   FF 03 ...     PPP in HDLC framing (not decoded: Unsupported);
//   upper 16 bits of the little-endian value set: IRIX/UNICOS 16-bit family in the first two
//                 bytes, else a value written big-endian (byte-swapped);
//   value > 1500: an ethertype in the low 16 bits (old Linux libpcap loopback captures).

import { u16, u32, u32le } from './bytes.js';
import { dispatchEtherType, MAX_8023_LENGTH } from './ethertype.js';
import { Next } from './layers.js';
import type { PacketView } from './packet-view.js';
import { DecodeStatus, Reason } from './status.js';

const HEADER_LEN = 4;
const AF_INET = 2;
const PPP_HDLC = 0xff03;

function isAfInet6(family: number): boolean {
  return family === 24 || family === 28 || family === 30 || family === 10 || family === 26;
}

function swap32(v: number): number {
  return ((v >>> 24) | ((v >>> 8) & 0xff00) | ((v & 0xff00) << 8) | ((v & 0xff) << 24)) >>> 0;
}

/** The family (or ethertype) of a LINKTYPE_NULL header, byte order resolved. */
function readNullHeader(buf: Uint8Array, off: number): number {
  let v = u32le(buf, off);
  if ((v & 0xffff0000) !== 0) {
    if ((v & 0xff000000) === 0 && (v & 0x00ff0000) >>> 0 < 0x00060000) v = v >>> 16;
    else v = swap32(v);
  } else if ((v & 0xff) === 0 && (v & 0xff00) < 0x0600) {
    v = ((v >>> 8) & 0xff) | ((v & 0xff) << 8);
  }
  return v;
}

/** `networkOrder`: true for LINKTYPE_LOOP. */
export function decodeNullLoop(buf: Uint8Array, off: number, end: number, out: PacketView, networkOrder: boolean): DecodeStatus {
  const st = out.room(off, HEADER_LEN, end, Reason.NULL_CUT, Reason.NULL_CUT);
  if (st !== DecodeStatus.Ok) return st;
  if (!networkOrder && u16(buf, off) === PPP_HDLC) return out.fail(Reason.NULL_PPP_UNSUPPORTED, off);
  const family = networkOrder ? u32(buf, off) : readNullHeader(buf, off);
  out.nullFamily = family;
  const payload = off + HEADER_LEN;
  if (family > MAX_8023_LENGTH && !networkOrder) return dispatchEtherType(family & 0xffff, payload, end, out);
  if (family === AF_INET) return out.next(Next.IPV4, payload, end);
  if (isAfInet6(family)) return out.next(Next.IPV6, payload, end);
  return out.fail(Reason.NULL_FAMILY_UNSUPPORTED, off);
}
