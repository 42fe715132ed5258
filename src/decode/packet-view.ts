// The reusable packet view (gopacket's DecodingLayerParser idea): made once, filled in place by
// `decodePacket` for every packet. Nothing here allocates per packet: every field is a number,
// per-depth fields live in typed arrays indexed by depth, IPv6 addresses are 4 words each in one
// shared Uint32Array.
//
// Depth: 0 is the capture's link layer and the outer IP packet; each tunnel (VXLAN, Geneve, GRE,
// ERSPAN, IP-in-IP) or ICMP-error quote adds one depth. A field at depth d is valid only when its
// `Has` bit is set in `has[d]` (so resetting a depth costs one store, not one per field); the
// accessors below return -1 when it is not.
//
// The "flow depth" is the innermost depth with an IP header that is not an ICMP quote: the
// packet as the application sent it, which is what flows and fingerprints are built from.

import { fmix32i, mix32i, murmur3 } from './fingerprint.js';
import { Has, MAX_DEPTH, Next, PAYLOAD_HASH_BYTES, State, Tunnel, UdpPortKind } from './layers.js';
import { DecodeStatus, REASON_COUNT, Reason, reasonStatus } from './status.js';

const EMPTY = new Uint8Array(0);
/** The declared end used when nothing declares one (origLength unknown): never the limiting bound. */
export const NO_DECLARED_END = 0x7fffffff;

/** Totals over every packet given to a view (not reset per packet). */
export class DecodeCounters {
  packets = 0;
  /** Indexed by DecodeStatus. */
  readonly byStatus = new Uint32Array(4);
  /** Indexed by Reason code. */
  readonly byReason = new Uint32Array(REASON_COUNT);
  /** ARP/RARP packets (at any depth). */
  arp = 0;
  /** Packets whose decoding ended at a non-IP protocol (LLDP, STP, ...), ARP excluded. */
  nonIp = 0;
  /** Packets with at least one tunnel (an ICMP quote does not count). */
  tunnelled = 0;

  reset(): void {
    this.packets = 0;
    this.byStatus.fill(0);
    this.byReason.fill(0);
    this.arp = 0;
    this.nonIp = 0;
    this.tunnelled = 0;
  }
}

export class PacketView {
  // ---- configuration: per view, not per packet ----
  /** UdpPortKind per destination port (WireGuard also by source port). Change with setUdpPortKind. */
  readonly udpPortKinds = new Uint8Array(65536);
  readonly counters = new DecodeCounters();
  /**
   * Decode the common Ethernet/SLL2 → IPv4 → TCP/UDP packets with the fused fast path
   * (fast-path.ts; same result, fewer steps). Off only to test the two paths against each other.
   */
  fastPath = true;

  // ---- the packet ----
  /** The bytes decoded; offsets below are absolute indexes into it. Borrowed, like the record's data. */
  buf: Uint8Array = EMPTY;
  /** Offset of the first byte of the frame. */
  start = 0;
  /** End of the captured bytes (start + capLength): nothing at or past it is read. */
  capEnd = 0;
  /** On-the-wire length, or -1 when the caller did not give it. */
  origLength = -1;
  linkType = -1;

  status: DecodeStatus = DecodeStatus.Ok;
  reason = 0;
  /** Depth and byte offset of the header the reason is about (-1 when status is Ok). */
  reasonDepth = -1;
  reasonOffset = -1;

  /** Depth being decoded; after decodePacket, the innermost depth reached. */
  depth = 0;
  /** Number of depths with something decoded (0 when even the link header failed). */
  depthCount = 0;
  /** Innermost non-quoted depth with an IP header, or -1 (ARP, non-IP, link failure). */
  flowDepth = -1;
  /** Depth of the datagram quoted by an ICMP/ICMPv6 error, or -1. */
  quoteDepth = -1;
  /** Some declared byte was not captured (the driver turns Ok into Truncated/PAYLOAD_CUT). */
  cut = false;

