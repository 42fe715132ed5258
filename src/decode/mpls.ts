// MPLS label stack, RFC 3032 (ethertypes 0x8847 unicast, 0x8848 multicast). The stack carries no
// payload type: after the bottom-of-stack label, an IP version nibble of 4 or 6 means IP (what
// routers and tshark assume); anything else (pseudowire control word, Ethernet) stops as non-IP.
//
//  0                                       20      23 24             31
// +---------------------------------------+-------+--+---------------+
// |                Label                  |  TC   |S |      TTL      |   × n, S = 1 on the last
// +---------------------------------------+-------+--+---------------+

import { u8 } from './bytes.js';
import { EtherType, MAX_MPLS_LABELS, Next } from './layers.js';
import type { PacketView } from './packet-view.js';
import { DecodeStatus, Reason } from './status.js';

const enum MplsField {
  BOTTOM_OF_STACK_BYTE = 2,
  LABEL_LEN = 4,
}
const BOTTOM_OF_STACK = 0x01;

export function decodeMpls(buf: Uint8Array, off: number, end: number, out: PacketView): DecodeStatus {
  let p = off;
  for (let labels = 1; ; labels++) {
    const st = out.room(p, MplsField.LABEL_LEN, end, Reason.MPLS_CUT, Reason.MPLS_TOO_SHORT);
    if (st !== DecodeStatus.Ok) return st;
    const bottom = (u8(buf, p + MplsField.BOTTOM_OF_STACK_BYTE) & BOTTOM_OF_STACK) !== 0;
    p += MplsField.LABEL_LEN;
    if (bottom) break;
    if (labels >= MAX_MPLS_LABELS) return out.fail(Reason.MPLS_TOO_MANY_LABELS, p);
  }
  if (p >= end) return out.stopNonIp(EtherType.MPLS_UNICAST);
  if (p >= out.capEnd) return out.fail(Reason.MPLS_CUT, p);
  const version = u8(buf, p) >>> 4;
  if (version === 4) return out.next(Next.IPV4, p, end);
  if (version === 6) return out.next(Next.IPV6, p, end);
  return out.stopNonIp(EtherType.MPLS_UNICAST);
}
