// The UDP ports a capture's tunnels use, beyond the defaults every view knows (VXLAN 4789 and
// 8472, Geneve 6081): from `decode --vxlan-port` & co., or from the host's own `ip -d link`. They
// are written once into the view's port table before the first packet, so the per-packet lookup
// stays one typed-array read.

import { UdpPortKind } from './layers.js';
import type { PacketView } from './packet-view.js';

export interface TunnelPorts {
  vxlan: number[];
  geneve: number[];
  /** A bare IP packet as the UDP payload: flannel's UDP backend (8285 by default). */
  ipInUdp: number[];
}

export function applyTunnelPorts(view: PacketView, ports: TunnelPorts): void {
  for (const p of ports.vxlan) view.setUdpPortKind(p, UdpPortKind.VXLAN);
  for (const p of ports.geneve) view.setUdpPortKind(p, UdpPortKind.GENEVE);
  for (const p of ports.ipInUdp) view.setUdpPortKind(p, UdpPortKind.IP_IN_UDP);
}