  // ---- capture link layer (depth 0) metadata ----
  /** SLL/SLL2 packet type (SllPacketType), or -1. */
  pktType = -1;
  /** SLL2 / NFLOG interface index, or -1 (none, or one with the top bit set: see ifIndexTopBit). */
  ifIndex = -1;
  /** The record carried an interface index with its top bit set (negative in the specs' signed field): no kernel assigns one. */
  ifIndexTopBit = false;
  /** SLL/SLL2 ARPHRD_ device type, or -1. */
  arphrdType = -1;
  /** SLL/SLL2 link-layer address: offset and length (0..8), or -1 / 0. */
  llAddrOff = -1;
  llAddrLen = 0;
  /** BSD loopback address family as decoded (byte order resolved), or -1. */
  nullFamily = -1;
  /** NFLOG: the group (resource id), and the rule's prefix as bytes in `buf` (offset -1: none). */
  nflogGroup = -1;
  nflogPrefixOff = -1;
  nflogPrefixLen = 0;

  // ---- where decoding ended on something that is not IP ----
  /** The ethertype (or SLL/GRE/Geneve protocol type) that was not decoded further; 0 = 802.3/LLC without SNAP; -1 none. */
  nonIpEtherType = -1;
  nonIpDepth = -1;
  /** ARP: opcode, or -1 when the packet is not ARP. */
  arpOp = -1;
  arpDepth = -1;
  /** ARP sender/target protocol addresses when hardware is Ethernet and protocol IPv4, else -1. */
  arpSenderIp4 = -1;
  arpTargetIp4 = -1;

  // ---- driver plumbing: which decoder runs next, on which bytes ----
  nextLayer: number = Next.NONE;
  nextOff = 0;
  nextEnd = 0;

  // ---- per depth (index: depth) ----
  /** Has bits: which of the fields below hold values at this depth. */
  readonly has = new Uint32Array(MAX_DEPTH);
  /** State bits: completeness of this depth. */
  readonly state = new Uint32Array(MAX_DEPTH);

  /** Tunnel type that led to this depth (Tunnel.NONE at depth 0). */
  readonly encapType = new Uint8Array(MAX_DEPTH);
  /** Offset of the tunnel header (VXLAN, GRE, ...) or of the quote / inner IP header. */
  readonly encapOff = new Int32Array(MAX_DEPTH);
  readonly encapId = new Uint32Array(MAX_DEPTH);
  readonly encapSeq = new Uint32Array(MAX_DEPTH);
  readonly encapProto = new Uint16Array(MAX_DEPTH);

  /** Offset of the Ethernet header: destination MAC at ethOff, source MAC at ethOff + 6. */
  readonly ethOff = new Int32Array(MAX_DEPTH);
  readonly vlanCount = new Uint8Array(MAX_DEPTH);
  /** VLAN IDs (12 bits): outermost tag, second tag. */
  readonly vlanOuter = new Uint16Array(MAX_DEPTH);
  readonly vlanInner = new Uint16Array(MAX_DEPTH);
  readonly etherType = new Uint16Array(MAX_DEPTH);

  /** 4, 6, or 0 (no IP at this depth). */
  readonly ipVersion = new Uint8Array(MAX_DEPTH);
  readonly ipOff = new Int32Array(MAX_DEPTH);
  /** IPv4: IHL × 4. IPv6: 40 (extension headers are between ipOff + 40 and l4Off). */
  readonly ipHeaderLen = new Uint16Array(MAX_DEPTH);
  /** IPv4 total length; IPv6 40 + payload length (as declared, or from the frame if 0). */
  readonly ipTotalLen = new Uint32Array(MAX_DEPTH);
  /** IPv4 protocol field; IPv6 next header of the fixed header. */
  readonly ipProto = new Uint8Array(MAX_DEPTH);
  /** TTL / hop limit. */
  readonly ttl = new Uint8Array(MAX_DEPTH);
  /** IPv4 TOS / IPv6 traffic class. */
  readonly tos = new Uint8Array(MAX_DEPTH);
  readonly flowLabel = new Uint32Array(MAX_DEPTH);
  /** IPv4 identification (16 bits) or IPv6 fragment identification (32 bits); Has.IP_ID. */
  readonly ipId = new Uint32Array(MAX_DEPTH);
  /** IpFlag bits (DF, MF). */
  readonly ipFlags = new Uint8Array(MAX_DEPTH);
  /** Fragment offset in bytes. */
  readonly fragOffset = new Uint32Array(MAX_DEPTH);
  readonly src4 = new Uint32Array(MAX_DEPTH);
  readonly dst4 = new Uint32Array(MAX_DEPTH);
  /** IPv6 addresses: source words at depth*8, destination words at depth*8 + 4 (see net/ipv6.ts). */
  readonly addr6 = new Uint32Array(MAX_DEPTH * 8);
  /** IPv6 extension headers walked (hop-by-hop, routing, fragment, destination options, AH). */
  readonly extCount = new Uint8Array(MAX_DEPTH);

