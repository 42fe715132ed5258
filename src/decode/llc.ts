// IEEE 802.2 LLC header, with the SNAP extension (RFC 1042) that carries an ethertype.
//
//  0      1      2        3             6        8
// +------+------+--------+-------------+--------+
// | DSAP | SSAP | control| OUI (SNAP)  | type   |   SNAP: DSAP = SSAP = 0xAA, control = 0x03
// +------+------+--------+-------------+--------+
// Plain LLC (STP, IS-IS, NetBIOS...) is not IP: decoding stops, nonIpEtherType = 0.

import { u16, u24, u8 } from './bytes.js';
import { dispatchEtherType } from './ethertype.js';
import type { PacketView } from './packet-view.js';
import { DecodeStatus, Reason } from './status.js';

const enum LlcField {
  DSAP = 0,
  SSAP = 1,
  CONTROL = 2,
  OUI = 3,
  TYPE = 6,
  SNAP_LEN = 8,
}
const SNAP_SAP = 0xaa;
const UI_CONTROL = 0x03;
/** OUI 00-00-00 (RFC 1042) and 00-00-F8 (802.1H bridge tunnel) carry ethertypes. */
const OUI_RFC1042 = 0x000000;
const OUI_8021H = 0x0000f8;

export function decodeLlc(buf: Uint8Array, off: number, end: number, out: PacketView): DecodeStatus {
  // Three bytes decide whether this is SNAP; only then is the 8-byte header required.
  const st = out.room(off, LlcField.OUI, end, Reason.LLC_CUT, Reason.LLC_TOO_SHORT);
  if (st !== DecodeStatus.Ok) return st;
  const snap = u8(buf, off + LlcField.DSAP) === SNAP_SAP && u8(buf, off + LlcField.SSAP) === SNAP_SAP && u8(buf, off + LlcField.CONTROL) === UI_CONTROL;
  if (!snap) return out.stopNonIp(0);
  const st2 = out.room(off, LlcField.SNAP_LEN, end, Reason.LLC_CUT, Reason.LLC_TOO_SHORT);
  if (st2 !== DecodeStatus.Ok) return st2;
  const oui = u24(buf, off + LlcField.OUI);
  const type = u16(buf, off + LlcField.TYPE);
  if (oui !== OUI_RFC1042 && oui !== OUI_8021H) return out.stopNonIp(type);
  return dispatchEtherType(type, off + LlcField.SNAP_LEN, end, out);
}
