// ERSPAN (Cisco Encapsulated Remote SPAN, draft-foschiano-erspan-03), carried in GRE: a mirrored
// frame with a session id. Reached from gre.ts already at depth + 1; this replaces the depth's
// tunnel type with ERSPAN and its id with the session id.
//
// Type II (GRE 0x88BE with S bit), 8 bytes:
// +-------+-----------------+-----+---+-+--------------------+
// |Ver=1  |      VLAN       | COS |En |T|    Session ID      |
// +-------+-----------------+-----+---+-+--------------------+
// |        Reserved         |             Index              |
// +-------------------------+--------------------------------+
// Type III (GRE 0x22EB), 12 bytes (+ 8 when O is set):
// +-------+-----------------+-----+---+-+--------------------+
// |Ver=2  |      VLAN       | COS |BSO|T|    Session ID      |
// |                     Timestamp                            |
// |            SGT           |P| FT  | Hw ID |D|Gra|O|        |
// |     Platform specific sub-header (8 bytes, if O)          |
// +----------------------------------------------------------+
// FT (frame type) 0 is Ethernet, 2 is IP; others are Unsupported.

import { u16, u8 } from './bytes.js';
import { Has, Next, Tunnel } from './layers.js';
import type { PacketView } from './packet-view.js';
import { DecodeStatus, Reason } from './status.js';

const enum ErspanField {
  VER_VLAN = 0,
  SESSION = 2,
  TYPE2_LEN = 8,
  TYPE3_FLAGS = 10,
  TYPE3_LEN = 12,
  PLATFORM_LEN = 8,
}
const SESSION_MASK = 0x03ff;
const VERSION_TYPE2 = 1;
const VERSION_TYPE3 = 2;
const FRAME_ETHERNET = 0;
const FRAME_IP = 2;

export function decodeErspan(buf: Uint8Array, off: number, end: number, out: PacketView, type3: boolean): DecodeStatus {
  const headerLen = type3 ? ErspanField.TYPE3_LEN : ErspanField.TYPE2_LEN;
  const st = out.room(off, headerLen, end, Reason.ERSPAN_CUT, Reason.ERSPAN_TOO_SHORT);
  if (st !== DecodeStatus.Ok) return st;
  const version = u8(buf, off + ErspanField.VER_VLAN) >>> 4;
  if (version !== (type3 ? VERSION_TYPE3 : VERSION_TYPE2)) return out.fail(Reason.ERSPAN_VERSION_UNSUPPORTED, off);
  const d = out.depth;
  out.encapType[d] = Tunnel.ERSPAN;
  out.encapId[d] = u16(buf, off + ErspanField.SESSION) & SESSION_MASK;
  out.has[d]! |= Has.ENCAP_ID;
  if (!type3) return out.next(Next.ETHERNET, off + headerLen, end);

  const flags = u16(buf, off + ErspanField.TYPE3_FLAGS);
  const frameType = (flags >>> 10) & 0x1f;
  const payload = off + headerLen + ((flags & 1) !== 0 ? ErspanField.PLATFORM_LEN : 0);
  if (frameType === FRAME_ETHERNET) return out.next(Next.ETHERNET, payload, end);
  if (frameType === FRAME_IP) return out.next(Next.RAW_IP, payload, end);
  return out.fail(Reason.ERSPAN_VERSION_UNSUPPORTED, off);
}
