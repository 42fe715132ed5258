// Decode outcomes: a status (what kind of problem) and a reason code (which one, where).
//
// Every reason has exactly one status, fixed in REASON_TABLE, so a reason code alone tells a
// caller what happened. The naming rule keeps the two apart (gopacket's "truncated" vs "invalid"):
//   *_CUT        Truncated  – the capture stopped (snaplen) before bytes the headers declare;
//   anything else Malformed  – the bytes contradict themselves (a header longer than the length
//                              the enclosing header declares, a length field too small, bad flags);
//   *_UNSUPPORTED Unsupported – valid-looking input natpath does not decode (link type, version).
// A few Malformed reasons are "soft": the decoder records them and keeps going within the bytes
// the enclosing layer has (an IP length larger than the frame), as tshark and the kernel's
// length-trimming do; fields decoded after them are valid, the status stays Malformed.
// Codes are positions in REASON_TABLE: append new reasons at the end so numbers stay stable.

export const DecodeStatus = {
  /** Every header natpath decodes was read and every declared byte was captured. */
  Ok: 0,
  /** The capture cut the packet: fields read before the cut are valid, see the per-layer state bits. */
  Truncated: 1,
  /** The packet contradicts itself; fields read before the problem are valid. */
  Malformed: 2,
  /** Not decodable by natpath (link type, protocol version); fields read before are valid. */
  Unsupported: 3,
} as const;
export type DecodeStatus = (typeof DecodeStatus)[keyof typeof DecodeStatus];

const { Ok, Truncated, Malformed, Unsupported } = DecodeStatus;

export const STATUS_NAMES: readonly string[] = ['ok', 'truncated', 'malformed', 'unsupported'];

