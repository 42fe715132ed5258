// Linux cooked capture v1, LINKTYPE_LINUX_SLL (113): what libpcap writes for `tcpdump -i any`.
// https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html
//
//  0          2           4            6                      14         16
// +----------+-----------+------------+----------------------+----------+
// | pkttype  | ARPHRD    | addr len   | link-layer address   | protocol |
// +----------+-----------+------------+----------------------+----------+
// pkttype: 0 to us, 1 broadcast, 2 multicast, 3 to someone else, 4 sent by us.

import { u16 } from './bytes.js';
import { dispatchSllProtocol } from './sll-protocol.js';
import type { PacketView } from './packet-view.js';
import { DecodeStatus, Reason } from './status.js';

const enum SllField {
  PKTTYPE = 0,
  HATYPE = 2,
  ADDR_LEN = 4,
  ADDR = 6,
  PROTOCOL = 14,
  HEADER_LEN = 16,
}
const MAX_ADDR_LEN = 8;

export function decodeSll(buf: Uint8Array, off: number, end: number, out: PacketView): DecodeStatus {
  const st = out.room(off, SllField.HEADER_LEN, end, Reason.SLL_CUT, Reason.SLL_CUT);
  if (st !== DecodeStatus.Ok) return st;
  out.pktType = u16(buf, off + SllField.PKTTYPE);
  out.arphrdType = u16(buf, off + SllField.HATYPE);
  const addrLen = u16(buf, off + SllField.ADDR_LEN);
  out.llAddrOff = off + SllField.ADDR;
  out.llAddrLen = addrLen < MAX_ADDR_LEN ? addrLen : MAX_ADDR_LEN;
  return dispatchSllProtocol(out.arphrdType, u16(buf, off + SllField.PROTOCOL), off + SllField.HEADER_LEN, end, out);
}
