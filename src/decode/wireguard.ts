// WireGuard (whitepaper §5.4), on UDP 51820 by default. Encrypted: natpath only recognises the
// message type and the session index, so it can say "this is WireGuard" and pair sessions.
// A payload whose type, reserved bytes or length do not fit is left as plain UDP payload.
//
//  0       1                       4                               8
// +-------+-----------------------+-------------------------------+-------
// | type  |  reserved (zero)      | sender / receiver index (LE)  | ...
// +-------+-----------------------+-------------------------------+-------
// type 1 initiation 148 bytes (sender), 2 response 92 bytes (receiver at 8),
// 3 cookie reply 64 bytes (receiver), 4 transport data ≥ 32 bytes, 16-byte multiple (receiver).

import { u24, u32le, u8 } from './bytes.js';
import { Has } from './layers.js';
import type { PacketView } from './packet-view.js';
import { DecodeStatus } from './status.js';

const enum WgField {
  TYPE = 0,
  RESERVED = 1,
  INDEX = 4,
  RESPONSE_RECEIVER = 8,
  MIN_LEN = 12,
}
const enum WgType {
  INITIATION = 1,
  RESPONSE = 2,
  COOKIE_REPLY = 3,
  TRANSPORT = 4,
}

function lengthFits(type: number, len: number): boolean {
  switch (type) {
    case WgType.INITIATION:
      return len === 148;
    case WgType.RESPONSE:
      return len === 92;
    case WgType.COOKIE_REPLY:
      return len === 64;
    case WgType.TRANSPORT:
      return len >= 32 && len % 16 === 0;
  }
  return false;
}

export function decodeWireguard(buf: Uint8Array, off: number, end: number, out: PacketView): DecodeStatus {
  // Not enough bytes to tell: leave it as UDP payload (a cut is reported by the IP layer).
  if (off + WgField.MIN_LEN > out.capEnd || off + WgField.MIN_LEN > end) return DecodeStatus.Ok;
  const type = u8(buf, off + WgField.TYPE);
  if (u24(buf, off + WgField.RESERVED) !== 0 || !lengthFits(type, end - off)) return DecodeStatus.Ok;
  const d = out.depth;
  out.wgType[d] = type;
  out.wgIndex[d] = u32le(buf, off + (type === WgType.RESPONSE ? WgField.RESPONSE_RECEIVER : WgField.INDEX));
  out.has[d]! |= Has.WIREGUARD;
  return DecodeStatus.Ok;
}
