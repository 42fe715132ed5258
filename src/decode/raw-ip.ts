// Raw IP link types: LINKTYPE_RAW (101, and the old DLT_RAW numbers 12 and 14) start directly
// with an IPv4 or IPv6 header, told apart by the version nibble (RFC 791 / RFC 8200).
// LINKTYPE_IPV4 (228) and LINKTYPE_IPV6 (229) fix the version and go straight to those decoders.

import { u8 } from './bytes.js';
import { Next } from './layers.js';
import type { PacketView } from './packet-view.js';
import { DecodeStatus, Reason } from './status.js';

export function decodeRawIp(buf: Uint8Array, off: number, end: number, out: PacketView): DecodeStatus {
  const st = out.room(off, 1, end, Reason.RAW_CUT, Reason.RAW_CUT);
  if (st !== DecodeStatus.Ok) return st;
  const version = u8(buf, off) >>> 4;
  if (version === 4) return out.next(Next.IPV4, off, end);
  if (version === 6) return out.next(Next.IPV6, off, end);
  return out.fail(Reason.RAW_BAD_VERSION, off);
}
