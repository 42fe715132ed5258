// A cluster-internal address (pod network, ClusterIP) seen at a capture point outside the cluster
// means a translation that should have happened did not — a missing MASQUERADE, a routed pod
// network — and the partner sees (or answers) an address it cannot whitelist or reach.

import { formatPrefix, parseIpAddress, prefixContains } from '../net/address.js';
import type { Flow, Leak } from './flow-model.js';
import type { ClusterRange } from './cluster-ranges.js';
import { addressOf } from './endpoint-text.js';
import type { HostKnowledge } from './host-knowledge.js';

export function findLeaks(flow: Flow, hosts: HostKnowledge[]): Leak[] {
  const ranges: ClusterRange[] = hosts.flatMap((h) => h.clusterRanges);
  if (ranges.length === 0) return [];
  const leaks: Leak[] = [];
  for (const leg of flow.legs) {
    const host = hosts.find((h) => h.name === leg.host);
    // Only hosts known to be outside: their snapshots were read and show nothing of the cluster.
    if (host === undefined || !host.knowsAddresses || host.clusterRanges.length > 0) continue;
    for (const hop of leg.hops) {
      for (const field of ['src', 'dst'] as const) {
        const address = addressOf(hop[field]);
        const parsed = parseIpAddress(address);
        if (parsed === null) continue;
        const range = ranges.find((r) => prefixContains(r.prefix, parsed));
        if (range === undefined) continue;
        leaks.push({
          host: leg.host,
          interface: hop.interface,
          field,
          address,
          range: formatPrefix(range.prefix),
          evidence: range.evidence,
          description: `cluster-internal ${field === 'src' ? 'source' : 'destination'} ${address} (in ${formatPrefix(range.prefix)}, ${range.evidence}) seen outside the cluster at ${leg.host}:${hop.interface}`,
        });
      }
    }
  }
  return leaks;
}
