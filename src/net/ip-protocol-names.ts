// The one table of IP protocol numbers (IANA "Assigned Internet Protocol Numbers") and the words
// for them. Readers of iptables-save, nft, ipset and ip rule all turn a protocol word into its
// number here, the way the tools themselves do: getprotobyname() on /etc/protocols (Debian's
// netbase and Red Hat's setup spell some differently: both are accepted, and so are the aliases
// column's words, which getprotobyname() matches too) plus the few spellings a
// tool adds of its own (iptables' and ipset's `icmpv6`, iptables' `mh`). Summaries show a short,
// familiar name for the protocols seen on hosts in practice (tcpdump's `ipip` for 4), else the number.

interface IpProtocol {
  number: number;
  /** /etc/protocols' name: what getprotobynumber() returns, so what iptables-save, nft and ip rule print. */
  name: string;
  /** Other spellings the tools accept for the same number. */
  aliases: readonly string[];
  /** What natpath's summaries call it; null: they show the number. */
  shown: string | null;
}

function p(number: number, name: string, aliases: readonly string[] = [], shown: string | null = null): IpProtocol {
  return { number, name, aliases, shown };
}

const IP_PROTOCOLS: readonly IpProtocol[] = [
  p(0, 'ip', ['hopopt']),
  p(1, 'icmp', [], 'icmp'),
  p(2, 'igmp', [], 'igmp'),
  p(3, 'ggp'),
  // Debian: ipencap; Red Hat: ipv4. `ipip` is 94 in both files, though tcpdump shows 4 as IPIP.
  p(4, 'ipencap', ['ipv4', 'ip-encap'], 'ipip'),
  p(5, 'st'),
  p(6, 'tcp', [], 'tcp'),
  p(8, 'egp'),
  p(9, 'igp'),
  p(12, 'pup'),
  p(17, 'udp', [], 'udp'),
  p(20, 'hmp'),
  // `idp`, `tp`, `mtp`, `comp`, `mpls`: older netbase spellings nft dumps were seen to print.
  p(22, 'xns-idp', ['idp']),
  p(27, 'rdp'),
  p(29, 'iso-tp4', ['tp']),
  p(33, 'dccp'),
  p(36, 'xtp'),
  p(37, 'ddp'),
  p(38, 'idpr-cmtp'),
  p(41, 'ipv6', [], 'ipv6'),
  p(43, 'ipv6-route'),
  p(44, 'ipv6-frag'),
  p(45, 'idrp'),
  p(46, 'rsvp', [], 'rsvp'),
  p(47, 'gre', [], 'gre'),
  p(50, 'esp', ['ipsec-esp'], 'esp'),
  p(51, 'ah', ['ipsec-ah'], 'ah'),
  p(57, 'skip'),
  p(58, 'ipv6-icmp', ['icmpv6'], 'icmpv6'),
  p(59, 'ipv6-nonxt'),
  p(60, 'ipv6-opts'),
  p(73, 'rspf', ['cphb']),
  p(81, 'vmtp'),
  p(88, 'eigrp'),
  p(89, 'ospf', ['ospfigp'], 'ospf'),
  p(92, 'mtp'),
  p(93, 'ax.25'),
  p(94, 'ipip'),
  p(97, 'etherip'),
  p(98, 'encap'),
  p(103, 'pim', [], 'pim'),
  p(108, 'ipcomp', ['comp']),
  p(112, 'vrrp', [], 'vrrp'),
  p(115, 'l2tp', [], 'l2tp'),
  p(124, 'isis'),
  p(132, 'sctp', [], 'sctp'),
  p(133, 'fc'),
  p(135, 'mobility-header', ['mh', 'ipv6-mh']),
  p(136, 'udplite', [], 'udplite'),
  p(137, 'mpls-in-ip', ['mpls']),
  p(138, 'manet'),
  p(139, 'hip'),
  p(140, 'shim6'),
  p(141, 'wesp'),
  p(142, 'rohc'),
  p(143, 'ethernet'),
];

const BY_WORD: ReadonlyMap<string, number> = new Map(IP_PROTOCOLS.flatMap((e) => [e.name, ...e.aliases].map((w) => [w, e.number] as const)));
const SHOWN_BY_NUMBER: ReadonlyMap<number, string> = new Map(IP_PROTOCOLS.flatMap((e) => (e.shown === null ? [] : [[e.number, e.shown] as const])));
const NUMBER_BY_SHOWN: ReadonlyMap<string, number> = new Map([...SHOWN_BY_NUMBER].map(([n, s]) => [s, n] as const));

/**
 * The protocol number a dump or an option means by `word`: a name or alias from the table (any
 * case), or a decimal number 0–255. null: not a protocol word (the caller says so, or compares text).
 */
export function ipProtocolNumber(word: string): number | null {
  if (/^\d{1,3}$/.test(word)) {
    const n = Number(word);
    return n <= 255 ? n : null;
  }
  return BY_WORD.get(word.toLowerCase()) ?? null;
}

/** The short name summaries show ("igmp", not "2"); protocols without one stay their number. */
export function ipProtocolName(proto: number): string {
  return SHOWN_BY_NUMBER.get(proto) ?? String(proto);
}

/** The number behind a name ipProtocolName() shows, for printing both ("igmp (2)"). */
export function shownIpProtocolNumber(shown: string): number | undefined {
  return NUMBER_BY_SHOWN.get(shown);
}
