// Numbers shared by the decoders and the packet view: which decoder runs next, how a nested layer
// was reached (tunnel type), and the per-depth "has" / "state" bits that say which fields are valid.

/** Limits that bound the work per packet (and so guarantee termination on hostile input). */
export const MAX_DEPTH = 5;
export const MAX_VLAN_TAGS = 8;
export const MAX_EXT_HEADERS = 16;
export const MAX_MPLS_LABELS = 16;
export const MAX_HEADERS = 64;
/** Bytes of L4 payload that go into the fingerprint hash. */
export const PAYLOAD_HASH_BYTES = 64;

/** Which decoder the driver calls next (gopacket's NextLayerType). Internal to src/decode. */
export const Next = {
  NONE: 0,
  ETHERNET: 1,
  VLAN: 2,
  LLC: 3,
  SLL: 4,
  SLL2: 5,
  NULL: 6,
  LOOP: 7,
  RAW_IP: 8,
  ARP: 9,
  IPV4: 10,
  IPV6: 11,
  IPV6_EXT: 12,
  AH: 13,
  TCP: 14,
  UDP: 15,
  ICMP: 16,
  ICMPV6: 17,
  GRE: 18,
  VXLAN: 19,
  GENEVE: 20,
  ERSPAN2: 21,
  ERSPAN3: 22,
  WIREGUARD: 23,
  PPPOE: 24,
  MPLS: 25,
  IP_IN_UDP: 26,
  NFLOG: 27,
} as const;

/** How the layer at a depth was reached. Depth 0 is always `NONE` (the capture's link layer). */
export const Tunnel = {
  NONE: 0,
  /** UDP 4789 / 8472 (flannel) or a port the host configured, RFC 7348; encapId = VNI. */
  VXLAN: 1,
  /** UDP 6081, RFC 8926; encapId = VNI, encapProto = protocol type. */
  GENEVE: 2,
  /** IP protocol 47, RFC 2784/2890; encapId = key (if K), encapSeq = sequence (if S), encapProto = protocol type. */
  GRE: 3,
  /** ERSPAN type I/II/III inside GRE; encapId = session id. */
  ERSPAN: 4,
  /** IP protocol 4: IPv4 inside IPv4 ("ipip") or inside IPv6. */
  IPV4_IN_IP: 5,
  /** IP protocol 41: IPv6 inside IPv4 ("6in4", sit) or inside IPv6. */
  IPV6_IN_IP: 6,
  /** The original datagram quoted by an ICMP error (RFC 792); not a flow of its own. */
  ICMP_QUOTE: 7,
  /** The original datagram quoted by an ICMPv6 error (RFC 4443). */
  ICMPV6_QUOTE: 8,
  /** A bare IP packet in UDP (flannel's UDP backend, port 8285 when configured). */
  IP_IN_UDP: 9,
} as const;
export type Tunnel = (typeof Tunnel)[keyof typeof Tunnel];

const TUNNEL_NAMES = ['none', 'vxlan', 'geneve', 'gre', 'erspan', 'ipv4-in-ip', 'ipv6-in-ip', 'icmp-quote', 'icmpv6-quote', 'ip-in-udp'];

/** The decode contract's name of an IP protocol: tcp, udp, icmp, icmpv6, else its number. */
export function protoName(proto: number): string | number {
  switch (proto) {
    case IpProto.TCP:
      return 'tcp';
    case IpProto.UDP:
      return 'udp';
    case IpProto.ICMP:
      return 'icmp';
    case IpProto.ICMPV6:
      return 'icmpv6';
  }
  return proto;
}

export function tunnelName(type: number): string {
  return TUNNEL_NAMES[type] ?? `tunnel-${type}`;
}

/** What a UDP port means to the decoder (per view: `PacketView.udpPortKinds`). */
export const UdpPortKind = {
  NONE: 0,
  VXLAN: 1,
  GENEVE: 2,
  WIREGUARD: 3,
  /** A bare IP packet as the payload (flannel UDP backend). Never a default: only configured ports. */
  IP_IN_UDP: 4,
} as const;

/** Linux packet types (SLL/SLL2 `pkttype`, <linux/if_packet.h>). */
export const SllPacketType = {
  HOST: 0,
  BROADCAST: 1,
  MULTICAST: 2,
  OTHERHOST: 3,
  OUTGOING: 4,
} as const;

