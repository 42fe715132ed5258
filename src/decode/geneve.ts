// Geneve, RFC 8926 (UDP 6081): like VXLAN with a protocol type and variable-length options.
//
//  0   2           8 9 10          16                              31
// +---+-----------+-+-+-----------+-------------------------------+
// |Ver|  Opt Len  |O|C|   Rsvd.   |         Protocol Type         |
// +---+-----------+-+-+-----------+---------------+---------------+
// |        Virtual Network Identifier (VNI)       |   Reserved    |
// +-----------------------------------------------+---------------+
// |              Variable-Length Options (Opt Len × 4 bytes)      |
// +---------------------------------------------------------------+

import { u16, u24, u8 } from './bytes.js';
import { EtherType, Has, Next, Tunnel } from './layers.js';
import type { PacketView } from './packet-view.js';
import { DecodeStatus, Reason } from './status.js';

export const enum GeneveField {
  VER_OPTLEN = 0,
  FLAGS = 1,
  PROTOCOL = 2,
  VNI = 4,
  HEADER_LEN = 8,
}
export const GENEVE_OPTION_UNIT = 4;

export function decodeGeneve(buf: Uint8Array, off: number, end: number, out: PacketView): DecodeStatus {
  let st = out.room(off, GeneveField.HEADER_LEN, end, Reason.GENEVE_CUT, Reason.GENEVE_TOO_SHORT);
  if (st !== DecodeStatus.Ok) return st;
  const verOptLen = u8(buf, off + GeneveField.VER_OPTLEN);
  if (verOptLen >>> 6 !== 0) return out.fail(Reason.GENEVE_VERSION_UNSUPPORTED, off);
  const headerLen = GeneveField.HEADER_LEN + (verOptLen & 0x3f) * GENEVE_OPTION_UNIT;
  st = out.room(off, headerLen, end, Reason.GENEVE_CUT, Reason.GENEVE_OPTIONS_OVERFLOW);
  if (st !== DecodeStatus.Ok) return st;
  const proto = u16(buf, off + GeneveField.PROTOCOL);
  let next: number;
  if (proto === EtherType.TEB) next = Next.ETHERNET;
  else if (proto === EtherType.IPV4) next = Next.IPV4;
  else if (proto === EtherType.IPV6) next = Next.IPV6;
  else return out.stopNonIp(proto);
  const vni = u24(buf, off + GeneveField.VNI);
  st = out.enterTunnel(Tunnel.GENEVE, off);
  if (st !== DecodeStatus.Ok) return st;
  const d = out.depth;
  out.encapId[d] = vni;
  out.encapProto[d] = proto;
  out.has[d]! |= Has.ENCAP_ID | Has.ENCAP_PROTO;
  return out.next(next, off + headerLen, end);
}
