// Ethernet II / IEEE 802.3 MAC header (IEEE 802.3 clause 3; IP over Ethernet: RFC 894).
//
//  0                   6                   12      14
// +-------------------+-------------------+-------+---------------------
// | destination MAC   | source MAC        | type  | payload (46..1500)  [FCS not captured]
// +-------------------+-------------------+-------+---------------------
// type ≤ 1500 is an 802.3 length: an LLC header follows and the frame's data ends there.
// The IP decoder ends the packet at the IP total length, so padding never reaches the payload.

import { u16 } from './bytes.js';
import { dispatchEtherType, MAX_8023_LENGTH } from './ethertype.js';
import { Has, Next } from './layers.js';
import type { PacketView } from './packet-view.js';
import { DecodeStatus, Reason } from './status.js';

export const enum EthField {
  DST = 0,
  SRC = 6,
  TYPE = 12,
  HEADER_LEN = 14,
}

export function decodeEthernet(buf: Uint8Array, off: number, end: number, out: PacketView): DecodeStatus {
  const st = out.room(off, EthField.HEADER_LEN, end, Reason.ETH_CUT, Reason.ETH_TOO_SHORT);
  if (st !== DecodeStatus.Ok) return st;
  const d = out.depth;
  out.ethOff[d] = off + EthField.DST;
  out.has[d]! |= Has.ETHERNET;
  const type = u16(buf, off + EthField.TYPE);
  const payload = off + EthField.HEADER_LEN;
  if (type <= MAX_8023_LENGTH) {
    const frameEnd = payload + type;
    return out.next(Next.LLC, payload, frameEnd < end ? frameEnd : end);
  }
  return dispatchEtherType(type, payload, end, out);
}
