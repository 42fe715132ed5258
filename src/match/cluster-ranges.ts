// Which addresses are internal to the cluster (pod networks, service IPs), learned from the
// nodes' own snapshots, so that an internal address seen at a capture point outside the cluster
// — a missing MASQUERADE, a pod IP reaching the partner — is flagged as a leak.

import { formatPrefix, type IpPrefix, parsePrefix, prefixContains, prefixNetwork } from '../net/address.js';
import type { IptablesDump } from '../netfilter/index.js';
import type { InterfaceList, RouteTable } from '../route/index.js';

export interface ClusterRange {
  prefix: IpPrefix;
  /** What said so: "node1: cni0 address", "node1: route via flannel.1", "node1: KUBE-SERVICES rule 3". */
  evidence: string;
}

/** Bridges that carry pod veths, and tunnel devices of pod overlays. */
const OVERLAY_KINDS = new Set(['vxlan', 'geneve', 'ipip', 'wireguard']);

export function rangesFromInterfaces(host: string, list: InterfaceList): ClusterRange[] {
  const ranges: ClusterRange[] = [];
  const bridgesWithPods = new Set(list.interfaces.filter((i) => i.master !== null && (i.details?.kind === 'veth' || i.peerIndex !== null)).map((i) => i.master!));
  for (const iface of list.interfaces) {
    if (!bridgesWithPods.has(iface.name)) continue;
    for (const a of iface.addresses) {
      if (a.scope !== 'global') continue;
      ranges.push({ prefix: prefixNetwork({ address: a.address, length: a.prefixLength }), evidence: `${host}: ${iface.name} (pod bridge) address` });
    }
  }
  return ranges;
}

export function rangesFromRoutes(host: string, table: RouteTable, overlayDevices: Set<string>): ClusterRange[] {
  const ranges: ClusterRange[] = [];
  for (const route of table.routes) {
    if (route.type !== 'unicast' || route.destination.length === 0 || isLinkScoped(route.destination)) continue;
    const dev = route.nexthops.find((n) => n.dev !== null && overlayDevices.has(n.dev))?.dev;
    if (dev !== undefined) ranges.push({ prefix: route.destination, evidence: `${host}: route ${formatPrefix(route.destination)} dev ${dev}` });
  }
  return ranges;
}

/** ClusterIPs (KUBE-SERVICES destinations) and the pod network flannel masquerades from. */
export function rangesFromIptables(host: string, dump: IptablesDump): ClusterRange[] {
  const ranges: ClusterRange[] = [];
  const nat = dump.tables.find((t) => t.name === 'nat');
  for (const chain of nat?.chains ?? []) {
    const services = chain.name === 'KUBE-SERVICES';
    const flannel = chain.name.startsWith('FLANNEL-POSTRTG');
    if (!services && !flannel) continue;
    for (const rule of chain.rules) {
      for (const m of rule.matches) {
        if ((m.kind !== 'destination' && m.kind !== 'source') || m.negated) continue;
        if (m.kind !== (services ? 'destination' : 'source')) continue;
        for (const prefix of m.prefixes) ranges.push({ prefix, evidence: `${host}: ${rule.source.file}:${rule.source.line} (${chain.name})` });
      }
    }
  }
  return ranges;
}

// Every interface has fe80::/64 (and may have 169.254/16): those say nothing about the cluster.
const LINK_SCOPED = ['fe80::/10', '169.254.0.0/16', 'ff00::/8', '224.0.0.0/4'].map((p) => parsePrefix(p)!);

function isLinkScoped(prefix: IpPrefix): boolean {
  return LINK_SCOPED.some((scope) => scope.length <= prefix.length && prefixContains(scope, prefix.address));
}

/** Overlay devices per `ip -d link`; without details, flannel's own device names. */
export function overlayDevices(list: InterfaceList): Set<string> {
  return new Set(
    list.interfaces
      .filter((i) => (i.details !== null ? OVERLAY_KINDS.has(i.details.kind) : /^flannel[.-]/.test(i.name)))
      .map((i) => i.name),
  );
}
