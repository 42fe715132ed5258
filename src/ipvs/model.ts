// IPVS virtual services as `ipvsadm -Ln` lists them (kube-proxy's IPVS mode): each service
// (protocol, virtual address and port, or a firewall mark) with its scheduler and real servers.

import type { IpAddress } from '../net/address.js';

export interface IpvsRealServer {
  address: IpAddress;
  port: number;
  /** `Masq` (NAT), `Route` (direct routing), `Tunnel` (IPIP), `Local`; null in `--persistent-conn` listings. */
  forward: string | null;
  weight: number;
  activeConnections: number;
  inactiveConnections: number;
  source: { file: string; line: number };
}

export interface IpvsService {
  protocol: 'TCP' | 'UDP' | 'SCTP' | 'FWM';
  /** null for a firewall-mark service. */
  address: IpAddress | null;
  port: number | null;
  fwmark: number | null;
  scheduler: string;
  /** Session affinity (`persistent N`): the timeout in seconds. */
  persistentSeconds: number | null;
  /** Other flags after the scheduler (`ops`, `sh-port`, …) as written. */
  flags: string[];
  realServers: IpvsRealServer[];
  source: { file: string; line: number };
}

export interface IpvsTable {
  services: IpvsService[];
}