/** Bits of `PacketView.has[depth]`: which fields of that depth hold values. */
export const Has = {
  /** ethOff: MAC addresses at ethOff (dst) and ethOff + 6 (src). */
  ETHERNET: 1 << 0,
  /** vlanCount > 0; vlanOuter (and vlanInner when vlanCount > 1). */
  VLAN: 1 << 1,
  /** etherType: the ethertype (or SLL protocol) the link layer announced. */
  ETHERTYPE: 1 << 2,
  /** IPv4 fields: src4, dst4, ipProto, ttl, tos, ipId, totalLen... */
  IPV4: 1 << 3,
  /** IPv6 fields: addr6 words, flowLabel, hop limit (ttl)... */
  IPV6: 1 << 4,
  /** ipId: IPv4 identification, or the IPv6 fragment header identification. */
  IP_ID: 1 << 5,
  /** The IP packet is a fragment (MF set or offset > 0): fragOffset, ipFlags. */
  FRAGMENT: 1 << 6,
  /** l4Proto is the upper-layer protocol after extension headers / AH, l4Off its offset. */
  L4: 1 << 7,
  /** srcPort, dstPort (TCP, UDP). */
  PORTS: 1 << 8,
  TCP_SEQ: 1 << 9,
  /** tcpAck (bytes 8..11 read; meaningful when the ACK flag is set). */
  TCP_ACK: 1 << 10,
  /** tcpFlags, tcpWindow, tcpHeaderLen. */
  TCP_FLAGS: 1 << 11,
  TCP_MSS: 1 << 12,
  TCP_WSCALE: 1 << 13,
  /** tsVal, tsEcr (TCP timestamps option, RFC 7323). */
  TCP_TIMESTAMP: 1 << 14,
  TCP_SACK_PERMITTED: 1 << 15,
  /** udpLength. */
  UDP: 1 << 16,
  /** icmpType, icmpCode (ICMP or ICMPv6 per l4Proto). */
  ICMP: 1 << 17,
  /** icmpId, icmpSeq (echo and the other query messages). */
  ICMP_QUERY: 1 << 18,
  /** icmpMtu: next-hop MTU (ICMP frag needed) or MTU (ICMPv6 packet too big). */
  ICMP_MTU: 1 << 19,
  /** payloadOff, payloadLen, payloadHash, payloadHashLen. */
  PAYLOAD: 1 << 20,
  /** encapId (VNI / GRE key / ERSPAN session) of the tunnel that led to this depth. */
  ENCAP_ID: 1 << 21,
  /** encapSeq (GRE sequence number). */
  ENCAP_SEQ: 1 << 22,
  /** encapProto (GRE / Geneve protocol type). */
  ENCAP_PROTO: 1 << 23,
  /** The UDP payload is WireGuard: wgType, wgIndex. */
  WIREGUARD: 1 << 24,
  /** dnsId: the DNS transaction id (UDP port 53 either way, first 2 payload bytes captured). */
  DNS_ID: 1 << 25,
} as const;

/** Bits of `PacketView.state[depth]`: completeness of that depth. */
export const State = {
  /** The IP header (with options / extension headers) was fully read. */
  IP_HEADER_COMPLETE: 1 << 0,
  /** Every byte the IP length declares was captured. */
  IP_PAYLOAD_COMPLETE: 1 << 1,
  /** The whole L4 header (TCP with options, UDP, ICMP 8 bytes) was read. */
  L4_HEADER_COMPLETE: 1 << 2,
  /** The depth is (inside) a datagram quoted by an ICMP error: lengths exceed the quote by design. */
  QUOTED: 1 << 3,
  /** The L4 data is legitimately partial (ICMP quote, first fragment): L4 lengths are not checked. */
  CLIPPED: 1 << 4,
  /** IP length field was 0 (TSO/GSO capture before segmentation): length taken from the frame. */
  LENGTH_FROM_FRAME: 1 << 5,
  /** IPv4 header carries options (IHL > 5). */
  IP_OPTIONS: 1 << 6,
} as const;

/** Bits of `PacketView.ipFlags[depth]`. */
export const IpFlag = {
  DONT_FRAGMENT: 1 << 0,
  MORE_FRAGMENTS: 1 << 1,
} as const;

/** TCP flag bits as in `tcpFlags` (the 12 bits after the data offset: reserved, AE, CWR ... FIN). */
export const TcpFlag = {
  FIN: 0x001,
  SYN: 0x002,
  RST: 0x004,
  PSH: 0x008,
  ACK: 0x010,
  URG: 0x020,
  ECE: 0x040,
  CWR: 0x080,
  AE: 0x100,
} as const;

/** IP protocol numbers natpath dispatches on (IANA "Assigned Internet Protocol Numbers"). */
export const IpProto = {
  HOPOPT: 0,
  ICMP: 1,
  IPV4: 4,
  TCP: 6,
  UDP: 17,
  IPV6: 41,
  IPV6_ROUTE: 43,
  IPV6_FRAG: 44,
  GRE: 47,
  ESP: 50,
  AH: 51,
  ICMPV6: 58,
  IPV6_NONXT: 59,
  IPV6_OPTS: 60,
} as const;

/** Ethertypes natpath dispatches on (IEEE registry). */
export const EtherType = {
  IPV4: 0x0800,
  ARP: 0x0806,
  TEB: 0x6558,
  RARP: 0x8035,
  VLAN: 0x8100,
  IPV6: 0x86dd,
  QINQ: 0x88a8,
  QINQ_OLD: 0x9100,
  ERSPAN2: 0x88be,
  ERSPAN3: 0x22eb,
  PPPOE_SESSION: 0x8864,
  WCCP: 0x883e,
  MPLS_UNICAST: 0x8847,
  MPLS_MULTICAST: 0x8848,
} as const;
