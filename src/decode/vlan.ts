// IEEE 802.1Q VLAN tag (also 802.1ad S-tag 0x88A8 and pre-standard QinQ 0x9100), after the
// Ethernet (or SLL) header whose type field announced it.
//
//  0                2               4
// +-----+---+------+---------------+
// | PCP |DEI| VID  | inner type    |
// +-----+---+------+---------------+
//   3b   1b   12b      16b

import { u16 } from './bytes.js';
import { dispatchEtherType, MAX_8023_LENGTH } from './ethertype.js';
import { Has, MAX_VLAN_TAGS, Next } from './layers.js';
import type { PacketView } from './packet-view.js';
import { DecodeStatus, Reason } from './status.js';

const enum VlanField {
  TCI = 0,
  TYPE = 2,
  TAG_LEN = 4,
}
const VID_MASK = 0x0fff;

export function decodeVlan(buf: Uint8Array, off: number, end: number, out: PacketView): DecodeStatus {
  const st = out.room(off, VlanField.TAG_LEN, end, Reason.VLAN_CUT, Reason.VLAN_TOO_SHORT);
  if (st !== DecodeStatus.Ok) return st;
  const d = out.depth;
  const count = out.vlanCount[d]!;
  if (count >= MAX_VLAN_TAGS) return out.fail(Reason.VLAN_TOO_MANY_TAGS, off);
  const vid = u16(buf, off + VlanField.TCI) & VID_MASK;
  if (count === 0) out.vlanOuter[d] = vid;
  else if (count === 1) out.vlanInner[d] = vid;
  out.vlanCount[d] = count + 1;
  out.has[d]! |= Has.VLAN;
  const type = u16(buf, off + VlanField.TYPE);
  const payload = off + VlanField.TAG_LEN;
  if (type <= MAX_8023_LENGTH) {
    const frameEnd = payload + type;
    return out.next(Next.LLC, payload, frameEnd < end ? frameEnd : end);
  }
  return dispatchEtherType(type, payload, end, out);
}
