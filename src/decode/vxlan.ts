// VXLAN, RFC 7348: an Ethernet frame in UDP (IANA port 4789; Linux and flannel use 8472).
//
//  0               8                                               31
// +-+-+-+-+-+-+-+-+-----------------------------------------------+
// |R|R|R|R|I|R|R|R|                   Reserved                    |
// +-+-+-+-+-+-+-+-+-------------------------------+---------------+
// |          VXLAN Network Identifier (VNI)       |   Reserved    |
// +-----------------------------------------------+---------------+
// I must be set ("valid VNI"); the other bits are ignored on receipt (GBP uses some of them).

import { u24, u8 } from './bytes.js';
import { Has, Next, Tunnel } from './layers.js';
import type { PacketView } from './packet-view.js';
import { DecodeStatus, Reason } from './status.js';

export const enum VxlanField {
  FLAGS = 0,
  VNI = 4,
  HEADER_LEN = 8,
}
export const VXLAN_FLAG_VNI_VALID = 0x08;

export function decodeVxlan(buf: Uint8Array, off: number, end: number, out: PacketView): DecodeStatus {
  let st = out.room(off, VxlanField.HEADER_LEN, end, Reason.VXLAN_CUT, Reason.VXLAN_TOO_SHORT);
  if (st !== DecodeStatus.Ok) return st;
  if ((u8(buf, off + VxlanField.FLAGS) & VXLAN_FLAG_VNI_VALID) === 0) return out.fail(Reason.VXLAN_BAD_FLAGS, off);
  const vni = u24(buf, off + VxlanField.VNI);
  st = out.enterTunnel(Tunnel.VXLAN, off);
  if (st !== DecodeStatus.Ok) return st;
  const d = out.depth;
  out.encapId[d] = vni;
  out.has[d]! |= Has.ENCAP_ID;
  return out.next(Next.ETHERNET, off + VxlanField.HEADER_LEN, end);
}