// [name, status, what it means]. The single source for the Reason codes, their status and docs.
const REASON_TABLE = [
  ['NONE', Ok, 'no problem'],
  ['PAYLOAD_CUT', Truncated, 'all headers were read, but the capture holds fewer payload bytes than the IP/UDP lengths declare'],
  ['LINK_TYPE_UNSUPPORTED', Unsupported, 'the capture link type is not one natpath decodes'],
  ['TOO_MANY_LAYERS', Unsupported, 'tunnels nested deeper than MAX_DEPTH IP layers'],
  ['TOO_MANY_HEADERS', Malformed, 'more than MAX_HEADERS headers in one packet (header loop guard)'],
  ['ETH_CUT', Truncated, 'Ethernet header (14 bytes) cut by the capture'],
  ['ETH_TOO_SHORT', Malformed, 'an encapsulated Ethernet frame is shorter than its 14-byte header'],
  ['VLAN_CUT', Truncated, '802.1Q/802.1ad tag cut by the capture'],
  ['VLAN_TOO_SHORT', Malformed, 'no room for the 4-byte 802.1Q tag inside the enclosing frame'],
  ['VLAN_TOO_MANY_TAGS', Malformed, 'more than MAX_VLAN_TAGS stacked VLAN tags'],
  ['LLC_CUT', Truncated, '802.2 LLC/SNAP header cut by the capture'],
  ['LLC_TOO_SHORT', Malformed, 'the 802.3 length field leaves no room for the LLC/SNAP header'],
  ['SLL_CUT', Truncated, 'Linux cooked v1 header (16 bytes) cut by the capture'],
  ['SLL2_CUT', Truncated, 'Linux cooked v2 header (20 bytes) cut by the capture'],
  ['NULL_CUT', Truncated, 'BSD loopback header (4 bytes) cut by the capture'],
  ['NULL_FAMILY_UNSUPPORTED', Unsupported, 'BSD loopback address family is neither IPv4 nor a known IPv6 value'],
  ['NFLOG_CUT', Truncated, 'NFLOG header (4 bytes) cut by the capture'],
  ['NFLOG_BAD_TLV', Malformed, 'an NFLOG TLV is shorter than its own 4-byte header'],
  ['NFLOG_NO_PAYLOAD', Unsupported, 'an NFLOG record without the packet (the rule copied no bytes: --nflog-size 0 or copy mode meta)'],
  ['RAW_CUT', Truncated, 'raw-IP frame with no byte to read the IP version from'],
  ['RAW_BAD_VERSION', Malformed, 'raw-IP frame whose version nibble is neither 4 nor 6'],
  ['ARP_CUT', Truncated, 'ARP header or addresses cut by the capture'],
  ['ARP_TOO_SHORT', Malformed, 'ARP addresses do not fit in the enclosing frame'],
  ['IPV4_CUT', Truncated, 'IPv4 header (fixed part or options) cut by the capture'],
  ['IPV4_TOO_SHORT', Malformed, 'the IPv4 header does not fit in the enclosing frame or tunnel payload'],
  ['IPV4_BAD_VERSION', Malformed, 'IPv4 version field is not 4'],
  ['IPV4_BAD_IHL', Malformed, 'IPv4 header length (IHL) below 5 words'],
  ['IPV4_TOTAL_LEN_LT_IHL', Malformed, 'IPv4 total length smaller than the header length'],
  ['IPV4_TOTAL_LEN_GT_ENCLOSING', Malformed, 'IPv4 total length larger than the enclosing frame or tunnel payload'],
  ['IPV6_CUT', Truncated, 'IPv6 fixed header (40 bytes) cut by the capture'],
  ['IPV6_TOO_SHORT', Malformed, 'the IPv6 header does not fit in the enclosing frame or tunnel payload'],
  ['IPV6_BAD_VERSION', Malformed, 'IPv6 version field is not 6'],
  ['IPV6_PAYLOAD_LEN_GT_ENCLOSING', Malformed, 'IPv6 payload length larger than the enclosing frame or tunnel payload'],
  ['IPV6_EXT_CUT', Truncated, 'an IPv6 extension header cut by the capture'],
  ['IPV6_EXT_OVERFLOW', Malformed, 'an IPv6 extension header runs past the IPv6 payload length'],
  ['IPV6_TOO_MANY_EXT', Malformed, 'more than MAX_EXT_HEADERS IPv6 extension headers'],
  ['AH_CUT', Truncated, 'IP Authentication Header cut by the capture'],
  ['AH_OVERFLOW', Malformed, 'IP Authentication Header runs past the IP payload'],
  ['TCP_CUT', Truncated, 'TCP header or options cut by the capture'],
  ['TCP_TOO_SHORT', Malformed, 'the IP payload is shorter than the 20-byte TCP header'],
  ['TCP_BAD_DATA_OFFSET', Malformed, 'TCP data offset below 5 words'],
  ['TCP_HEADER_GT_SEGMENT', Malformed, 'TCP data offset points past the end of the IP payload'],
  ['TCP_BAD_OPTION_LEN', Malformed, 'a TCP option length is below 2 or runs past the TCP header'],
  ['UDP_CUT', Truncated, 'UDP header (8 bytes) cut by the capture'],
  ['UDP_TOO_SHORT', Malformed, 'the IP payload is shorter than the 8-byte UDP header'],
  ['UDP_BAD_LENGTH', Malformed, 'UDP length field below 8'],
  ['UDP_LENGTH_GT_IP', Malformed, 'UDP length larger than the IP payload'],
  ['ICMP_CUT', Truncated, 'ICMP header (8 bytes) cut by the capture'],
  ['ICMP_TOO_SHORT', Malformed, 'the IP payload is shorter than the 8-byte ICMP header'],
  ['ICMPV6_CUT', Truncated, 'ICMPv6 header (8 bytes) cut by the capture'],
  ['ICMPV6_TOO_SHORT', Malformed, 'the IP payload is shorter than the 8-byte ICMPv6 header'],
  ['GRE_CUT', Truncated, 'GRE header (with its optional fields) cut by the capture'],
  ['GRE_TOO_SHORT', Malformed, 'the GRE header and the optional fields its flags announce do not fit in the IP payload'],
  ['GRE_VERSION_UNSUPPORTED', Unsupported, 'GRE version other than 0 (1 is PPTP enhanced GRE)'],
  ['GRE_BAD_ROUTING', Malformed, 'GRE (RFC 1701) source route entries run past the IP payload'],
  ['VXLAN_CUT', Truncated, 'VXLAN header (8 bytes) cut by the capture'],
  ['VXLAN_TOO_SHORT', Malformed, 'the UDP payload is shorter than the 8-byte VXLAN header'],
  ['VXLAN_BAD_FLAGS', Malformed, 'VXLAN I flag (valid VNI) not set'],
  ['GENEVE_CUT', Truncated, 'Geneve header or options cut by the capture'],
  ['GENEVE_TOO_SHORT', Malformed, 'the UDP payload is shorter than the 8-byte Geneve header'],
  ['GENEVE_OPTIONS_OVERFLOW', Malformed, 'Geneve option length runs past the UDP payload'],
  ['GENEVE_VERSION_UNSUPPORTED', Unsupported, 'Geneve version other than 0'],
  ['ERSPAN_CUT', Truncated, 'ERSPAN header cut by the capture'],
  ['ERSPAN_TOO_SHORT', Malformed, 'the GRE payload is shorter than the ERSPAN header'],
  ['ERSPAN_VERSION_UNSUPPORTED', Unsupported, 'ERSPAN version/frame type natpath does not decode'],
  ['PPPOE_CUT', Truncated, 'PPPoE session header or PPP protocol field cut by the capture'],
  ['PPPOE_TOO_SHORT', Malformed, 'no room for the PPPoE session header and PPP protocol field'],
  ['MPLS_CUT', Truncated, 'MPLS label stack cut by the capture'],
  ['MPLS_TOO_SHORT', Malformed, 'the MPLS label stack runs past the enclosing frame'],
  ['MPLS_TOO_MANY_LABELS', Malformed, 'more than MAX_MPLS_LABELS labels without bottom-of-stack'],
  ['NULL_PPP_UNSUPPORTED', Unsupported, 'BSD loopback frame that holds PPP in HDLC framing (FF 03)'],
] as const;

type ReasonName = (typeof REASON_TABLE)[number][0];

/** Reason codes by name, e.g. `Reason.IPV4_BAD_IHL`. */
export const Reason = Object.freeze(
  Object.fromEntries(REASON_TABLE.map(([name], code) => [name, code])) as { readonly [K in ReasonName]: number },
);

export const REASON_COUNT = REASON_TABLE.length;

const REASON_STATUS = Uint8Array.from(REASON_TABLE, ([, status]) => status);

/** The status a reason code always comes with (Ok for unknown codes). */
export function reasonStatus(code: number): DecodeStatus {
  return (REASON_STATUS[code] ?? Ok) as DecodeStatus;
}

/** Reason name for reports, e.g. `IPV4_BAD_IHL`. Not for the per-packet path. */
export function reasonName(code: number): string {
  return REASON_TABLE[code]?.[0] ?? `REASON_${code}`;
}

export function statusName(status: number): string {
  return STATUS_NAMES[status] ?? `status-${status}`;
}

/** Every reason as data (for docs and reports). */
export function listReasons(): Array<{ code: number; name: string; status: string; text: string }> {
  return REASON_TABLE.map(([name, status, text], code) => ({ code, name, status: statusName(status), text }));
}
