// The `natpath inspect` facts of an IPVS listing: services per protocol and their real servers.

import type { IpvsTable } from './model.js';

export interface IpvsSummary {
  services: number;
  realServers: number;
  byProtocol: Array<{ protocol: string; services: number }>;
  /** Services with no real server: traffic to them is dropped (or rejected) by IPVS. */
  servicesWithoutRealServers: number;
  persistentServices: number;
}

export function summarizeIpvs(table: IpvsTable): IpvsSummary {
  const byProtocol = new Map<string, number>();
  for (const s of table.services) byProtocol.set(s.protocol, (byProtocol.get(s.protocol) ?? 0) + 1);
  return {
    services: table.services.length,
    realServers: table.services.reduce((n, s) => n + s.realServers.length, 0),
    byProtocol: [...byProtocol].map(([protocol, services]) => ({ protocol, services })),
    servicesWithoutRealServers: table.services.filter((s) => s.realServers.length === 0).length,
    persistentServices: table.services.filter((s) => s.persistentSeconds !== null).length,
  };
}
