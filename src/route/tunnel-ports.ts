// Which UDP ports carry tunnels on a host, read from its `ip -d link`: a VXLAN device's `dstport`,
// a Geneve device's `dstport`, and flannel's UDP backend (its TUN device `flannel0`; flannel
// sends its packets to UDP 8285 unless configured otherwise, which `ip link` cannot show).
// Each port comes with the sentence that says where it was read, for the report.

import type { TunnelPorts } from '../decode/index.js';
import type { NetInterface } from './model.js';

/** VXLAN ports the decoder knows without being told (IANA and Linux/flannel). */
const DEFAULT_VXLAN = new Set([4789, 8472]);
const DEFAULT_GENEVE = 6081;
const FLANNEL_UDP_PORT = 8285;

export interface HostTunnelPorts {
  ports: TunnelPorts;
  /** One line per port beyond the defaults: `VXLAN on UDP 20000 (vxlan0, ip -d link)`. */
  notes: string[];
}

export function tunnelPortsOf(interfaces: NetInterface[]): HostTunnelPorts {
  const ports: TunnelPorts = { vxlan: [], geneve: [], ipInUdp: [] };
  const notes: string[] = [];
  const add = (list: number[], port: number, note: string) => {
    if (list.includes(port)) return;
    list.push(port);
    notes.push(note);
  };
  for (const itf of interfaces) {
    const d = itf.details;
    if (d?.kind === 'vxlan' && d.port !== null && d.port > 0 && !DEFAULT_VXLAN.has(d.port)) {
      add(ports.vxlan, d.port, `VXLAN on UDP ${d.port} (${itf.name}: dstport ${d.port})`);
    } else if (d?.kind === 'geneve' && d.port !== null && d.port > 0 && d.port !== DEFAULT_GENEVE) {
      add(ports.geneve, d.port, `Geneve on UDP ${d.port} (${itf.name}: dstport ${d.port})`);
    } else if (itf.name === 'flannel0' && (d === null || (d.kind === 'other' && d.name === 'tun'))) {
      add(ports.ipInUdp, FLANNEL_UDP_PORT, `IP in UDP ${FLANNEL_UDP_PORT} (flannel0 is flannel's UDP backend device; 8285 is its default port)`);
    }
  }
  return { ports, notes };
}