  /** Upper-layer protocol after IPv6 extension headers / AH; Has.L4. */
  readonly l4Proto = new Uint8Array(MAX_DEPTH);
  readonly l4Off = new Int32Array(MAX_DEPTH);
  readonly srcPort = new Uint16Array(MAX_DEPTH);
  readonly dstPort = new Uint16Array(MAX_DEPTH);
  readonly tcpSeq = new Uint32Array(MAX_DEPTH);
  readonly tcpAck = new Uint32Array(MAX_DEPTH);
  /** TcpFlag bits. */
  readonly tcpFlags = new Uint16Array(MAX_DEPTH);
  readonly tcpWindow = new Uint16Array(MAX_DEPTH);
  readonly tcpHeaderLen = new Uint8Array(MAX_DEPTH);
  readonly tcpMss = new Uint16Array(MAX_DEPTH);
  readonly tcpWscale = new Uint8Array(MAX_DEPTH);
  readonly tsVal = new Uint32Array(MAX_DEPTH);
  readonly tsEcr = new Uint32Array(MAX_DEPTH);
  readonly udpLength = new Uint16Array(MAX_DEPTH);
  readonly icmpType = new Uint8Array(MAX_DEPTH);
  readonly icmpCode = new Uint8Array(MAX_DEPTH);
  readonly icmpId = new Uint16Array(MAX_DEPTH);
  readonly icmpSeq = new Uint16Array(MAX_DEPTH);
  readonly icmpMtu = new Uint32Array(MAX_DEPTH);
  /** WireGuard message type (1 initiation, 2 response, 3 cookie reply, 4 transport data). */
  readonly wgType = new Uint8Array(MAX_DEPTH);
  /** WireGuard sender index (type 1) or receiver index (types 2-4). */
  readonly wgIndex = new Uint32Array(MAX_DEPTH);

  /** DNS transaction id (Has.DNS_ID). NAT leaves it alone; the fingerprint covers it as the payload's first bytes, not on its own. */
  readonly dnsId = new Uint16Array(MAX_DEPTH);

  /** L4 payload: offset, declared length (may exceed the captured bytes), MurmurHash3 of its first bytes. */
  readonly payloadOff = new Int32Array(MAX_DEPTH);
  readonly payloadLen = new Int32Array(MAX_DEPTH);
  /** Bytes hashed: min(PAYLOAD_HASH_BYTES, payloadLen) unless the capture cut the payload earlier. */
  readonly payloadHashLen = new Uint8Array(MAX_DEPTH);
  /**
   * The hash is computed when first asked for (payloadHashAt), not by the decoder: `decode
   * --summary` never asks, and on large packets hashing every payload was ~4 % of its time.
   * Bit d of `payloadHashedDepths` says payloadHashCache[d] holds this packet's hash.
   */
  private readonly payloadHashCache = new Int32Array(MAX_DEPTH);
  private payloadHashedDepths = 0;

  constructor() {
    this.setUdpPortKind(4789, UdpPortKind.VXLAN);
    this.setUdpPortKind(8472, UdpPortKind.VXLAN); // Linux/flannel default (pre-IANA VXLAN port)
    this.setUdpPortKind(6081, UdpPortKind.GENEVE);
    this.setUdpPortKind(51820, UdpPortKind.WIREGUARD);
  }

  /** Tells the decoder what a UDP port carries (e.g. a non-default VXLAN port). */
  setUdpPortKind(port: number, kind: number): void {
    this.udpPortKinds[port & 0xffff] = kind;
  }

  // ---------------------------------------------------------------------------------------------
  // Used by the decoders.

