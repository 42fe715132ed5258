// Linux cooked capture v2, LINKTYPE_LINUX_SLL2 (276): SLL plus the interface index.
// https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html
//
//  0          2          4                 8         10        11         12                 20
// +----------+----------+-----------------+---------+---------+----------+------------------+
// | protocol | reserved | interface index | ARPHRD  | pkttype | addr len | link-layer addr  |
// +----------+----------+-----------------+---------+---------+----------+------------------+

import { u16, u32, u8 } from './bytes.js';
import { dispatchSllProtocol } from './sll-protocol.js';
import type { PacketView } from './packet-view.js';
import { DecodeStatus, Reason } from './status.js';

export const enum Sll2Field {
  PROTOCOL = 0,
  RESERVED = 2,
  IFINDEX = 4,
  HATYPE = 8,
  PKTTYPE = 10,
  ADDR_LEN = 11,
  ADDR = 12,
  HEADER_LEN = 20,
}
/** Link-layer address bytes the header has room for. */
export const SLL2_MAX_ADDR_LEN = 8;

export function decodeSll2(buf: Uint8Array, off: number, end: number, out: PacketView): DecodeStatus {
  const st = out.room(off, Sll2Field.HEADER_LEN, end, Reason.SLL2_CUT, Reason.SLL2_CUT);
  if (st !== DecodeStatus.Ok) return st;
  // The index is signed in the spec; real ones are small positive numbers.
  out.setIfIndex(u32(buf, off + Sll2Field.IFINDEX));
  out.arphrdType = u16(buf, off + Sll2Field.HATYPE);
  out.pktType = u8(buf, off + Sll2Field.PKTTYPE);
  const addrLen = u8(buf, off + Sll2Field.ADDR_LEN);
  out.llAddrOff = off + Sll2Field.ADDR;
  out.llAddrLen = addrLen < SLL2_MAX_ADDR_LEN ? addrLen : SLL2_MAX_ADDR_LEN;
  return dispatchSllProtocol(out.arphrdType, u16(buf, off + Sll2Field.PROTOCOL), off + Sll2Field.HEADER_LEN, end, out);
}
