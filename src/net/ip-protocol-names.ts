// Names of IP protocol numbers for summaries (IANA "Assigned Internet Protocol Numbers"): a person
// reads "igmp", not "2". Only what is seen on hosts in practice; anything else stays a number.

const NAMES: Record<number, string> = {
  1: 'icmp', 2: 'igmp', 4: 'ipip', 6: 'tcp', 17: 'udp', 41: 'ipv6', 46: 'rsvp', 47: 'gre', 50: 'esp',
  51: 'ah', 58: 'icmpv6', 89: 'ospf', 103: 'pim', 112: 'vrrp', 115: 'l2tp', 132: 'sctp', 136: 'udplite',
};

export function ipProtocolName(proto: number): string {
  return NAMES[proto] ?? String(proto);
}

/** Name → number, for showing both. */
export const IP_PROTOCOL_NUMBERS: ReadonlyMap<string, number> = new Map(Object.entries(NAMES).map(([n, name]) => [name, Number(n)] as const));