  /** Starts a packet: O(1) — only depth 0 is cleared; deeper depths are cleared when entered. */
  begin(linkType: number, buf: Uint8Array, off: number, end: number, origLength: number): void {
    this.buf = buf;
    this.start = off;
    this.capEnd = end;
    this.origLength = origLength;
    this.linkType = linkType;
    this.status = DecodeStatus.Ok;
    this.reason = Reason.NONE;
    this.reasonDepth = -1;
    this.reasonOffset = -1;
    this.depth = 0;
    this.depthCount = 1;
    this.flowDepth = -1;
    this.quoteDepth = -1;
    this.cut = false;
    this.pktType = -1;
    this.ifIndex = -1;
    this.ifIndexTopBit = false;
    this.arphrdType = -1;
    this.llAddrOff = -1;
    this.llAddrLen = 0;
    this.nullFamily = -1;
    this.nflogGroup = -1;
    this.nflogPrefixOff = -1;
    this.nflogPrefixLen = 0;
    this.nonIpEtherType = -1;
    this.nonIpDepth = -1;
    this.arpOp = -1;
    this.arpDepth = -1;
    this.arpSenderIp4 = -1;
    this.arpTargetIp4 = -1;
    this.clearDepth(0, Tunnel.NONE, off);
  }

  private clearDepth(d: number, tunnel: number, off: number): void {
    this.has[d] = 0;
    this.state[d] = 0;
    this.encapType[d] = tunnel;
    this.encapOff[d] = off;
    this.ipVersion[d] = 0;
    this.vlanCount[d] = 0;
    this.extCount[d] = 0;
  }

  /**
   * Opens depth + 1 for the packet inside a tunnel (or an ICMP quote) whose header starts at `off`.
   * Returns Ok, or Unsupported/TOO_MANY_LAYERS past MAX_DEPTH.
   */
  enterTunnel(tunnel: number, off: number): DecodeStatus {
    const d = this.depth + 1;
    if (d >= MAX_DEPTH) return this.fail(Reason.TOO_MANY_LAYERS, off);
    const quoted = (this.state[this.depth]! & State.QUOTED) !== 0 || tunnel === Tunnel.ICMP_QUOTE || tunnel === Tunnel.ICMPV6_QUOTE;
    this.clearDepth(d, tunnel, off);
    if (quoted) {
      this.state[d] = State.QUOTED | State.CLIPPED;
      if (this.quoteDepth < 0) this.quoteDepth = d;
    }
    this.depth = d;
    this.depthCount = d + 1;
    return DecodeStatus.Ok;
  }

  /** Records the first problem of the packet and returns its status. */
  /** Stores a record's 32-bit interface index (unsigned as read); one with the top bit set is flagged, not kept. */
  setIfIndex(raw: number): void {
    const signed = raw | 0;
    this.ifIndex = signed >= 0 ? signed : -1;
    this.ifIndexTopBit = signed < 0;
  }

  fail(reason: number, off: number): DecodeStatus {
    const status = reasonStatus(reason);
    if (this.status === DecodeStatus.Ok) {
      this.status = status;
      this.reason = reason;
      this.reasonDepth = this.depth;
      this.reasonOffset = off;
    }
    return status;
  }

  /**
   * Records a "soft" malformation (the first problem of the packet wins) while the decoder goes
   * on within the bytes it trusts. The packet's final status is Malformed.
   */
  note(reason: number, off: number): void {
    this.fail(reason, off);
  }

  /**
   * Checks that [off, off + len) lies inside the enclosing header's declared end (else Malformed
   * with `shortReason`) and inside the captured bytes (else Truncated with `cutReason`).
   */
  room(off: number, len: number, end: number, cutReason: number, shortReason: number): DecodeStatus {
    if (off + len > end) return this.fail(shortReason, off);
    if (off + len > this.capEnd) return this.fail(cutReason, off);
    return DecodeStatus.Ok;
  }

  /** Schedules the next decoder on [off, end); `end` is a declared end, possibly past capEnd. */
  next(layer: number, off: number, end: number): DecodeStatus {
    this.nextLayer = layer;
    this.nextOff = off;
    this.nextEnd = end;
    return DecodeStatus.Ok;
  }

  /** Records the L4 payload [off, end) of the current depth and hashes its first captured bytes. */
  setPayload(off: number, end: number): void {
    const d = this.depth;
    const len = end > off ? end - off : 0;
    let hashEnd = off + (len < PAYLOAD_HASH_BYTES ? len : PAYLOAD_HASH_BYTES);
    if (hashEnd > this.capEnd) hashEnd = this.capEnd > off ? this.capEnd : off;
    this.payloadOff[d] = off;
    this.payloadLen[d] = len;
    this.payloadHashLen[d] = hashEnd - off;
    this.payloadHashedDepths &= ~(1 << d);
    this.has[d]! |= Has.PAYLOAD;
  }

