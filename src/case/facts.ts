// The facts `natpath inspect` shows for one recognised file: a capture's format, link types,
// interfaces and time span; a snapshot's parser summary, tagged with the kind of snapshot.

import type { ConntrackSummary } from '../conntrack/index.js';
import type { IpsetSummary } from '../ipset/index.js';
import type { IpvsSummary } from '../ipvs/index.js';
import type { IptablesSummary } from '../netfilter/index.js';
import type { NftSummary } from '../nftables/summarize.js';
import type { InterfacesSummary, RoutesSummary, RulesSummary } from '../route/index.js';

export interface CaptureFacts {
  type: 'capture';
  format: 'pcap' | 'pcapng';
  compression: 'gzip' | null;
  timestampPrecision: string;
  linkTypes: Array<{ code: number; name: string; packets: number }>;
  interfaces: Array<{ id: number; name: string | null; linkType: string; packets: number }>;
  packets: number;
  capturedBytes: number;
  wireBytes: number;
  truncatedPackets: number;
  /** Epoch seconds as decimal strings with the file's full precision; null with no timestamped packet. */
  firstTimestamp: string | null;
  lastTimestamp: string | null;
  durationSeconds: number | null;
  complete: boolean;
}

// A snapshot's facts are its parser's summary, tagged with what kind of snapshot it is.
export type IptablesFacts = { type: 'iptables' } & IptablesSummary;
export type RoutesFacts = { type: 'routes' } & RoutesSummary;
export type RulesFacts = { type: 'rules' } & RulesSummary;
export type InterfacesFacts = { type: 'interfaces' } & InterfacesSummary;
export type ConntrackFacts = { type: 'conntrack' } & ConntrackSummary;
export type NftablesFacts = { type: 'nftables' } & NftSummary;
export type IpsetFacts = { type: 'ipset' } & IpsetSummary;
export type IpvsFacts = { type: 'ipvs' } & IpvsSummary;

/** `host-info.txt` written by `natpath collect`: host name, kernel, namespace, time, limits, in file order. */
export interface HostInfoFacts {
  type: 'host-info';
  entries: Array<{ key: string; value: string }>;
}

export type FileFacts = CaptureFacts | IptablesFacts | RoutesFacts | RulesFacts | InterfacesFacts | ConntrackFacts | IpsetFacts | IpvsFacts | NftablesFacts | HostInfoFacts;
