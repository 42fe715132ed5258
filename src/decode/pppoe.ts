// PPPoE session stage (RFC 2516 §4) carrying PPP (RFC 1661); ethertype 0x8864. Only PPP frames
// holding IPv4 (0x0021, RFC 1332) or IPv6 (0x0057, RFC 5072) go on; LCP/IPCP etc. stop as non-IP.
//
//  0       4       8               16                              31
// +-------+-------+---------------+-------------------------------+
// | VER=1 |TYPE=1 |   CODE = 0    |          SESSION_ID           |
// +-------+-------+---------------+-------------------------------+
// |            LENGTH             |        PPP protocol           |
// +-------------------------------+-------------------------------+
// LENGTH counts the PPP frame (protocol field included): the frame ends there.

import { u16 } from './bytes.js';
import { EtherType, Next } from './layers.js';
import type { PacketView } from './packet-view.js';
import { DecodeStatus, Reason } from './status.js';

const enum PppoeField {
  VER_TYPE = 0,
  CODE = 1,
  SESSION = 2,
  LENGTH = 4,
  PPP_PROTOCOL = 6,
  HEADER_LEN = 8,
  PPP_START = 6,
}
const PPP_IPV4 = 0x0021;
const PPP_IPV6 = 0x0057;

export function decodePppoe(buf: Uint8Array, off: number, end: number, out: PacketView): DecodeStatus {
  const st = out.room(off, PppoeField.HEADER_LEN, end, Reason.PPPOE_CUT, Reason.PPPOE_TOO_SHORT);
  if (st !== DecodeStatus.Ok) return st;
  const pppEnd = off + PppoeField.PPP_START + u16(buf, off + PppoeField.LENGTH);
  const frameEnd = pppEnd < end ? pppEnd : end;
  const protocol = u16(buf, off + PppoeField.PPP_PROTOCOL);
  if (protocol === PPP_IPV4) return out.next(Next.IPV4, off + PppoeField.HEADER_LEN, frameEnd);
  if (protocol === PPP_IPV6) return out.next(Next.IPV6, off + PppoeField.HEADER_LEN, frameEnd);
  return out.stopNonIp(EtherType.PPPOE_SESSION);
}