  /** Notes that decoding stopped at a protocol that is not IP (the ethertype or protocol type). */
  stopNonIp(etherType: number): DecodeStatus {
    this.nonIpEtherType = etherType;
    this.nonIpDepth = this.depth;
    this.nextLayer = Next.NONE;
    return DecodeStatus.Ok;
  }

  // ---------------------------------------------------------------------------------------------
  // Reading: any depth (d) — each returns -1 when the field is absent at that depth.

  hasField(d: number, bit: number): boolean {
    return d >= 0 && d < this.depthCount && (this.has[d]! & bit) !== 0;
  }

  /** Offset of the IPv6 source address words in addr6 (destination: + 4), or -1. */
  addr6Index(d: number): number {
    return this.hasField(d, Has.IPV6) ? d * 8 : -1;
  }

  srcPortAt(d: number): number {
    return this.hasField(d, Has.PORTS) ? this.srcPort[d]! : -1;
  }

  dstPortAt(d: number): number {
    return this.hasField(d, Has.PORTS) ? this.dstPort[d]! : -1;
  }

  ipIdAt(d: number): number {
    return this.hasField(d, Has.IP_ID) ? this.ipId[d]! : -1;
  }

  tcpSeqAt(d: number): number {
    return this.hasField(d, Has.TCP_SEQ) ? this.tcpSeq[d]! : -1;
  }

  tcpAckAt(d: number): number {
    return this.hasField(d, Has.TCP_ACK) ? this.tcpAck[d]! : -1;
  }

  tsValAt(d: number): number {
    return this.hasField(d, Has.TCP_TIMESTAMP) ? this.tsVal[d]! : -1;
  }

  icmpIdAt(d: number): number {
    return this.hasField(d, Has.ICMP_QUERY) ? this.icmpId[d]! : -1;
  }

  icmpSeqAt(d: number): number {
    return this.hasField(d, Has.ICMP_QUERY) ? this.icmpSeq[d]! : -1;
  }

  dnsIdAt(d: number): number {
    return this.hasField(d, Has.DNS_ID) ? this.dnsId[d]! : -1;
  }

  payloadLenAt(d: number): number {
    return this.hasField(d, Has.PAYLOAD) ? this.payloadLen[d]! : -1;
  }

  /** MurmurHash3 of depth d's first payload bytes (signed 32-bit), or -1 without a payload. */
  payloadHashAt(d: number): number {
    if (!this.hasField(d, Has.PAYLOAD)) return -1;
    const bit = 1 << d;
    if ((this.payloadHashedDepths & bit) === 0) {
      const off = this.payloadOff[d]!;
      this.payloadHashCache[d] = murmur3(this.buf, off, off + this.payloadHashLen[d]!);
      this.payloadHashedDepths |= bit;
    }
    return this.payloadHashCache[d]!;
  }

  /** Upper-layer protocol at depth d, or -1. */
  l4ProtoAt(d: number): number {
    return this.hasField(d, Has.L4) ? this.l4Proto[d]! : -1;
  }

  /** The VNI / GRE key / ERSPAN session of the tunnel that led to depth d, or -1. */
  encapIdAt(d: number): number {
    return this.hasField(d, Has.ENCAP_ID) ? this.encapId[d]! : -1;
  }

