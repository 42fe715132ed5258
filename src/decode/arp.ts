// ARP (RFC 826) and RARP. Counted, and for Ethernet/IPv4 the opcode and the two protocol
// addresses are kept (who asks for whom: useful next to a NAT gateway's address).
//
//  0        2        4      5      6        8
// +--------+--------+------+------+--------+-----+-----+-----+-----+
// | htype  | ptype  | hlen | plen | oper   | sha | spa | tha | tpa |
// +--------+--------+------+------+--------+-----+-----+-----+-----+

import { u16, u32, u8 } from './bytes.js';
import type { PacketView } from './packet-view.js';
import { DecodeStatus, Reason } from './status.js';

const enum ArpField {
  HTYPE = 0,
  PTYPE = 2,
  HLEN = 4,
  PLEN = 5,
  OPER = 6,
  ADDRS = 8,
}
const HTYPE_ETHERNET = 1;
const PTYPE_IPV4 = 0x0800;

export function decodeArp(buf: Uint8Array, off: number, end: number, out: PacketView): DecodeStatus {
  out.arpDepth = out.depth;
  const st = out.room(off, ArpField.ADDRS, end, Reason.ARP_CUT, Reason.ARP_TOO_SHORT);
  if (st !== DecodeStatus.Ok) return st;
  out.arpOp = u16(buf, off + ArpField.OPER);
  const hlen = u8(buf, off + ArpField.HLEN);
  const plen = u8(buf, off + ArpField.PLEN);
  const st2 = out.room(off, ArpField.ADDRS + 2 * (hlen + plen), end, Reason.ARP_CUT, Reason.ARP_TOO_SHORT);
  if (st2 !== DecodeStatus.Ok) return st2;
  if (u16(buf, off + ArpField.HTYPE) === HTYPE_ETHERNET && u16(buf, off + ArpField.PTYPE) === PTYPE_IPV4 && hlen === 6 && plen === 4) {
    out.arpSenderIp4 = u32(buf, off + ArpField.ADDRS + 6);
    out.arpTargetIp4 = u32(buf, off + ArpField.ADDRS + 16);
  }
  return DecodeStatus.Ok;
}
