// What linking knows of every leg of a case (column-wise, by global leg id) and which end of a
// leg that evidence names as the client: shared by linking (link-legs.ts) and the ordering of
// each flow's legs (flow-orderer.ts).

/** What linking needs to know of every leg (global id), column-wise. */
export interface LegFacts {
  host: Uint16Array;
  /** 0 low endpoint opened (TCP SYN, ICMP request or error), 1 high, 2 unknown. */
  opener: Uint8Array;
  /** 0 low endpoint sent first, 1 high. */
  firstSender: Uint8Array;
  /** 0 the host's conntrack records the low endpoint as the original source, 1 the high one, 2 no entry (conntrack-orientation.ts). */
  conntrackClient: Uint8Array;
  /** First packet time on the reference clock. */
  firstTs: Float64Array;
  samples: Uint32Array;
  /** Where the leg was seen (capture file, interface, encapsulation), numbered across the case. */
  point: Int32Array;
  /** The direction recorded for each end's packets (flow/recorded-direction.ts sideWays): orders a host's points that share no packets. */
  ways: Uint8Array;
  /** Whose packets the leg holds: bit 0 the low endpoint's, bit 1 the high one's (a fragment holds one end's only). */
  sent: Uint8Array;
}

/**
 * What decided which end of a flow is the client, strongest first (docs/analyze.md,
 * "Orientation"): a leg saw the TCP handshake (or an ICMP type that says who asked); else a leg's host had a conntrack entry of it;
 * else only which end sent the first captured packet — a guess.
 */
export const OrientedBy = { PROTOCOL: 0, CONNTRACK: 1, FIRST_SENDER: 2 } as const;

/** The strength of the evidence a leg carries on which end is the client: lower is stronger (OrientedBy). */
export function evidenceOf(f: LegFacts, leg: number): number {
  return f.opener[leg] !== 2 ? OrientedBy.PROTOCOL : f.conntrackClient[leg] !== 2 ? OrientedBy.CONNTRACK : OrientedBy.FIRST_SENDER;
}

/** Whether the leg's low endpoint is the client, by the strongest evidence the leg itself carries. */
export function lowIsClient(f: LegFacts, leg: number): boolean {
  const side = f.opener[leg] !== 2 ? f.opener[leg] : f.conntrackClient[leg] !== 2 ? f.conntrackClient[leg] : f.firstSender[leg];
  return side === 0;
}

/** Each leg's pairs, in pair order: pairs of leg L are list[start[L] .. start[L + 1]) (a CSR adjacency, built once), the other leg of each in `other`. */
export interface Incidences {
  start: Int32Array;
  list: Int32Array;
  other: Int32Array;
}
