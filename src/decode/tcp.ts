// TCP header, RFC 9293 §3.1; options: MSS (RFC 9293), window scale and timestamps (RFC 7323),
// SACK permitted (RFC 2018).
//
//  0                   16                  31
// +-------------------+-------------------+
// |    Source Port    | Destination Port  |
// +-------------------+-------------------+
// |            Sequence Number            |
// +---------------------------------------+
// |         Acknowledgment Number         |
// +----+------+-------+-------------------+
// |Off | Rsvd |AE..FIN|      Window       |
// +----+------+-------+-------------------+
// |     Checksum      |  Urgent Pointer   |
// +-------------------+-------------------+
// |        Options (Off > 5) ...          |
// +---------------------------------------+
//
// Fields are taken as far as the bytes go, so an ICMP quote (8 bytes) or a snaplen cut still
// yields ports and seq; a quote or first fragment that ends inside the header is not an error.

import { u16, u32, u8 } from './bytes.js';
import { Has, State } from './layers.js';
import type { PacketView } from './packet-view.js';
import { DecodeStatus, Reason } from './status.js';

export const enum TcpField {
  SRC_PORT = 0,
  DST_PORT = 2,
  SEQ = 4,
  ACK = 8,
  DATA_OFF = 12,
  FLAGS = 13,
  WINDOW = 14,
  CHECKSUM = 16,
  URGENT = 18,
  MIN_HEADER_LEN = 20,
}
const enum TcpOption {
  EOL = 0,
  NOP = 1,
  MSS = 2,
  WSCALE = 3,
  SACK_PERMITTED = 4,
  TIMESTAMP = 8,
}

export function decodeTcp(buf: Uint8Array, off: number, end: number, out: PacketView): DecodeStatus {
  const d = out.depth;
  const clipped = (out.state[d]! & State.CLIPPED) !== 0;
  const readable = (end < out.capEnd ? end : out.capEnd) - off;
  if (readable >= TcpField.SEQ) {
    out.srcPort[d] = u16(buf, off + TcpField.SRC_PORT);
    out.dstPort[d] = u16(buf, off + TcpField.DST_PORT);
    out.has[d]! |= Has.PORTS;
  }
  if (readable >= TcpField.ACK) {
    out.tcpSeq[d] = u32(buf, off + TcpField.SEQ);
    out.has[d]! |= Has.TCP_SEQ;
  }
  if (readable >= TcpField.DATA_OFF) {
    out.tcpAck[d] = u32(buf, off + TcpField.ACK);
    out.has[d]! |= Has.TCP_ACK;
  }
  if (readable >= TcpField.CHECKSUM) {
    out.tcpHeaderLen[d] = (u8(buf, off + TcpField.DATA_OFF) >>> 4) * 4;
    out.tcpFlags[d] = ((u8(buf, off + TcpField.DATA_OFF) & 0x0f) << 8) | u8(buf, off + TcpField.FLAGS);
    out.tcpWindow[d] = u16(buf, off + TcpField.WINDOW);
    out.has[d]! |= Has.TCP_FLAGS;
  }
  if (clipped && off + TcpField.MIN_HEADER_LEN > end) return DecodeStatus.Ok;
  let st = out.room(off, TcpField.MIN_HEADER_LEN, end, Reason.TCP_CUT, Reason.TCP_TOO_SHORT);
  if (st !== DecodeStatus.Ok) return st;

  const headerLen = out.tcpHeaderLen[d]!;
  if (headerLen < TcpField.MIN_HEADER_LEN) return out.fail(Reason.TCP_BAD_DATA_OFFSET, off);
  if (off + headerLen > end) return clipped ? DecodeStatus.Ok : out.fail(Reason.TCP_HEADER_GT_SEGMENT, off);
  out.setPayload(off + headerLen, end);
  st = out.room(off, headerLen, end, Reason.TCP_CUT, Reason.TCP_HEADER_GT_SEGMENT);
  if (st !== DecodeStatus.Ok) return st;
  out.state[d]! |= State.L4_HEADER_COMPLETE;
  return decodeTcpOptions(buf, off + TcpField.MIN_HEADER_LEN, off + headerLen, out, d);
}

/** Reads the options [off, end) of the TCP header at depth d (also used by the fast path). */
export function decodeTcpOptions(buf: Uint8Array, off: number, end: number, out: PacketView, d: number): DecodeStatus {
  let p = off;
  while (p < end) {
    const kind = u8(buf, p);
    if (kind === TcpOption.EOL) break;
    if (kind === TcpOption.NOP) {
      p += 1;
      continue;
    }
    if (p + 2 > end) return out.fail(Reason.TCP_BAD_OPTION_LEN, p);
    const len = u8(buf, p + 1);
    if (len < 2 || p + len > end) return out.fail(Reason.TCP_BAD_OPTION_LEN, p);
    if (kind === TcpOption.MSS && len === 4) {
      out.tcpMss[d] = u16(buf, p + 2);
      out.has[d]! |= Has.TCP_MSS;
    } else if (kind === TcpOption.WSCALE && len === 3) {
      out.tcpWscale[d] = u8(buf, p + 2);
      out.has[d]! |= Has.TCP_WSCALE;
    } else if (kind === TcpOption.SACK_PERMITTED && len === 2) {
      out.has[d]! |= Has.TCP_SACK_PERMITTED;
    } else if (kind === TcpOption.TIMESTAMP && len === 10) {
      out.tsVal[d] = u32(buf, p + 2);
      out.tsEcr[d] = u32(buf, p + 6);
      out.has[d]! |= Has.TCP_TIMESTAMP;
    }
    p += len;
  }
  return DecodeStatus.Ok;
}
