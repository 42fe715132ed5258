// What natpath knows about a host from its snapshots, in the form the matcher asks for it: does
// this address belong to the host, what is interface index N called. Built from the parsed
// `ip addr` / `ip link` dumps when present; empty (knows nothing) otherwise.

import { formatIpv4 } from '../net/ipv4.js';
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

  interfaceName(ifIndex: number): string | null {
    return this.names.get(ifIndex) ?? null;
  }
}
