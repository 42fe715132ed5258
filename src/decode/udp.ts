// UDP header, RFC 768. The datagram ends at the UDP length; its payload is handed to the tunnel
// decoders by destination port (VXLAN 4789/8472, Geneve 6081; WireGuard 51820 either way; a
// bare IP packet — flannel's UDP backend — only where configured), per view with
// PacketView.setUdpPortKind (decode --vxlan-port & co., or the host's `ip -d link`).
//
//  0                   16                  31
// +-------------------+-------------------+
// |    Source Port    | Destination Port  |
// +-------------------+-------------------+
// |      Length       |     Checksum      |
// +-------------------+-------------------+

import { u16 } from './bytes.js';
import { Has, Next, State, UdpPortKind } from './layers.js';
import type { PacketView } from './packet-view.js';
import { DecodeStatus, Reason } from './status.js';

export const enum UdpField {
  SRC_PORT = 0,
  DST_PORT = 2,
  LENGTH = 4,
  CHECKSUM = 6,
  HEADER_LEN = 8,
}
export const DNS_PORT = 53;

export function decodeUdp(buf: Uint8Array, off: number, end: number, out: PacketView): DecodeStatus {
  const d = out.depth;
  const clipped = (out.state[d]! & State.CLIPPED) !== 0;
  const readable = (end < out.capEnd ? end : out.capEnd) - off;
  if (readable >= UdpField.LENGTH) {
    out.srcPort[d] = u16(buf, off + UdpField.SRC_PORT);
    out.dstPort[d] = u16(buf, off + UdpField.DST_PORT);
    out.has[d]! |= Has.PORTS;
  }
  if (clipped && off + UdpField.HEADER_LEN > end) return DecodeStatus.Ok;
  const st = out.room(off, UdpField.HEADER_LEN, end, Reason.UDP_CUT, Reason.UDP_TOO_SHORT);
  if (st !== DecodeStatus.Ok) return st;

  const length = u16(buf, off + UdpField.LENGTH);
  out.udpLength[d] = length;
  out.has[d]! |= Has.UDP;
  let udpEnd: number;
  if (length === 0) {
    // Jumbogram (RFC 2675) or a GSO capture: the IP layer gives the length.
    udpEnd = end;
    out.state[d]! |= State.LENGTH_FROM_FRAME;
  } else {
    if (length < UdpField.HEADER_LEN) return out.fail(Reason.UDP_BAD_LENGTH, off);
    udpEnd = off + length;
    if (udpEnd > end) {
      if (!clipped) return out.fail(Reason.UDP_LENGTH_GT_IP, off);
      udpEnd = end;
    }
  }
  out.state[d]! |= State.L4_HEADER_COMPLETE;
  const payload = off + UdpField.HEADER_LEN;
  out.setPayload(payload, udpEnd);
  if ((out.srcPort[d] === DNS_PORT || out.dstPort[d] === DNS_PORT) && payload + 2 <= udpEnd && payload + 2 <= out.capEnd) {
    out.dnsId[d] = u16(buf, payload);
    out.has[d]! |= Has.DNS_ID;
  }
  // A clipped datagram (quote, first fragment) does not hold a whole inner packet.
  if (clipped) return DecodeStatus.Ok;
  const ports = out.udpPortKinds;
  let kind = ports[out.dstPort[d]!]!;
  if (kind === UdpPortKind.NONE && ports[out.srcPort[d]!] === UdpPortKind.WIREGUARD) kind = UdpPortKind.WIREGUARD;
  switch (kind) {
    case UdpPortKind.VXLAN:
      return out.next(Next.VXLAN, payload, udpEnd);
    case UdpPortKind.GENEVE:
      return out.next(Next.GENEVE, payload, udpEnd);
    case UdpPortKind.WIREGUARD:
      return out.next(Next.WIREGUARD, payload, udpEnd);
    case UdpPortKind.IP_IN_UDP:
      return out.next(Next.IP_IN_UDP, payload, udpEnd);
  }
  return DecodeStatus.Ok;
}
