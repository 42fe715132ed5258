// What natpath knows about a host from its snapshots, in the form the matcher asks for it: does
// this address belong to the host, what is interface index N called. Built from the parsed
// `ip addr` / `ip link` dumps when present; empty (knows nothing) otherwise.

import { formatIpv4 } from '../net/ipv4.js';
import { parseIpAddress } from '../net/address.js';
import { lookupRoute } from '../route/lookup.js';
import type { HostModel } from '../sim/host-model.js';
import type { ClusterRange } from './cluster-ranges.js';
import type { ConntrackSource } from './corroborate-conntrack.js';
import { formatIpv6 } from '../net/ipv6.js';

export interface HostKnowledge {
  name: string;
  /** Whether any snapshot told us the host's addresses. */
  readonly knowsAddresses: boolean;
  ownsAddress(version: number, words: ArrayLike<number>): boolean;
  /** The interface holding this address, or null. */
  interfaceOfAddress(version: number, words: ArrayLike<number>): string | null;
  /** Interface name for a kernel ifindex, or null. */
  interfaceName(ifIndex: number): string | null;
  /** Whether the interface is a veth (a pod's host side), per `ip -d link`/`ip link`. */
  isVeth(name: string): boolean;
  /**
   * The capture points at which a packet toward this address is handed straight to a pod of
   * this host: the address is routed on-link to a pod's veth (one without an address of its
   * own), or to a bridge whose ports are all such veths (then its ports). Empty when the address
   * is not a pod's here or the snapshots do not say.
   */
  podPointsFor(version: number, words: ArrayLike<number>): string[];
  /** The host's `conntrack -L` entries, for corroborating translations. */
  readonly conntrack: ConntrackSource;
  /** Pod networks and service IPs this host's snapshots reveal; empty for hosts outside the cluster. */
  readonly clusterRanges: ClusterRange[];
  /** The simulator's model of the host, to explain translations; null without snapshots. */
  readonly model: HostModel | null;
}

export function addressKey(version: number, words: ArrayLike<number>): string {
  return version === 4 ? formatIpv4(words[0]!) : formatIpv6(words);
}

export class SnapshotHostKnowledge implements HostKnowledge {
  /** Address text → the interface that holds it. */
  private readonly addresses = new Map<string, string>();
  private readonly names = new Map<number, string>();
  private readonly veths = new Set<string>();
  knowsAddresses = false;
  readonly conntrack: ConntrackSource = { entries: [], lines: new Map() };
  readonly clusterRanges: ClusterRange[] = [];
  /** The simulator's model of the host (null until its snapshots are read). */
  model: HostModel | null = null;

  constructor(readonly name: string) {}

  addAddress(text: string, interfaceName: string): void {
    this.addresses.set(text, interfaceName);
    this.knowsAddresses = true;
  }

  addInterface(ifIndex: number, name: string): void {
    this.names.set(ifIndex, name);
  }

  ownsAddress(version: number, words: ArrayLike<number>): boolean {
    return this.addresses.has(addressKey(version, words));
  }

  addVeth(name: string): void {
    this.veths.add(name);
  }

  isVeth(name: string): boolean {
    return this.veths.has(name);
  }

  interfaceOfAddress(version: number, words: ArrayLike<number>): string | null {
    return this.addresses.get(addressKey(version, words)) ?? null;
  }

  podPointsFor(version: number, words: ArrayLike<number>): string[] {
    const model = this.model;
    const dst = parseIpAddress(addressKey(version, words));
    if (model === null || dst === null) return [];
    const routing = model.routing.get(dst.family);
    if (routing === undefined) return [];
    const d = lookupRoute(routing, { family: dst.family, dst, src: null, mark: 0, iif: null, protocol: 'tcp', sport: null, dport: null }, []);
    // On-link only: behind a gateway, something else may still translate.
    if (d.kind !== 'unicast' || d.hops.length !== 1 || d.hops[0]!.hop.via !== null) return [];
    const dev = d.hops[0]!.hop.dev;
    if (dev === null) return [];
    // A pod's host-side veth holds no address of its own; a host's own uplink (a veth too, in
    // kind, k3d and the lab) does, and what it reaches on-link is a neighbour, not a pod.
    const podVeth = (name: string) => this.isVeth(name) && !(model.interfacesByName.get(name)?.addresses.some((a) => a.scope !== 'link' && a.scope !== 'host') ?? true);
    if (podVeth(dev)) return [dev];
    // A pod bridge: every port a pod's veth. The bridge itself is not the pod's side.
    const ports = model.interfaces.filter((i) => i.master === dev);
    return ports.length > 0 && ports.every((i) => podVeth(i.name)) ? ports.map((i) => i.name) : [];
  }

  interfaceName(ifIndex: number): string | null {
    return this.names.get(ifIndex) ?? null;
  }
}