  /**
   * One 32-bit key over the NAT-invariant fields of depth d: upper-layer protocol, IPv4 ID, TCP
   * seq/ack/TSval, ICMP sequence, payload length and payload hash. Absent fields mix in as -1.
   * The ICMP echo id is left out: NAT may rewrite it (it is the "port" of ICMP in conntrack).
   * An ICMP error's payload is the packet it answers, whose addresses, ports and checksums NAT
   * rewrites inside the quote as it does outside (RFC 5508): the quote's own NAT-invariant fields
   * stand in for the payload's hash, so an error is matched across NAT like any packet.
   * Returned as a signed 32-bit integer (stored in Uint32Array columns it reads back unsigned).
   */
  fingerprintAt(d: number): number {
    // The field bits read once, not by a bounds-checked hasField per field (analyze's per-packet
    // path); 32-bit fields read as signed (`| 0`, same bits): no heap numbers (see fmix32i).
    const has = d >= 0 && d < this.depthCount ? this.has[d]! : 0;
    let h = fmix32i(((has & Has.L4) !== 0 ? this.l4Proto[d]! : -1) + 0x100);
    h = mix32i(h, this.ipVersion[d] === 4 && (has & Has.IP_ID) !== 0 ? this.ipId[d]! : -1);
    h = mix32i(h, (has & Has.TCP_SEQ) !== 0 ? this.tcpSeq[d]! | 0 : -1);
    h = mix32i(h, (has & Has.TCP_ACK) !== 0 ? this.tcpAck[d]! | 0 : -1);
    h = mix32i(h, (has & Has.TCP_TIMESTAMP) !== 0 ? this.tsVal[d]! | 0 : -1);
    h = mix32i(h, (has & Has.ICMP_QUERY) !== 0 ? this.icmpSeq[d]! : -1);
    h = mix32i(h, (has & Has.PAYLOAD) !== 0 ? this.payloadLen[d]! : -1);
    const q = d + 1;
    const quote = q < this.depthCount && (this.encapType[q] === Tunnel.ICMP_QUOTE || this.encapType[q] === Tunnel.ICMPV6_QUOTE);
    h = mix32i(h, quote ? this.quotedPrint(q) : this.payloadHashAt(d));
    return h;
  }

  /** What NAT leaves alone in a quoted packet: its IPv4 ID, TCP sequence number and the hash of its (clipped) payload. */
  private quotedPrint(q: number): number {
    let h = fmix32i(this.ipVersion[q] === 4 ? this.ipIdAt(q) : -1);
    h = mix32i(h, this.hasField(q, Has.TCP_SEQ) ? this.tcpSeq[q]! | 0 : -1);
    return mix32i(h, this.hasField(q, Has.PAYLOAD) ? this.payloadHashAt(q) : -1);
  }

  // ---------------------------------------------------------------------------------------------
  // Innermost (flow depth) accessors: the packet as the application sent it.

  get innerIpVersion(): number {
    return this.flowDepth >= 0 ? this.ipVersion[this.flowDepth]! : 0;
  }
  /** IPv4 source of the flow depth as uint32, or -1. */
  get innerSrc4(): number {
    return this.hasField(this.flowDepth, Has.IPV4) ? this.src4[this.flowDepth]! : -1;
  }
  get innerDst4(): number {
    return this.hasField(this.flowDepth, Has.IPV4) ? this.dst4[this.flowDepth]! : -1;
  }
  /** Index in addr6 of the flow depth's IPv6 source words (destination: + 4), or -1. */
  get innerAddr6Index(): number {
    return this.addr6Index(this.flowDepth);
  }
  get innerProto(): number {
    return this.l4ProtoAt(this.flowDepth);
  }
  get innerSrcPort(): number {
    return this.srcPortAt(this.flowDepth);
  }
  get innerDstPort(): number {
    return this.dstPortAt(this.flowDepth);
  }

  // Fingerprint of the flow depth (each -1 when absent).
  get fpIpId(): number {
    return this.ipIdAt(this.flowDepth);
  }
  get fpTcpSeq(): number {
    return this.tcpSeqAt(this.flowDepth);
  }
  get fpTcpAck(): number {
    return this.tcpAckAt(this.flowDepth);
  }
  get fpTsVal(): number {
    return this.tsValAt(this.flowDepth);
  }
  get fpIcmpId(): number {
    return this.icmpIdAt(this.flowDepth);
  }
  get fpIcmpSeq(): number {
    return this.icmpSeqAt(this.flowDepth);
  }
  get fpDnsId(): number {
    return this.dnsIdAt(this.flowDepth);
  }
  get fpPayloadLen(): number {
    return this.payloadLenAt(this.flowDepth);
  }
  get fpPayloadHash(): number {
    return this.payloadHashAt(this.flowDepth);
  }
  /** The flow depth's fingerprint (signed 32-bit), or -1 without one: a fingerprint can be -1 too, so check flowDepth ≥ 0 first. */
  get fingerprint(): number {
    return this.flowDepth >= 0 ? this.fingerprintAt(this.flowDepth) : -1;
  }
}
