// The `conntrack -L` model. Each entry holds the original tuple (as the first packet was seen)
// and the reply tuple (what a reply must look like). When the two are not mirror images the
// kernel NAT'd the connection: that is recorded evidence of a translation.

import type { Family, IpAddress } from '../net/address.js';

export interface ConntrackTuple {
  src: IpAddress;
  dst: IpAddress;
  /** TCP/UDP/SCTP/DCCP ports; null for other protocols. */
  sport: number | null;
  dport: number | null;
  /** ICMP / ICMPv6 type, code and id; null for other protocols. */
  icmp: { type: number; code: number; id: number } | null;
  /** With `conntrack -L -o extended` or accounting on. */
  packets: number | null;
  bytes: number | null;
  /** Per-direction zone (`zone-orig=`/`zone-reply=`), rarely set. */
  zone: number | null;
  /** Other key=value pairs of this tuple (GRE keys, …). */
  extra: Record<string, string>;
}

export interface Endpoint {
  address: IpAddress;
  port: number | null;
}

export interface ConntrackEntry {
  family: Family;
  protocol: string;
  protocolNumber: number;
  timeoutSeconds: number;
  /** TCP state (ESTABLISHED, SYN_SENT, TIME_WAIT, …); null for protocols without one. */
  state: string | null;
  original: ConntrackTuple;
  reply: ConntrackTuple;
  /** ASSURED, UNREPLIED, OFFLOAD, HW_OFFLOAD, … without brackets. */
  flags: string[];
  mark: number | null;
  zone: number | null;
  use: number | null;
  /** The source was translated: the reply is addressed to something other than the original source. */
  snat: boolean;
  /** The destination was translated: the reply comes from something other than the original destination. */
  dnat: boolean;
  /** The source the far end sees (reply tuple's destination). */
  translatedSource: Endpoint;
  /** Where the connection really goes (reply tuple's source). */
  translatedDestination: Endpoint;
  source: { file: string; line: number };
}

export interface ConntrackTable {
  entries: ConntrackEntry[];
  /** The count from conntrack's summary line ("N flow entries have been shown"), when present. */
  reportedCount: number | null;
}
