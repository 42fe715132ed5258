// IP Authentication Header, RFC 4302 (in IPv4 after the header, in IPv6 in the extension chain).
// AH authenticates but does not encrypt, so the upper layer behind it is decoded as usual.
//
//  0               8               16                              31
// +---------------+---------------+-------------------------------+
// | Next Header   | Payload Len   |           Reserved            |
// +---------------+---------------+-------------------------------+
// |                 Security Parameters Index (SPI)               |
// |                    Sequence Number Field                      |
// |                Integrity Check Value (variable)               |
// +---------------------------------------------------------------+
//   length = (Payload Len + 2) × 4 bytes

import { u8 } from './bytes.js';
import { dispatchIpProto } from './ip-proto.js';
import { MAX_EXT_HEADERS, State } from './layers.js';
import type { PacketView } from './packet-view.js';
import { DecodeStatus, Reason } from './status.js';

const enum AhField {
  NEXT_HEADER = 0,
  PAYLOAD_LEN = 1,
  MIN_LEN = 2,
  UNIT = 4,
}

export function decodeAuthHeader(buf: Uint8Array, off: number, end: number, out: PacketView): DecodeStatus {
  const d = out.depth;
  const quoted = (out.state[d]! & State.QUOTED) !== 0;
  if (out.extCount[d]! >= MAX_EXT_HEADERS) return out.fail(Reason.IPV6_TOO_MANY_EXT, off);
  out.extCount[d] = out.extCount[d]! + 1;
  if (quoted && off + AhField.MIN_LEN > end) return DecodeStatus.Ok;
  let st = out.room(off, AhField.MIN_LEN, end, Reason.AH_CUT, Reason.AH_OVERFLOW);
  if (st !== DecodeStatus.Ok) return st;
  const len = (u8(buf, off + AhField.PAYLOAD_LEN) + 2) * AhField.UNIT;
  if (quoted && off + len > end) return DecodeStatus.Ok;
  st = out.room(off, len, end, Reason.AH_CUT, Reason.AH_OVERFLOW);
  if (st !== DecodeStatus.Ok) return st;
  return dispatchIpProto(u8(buf, off + AhField.NEXT_HEADER), off + len, end, out);
}
