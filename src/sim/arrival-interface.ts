// Where a packet from a given source arrives when the user did not say (`trace --from ADDR` without
// --in): the interface the host's own routes would send a reply to that address out of — the
// kernel's reverse-path view (a pod's address is on cni0's subnet, so the pod's packets come in on
// cni0). Only a single-interface unicast route decides; anything else stays "unknown".

import { formatIpAddress, formatPrefix, type IpAddress } from '../net/address.js';
import { lookupRoute } from '../route/lookup.js';
import { isLocalAddress, type HostModel } from './host-model.js';

export interface ArrivalInterface {
  name: string;
  /** Why: the route that points back at the source, for the report's notes. */
  because: string;
}

export function findArrivalInterface(host: HostModel, src: IpAddress, protocol: string): ArrivalInterface | null {
  if (isLocalAddress(host, src) !== false) return null;
  const rt = host.routing.get(src.family);
  if (rt === undefined) return null;
  const d = lookupRoute(rt, { family: src.family, dst: src, src: null, mark: 0, iif: 'lo', protocol, sport: null, dport: null }, []);
  if (d.kind !== 'unicast' || d.hops.length !== 1) return null;
  const dev = d.hops[0]!.hop.dev;
  if (dev === null) return null;
  return {
    name: dev,
    because: `${formatIpAddress(src)} is reached through ${dev} (route ${formatPrefix(d.route.destination)} dev ${dev}${d.route.table === 'main' ? '' : `, table ${d.route.table}`}): the packet is taken as arriving on ${dev} (--in IF to say otherwise)`,
  };
}
