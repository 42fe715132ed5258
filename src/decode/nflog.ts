// Linux NFLOG, LINKTYPE_NFLOG (239): what `tcpdump -i nflog:N` records for each packet an
// iptables/nft `NFLOG` rule copied to group N. https://www.tcpdump.org/linktypes/LINKTYPE_NFLOG.html
//
//  0        1         2                  4
// +--------+---------+------------------+------------------------------------------+
// | family | version | resource id (BE) | TLVs: length u16, type u16, value, pad 4 |
// +--------+---------+------------------+------------------------------------------+
// TLV length and type are in the capturing host's byte order (little-endian on x86 and arm64;
// a big-endian writer is recognised by its first TLV). NFULA_PAYLOAD (9) is the IP packet, decoded
// at depth 0 like a raw-IP frame; NFULA_PREFIX (10) the rule's `--nflog-prefix` (NUL-terminated),
// kept as offsets for the capture point's label; NFULA_IFINDEX_INDEV/OUTDEV (4/5, big-endian
// values) give the interface, as SLL2's ifindex does.

import { u16, u32 } from './bytes.js';
import { Next, SllPacketType } from './layers.js';
import type { PacketView } from './packet-view.js';
import { DecodeStatus, Reason } from './status.js';

const enum NflogField {
  FAMILY = 0, // AF_INET or AF_INET6; the payload's version nibble decides instead
  RESOURCE_ID = 2,
  HEADER_LEN = 4,
  TLV_HEADER_LEN = 4,
}
const enum NflogTlv {
  IFINDEX_INDEV = 4,
  IFINDEX_OUTDEV = 5,
  PAYLOAD = 9,
  PREFIX = 10,
}
/** TLV types natpath could meet (NFULA_*, up to NFULA_VLAN / L2HDR and some room). */
const MAX_TLV_TYPE = 64;

export function decodeNflog(buf: Uint8Array, off: number, end: number, out: PacketView): DecodeStatus {
  const st = out.room(off, NflogField.HEADER_LEN, end, Reason.NFLOG_CUT, Reason.NFLOG_CUT);
  if (st !== DecodeStatus.Ok) return st;
  out.nflogGroup = u16(buf, off + NflogField.RESOURCE_ID);
  let p = off + NflogField.HEADER_LEN;
  const limit = end < out.capEnd ? end : out.capEnd;
  const little = firstTlvIsLittleEndian(buf, p, limit);
  let payloadOff = -1;
  let payloadEnd = -1;
  let indev = -1;
  let outdev = -1;
  while (p + NflogField.TLV_HEADER_LEN <= limit) {
    const length = little ? buf[p]! | (buf[p + 1]! << 8) : u16(buf, p);
    const type = (little ? buf[p + 2]! | (buf[p + 3]! << 8) : u16(buf, p + 2)) & 0x7fff;
    if (length < NflogField.TLV_HEADER_LEN) return out.fail(Reason.NFLOG_BAD_TLV, p);
    const valueOff = p + NflogField.TLV_HEADER_LEN;
    const valueEnd = p + length;
    if (valueEnd > limit) {
      // The capture's snaplen cut the last TLV: a cut payload is still worth decoding.
      if (type === NflogTlv.PAYLOAD) {
        payloadOff = valueOff;
        payloadEnd = valueEnd;
      }
      break;
    }
    switch (type) {
      case NflogTlv.PAYLOAD:
        payloadOff = valueOff;
        payloadEnd = valueEnd;
        break;
      case NflogTlv.PREFIX: {
        let e = valueOff;
        while (e < valueEnd && buf[e] !== 0) e++;
        out.nflogPrefixOff = valueOff;
        out.nflogPrefixLen = e - valueOff;
        break;
      }
      case NflogTlv.IFINDEX_INDEV:
        if (length >= 8) indev = u32(buf, valueOff);
        break;
      case NflogTlv.IFINDEX_OUTDEV:
        if (length >= 8) outdev = u32(buf, valueOff);
        break;
    }
    p += (length + 3) & ~3;
  }
  // Where the packet was: coming in (input interface), or leaving (output only).
  // indev/outdev: -1 when absent, else the unsigned value read.
  if (indev >= 0 || outdev >= 0) out.setIfIndex(indev >= 0 ? indev : outdev);
  if (indev < 0 && outdev >= 0) out.pktType = SllPacketType.OUTGOING;
  else if (indev >= 0 && outdev < 0) out.pktType = SllPacketType.HOST;
  if (payloadOff < 0) return out.fail(Reason.NFLOG_NO_PAYLOAD, off);
  return out.next(Next.RAW_IP, payloadOff, payloadEnd);
}

/** Reads the first TLV both ways: the byte order whose length fits and whose type is small wins. */
function firstTlvIsLittleEndian(buf: Uint8Array, p: number, limit: number): boolean {
  if (p + NflogField.TLV_HEADER_LEN > limit) return true;
  const lenLe = buf[p]! | (buf[p + 1]! << 8);
  const typeLe = (buf[p + 2]! | (buf[p + 3]! << 8)) & 0x7fff;
  if (lenLe >= NflogField.TLV_HEADER_LEN && p + lenLe <= limit && typeLe <= MAX_TLV_TYPE) return true;
  const lenBe = u16(buf, p);
  const typeBe = u16(buf, p + 2) & 0x7fff;
  return !(lenBe >= NflogField.TLV_HEADER_LEN && p + lenBe <= limit && typeBe <= MAX_TLV_TYPE);
}
