// A bare IP packet as the whole UDP payload: flannel's UDP backend (port 8285) reads packets off
// its TUN device and sends each one in a datagram, with no header of its own. Only ports the user
// or the host's own configuration names are decoded this way.
//
// +----------------+----------------------------------------------+
// | UDP header (8) | IPv4 or IPv6 packet (version nibble decides) |
// +----------------+----------------------------------------------+

import { Next, Tunnel } from './layers.js';
import type { PacketView } from './packet-view.js';
import { DecodeStatus } from './status.js';

export function decodeIpInUdp(buf: Uint8Array, off: number, end: number, out: PacketView): DecodeStatus {
  void buf;
  const st = out.enterTunnel(Tunnel.IP_IN_UDP, off);
  if (st !== DecodeStatus.Ok) return st;
  return out.next(Next.RAW_IP, off, end);
}
