// The fused fast path for the packets that make up most of a capture: Ethernet II or Linux cooked
// v2 (SLL2) → IPv4 without options → TCP, UDP that is not a tunnel port, an ICMP message that is
// not an error, or a protocol natpath does not decode further (OSPF, VRRP, ...); an IPv4 fragment
// (a later one: its protocol and bytes; a first one: its upper-layer header as clipped); or →
// IPv6 without extension headers → TCP, UDP that is not a tunnel port, an ICMPv6 message that is
// not an error (echo, neighbour discovery, ...); with every byte the headers declare captured and
// every length consistent. Also Ethernet frames that stop at the link layer (an ethertype not
// decoded, 802.2 LLC without SNAP), and the outer layers of VXLAN and Geneve over IPv4 or IPv6:
// depth 1 is opened as vxlan.ts / geneve.ts do, and the driver hands the inner packet to
// fast-inner.ts, else to the layered decoders.
//
//  Ethernet 14 B / SLL2 20 B | IPv4 20 B (IHL 5)                  | TCP 20..60 B / UDP 8 B / ICMP 8 B | payload
//                            | IPv6 40 B (next header TCP/UDP/58) | TCP 20..60 B / UDP 8 B / ICMPv6 8 B | payload
//
// Why: the layered driver pays per layer for scheduling, a `room` check, and one `has`/`state`
// read-modify-write per field group (~20-40 ns a layer, docs/performance.md). Here every check is
// made first, on the raw bytes, before anything is written; then each field is stored once and
// `has[0]` / `state[0]` once. A packet that fails any check is left untouched and goes through
// the general decoders, which own every unusual case (options, VLAN, IPv6 extension headers and
// fragments, GRE and nested tunnels, truncation, malformed lengths, ...).
//
// Contract: for every packet it accepts, the view ends exactly as the general path leaves it
// (same fields written, same values, same status). test/decode/fast-path.test.ts decodes the
// corpus, the lab samples and fuzzed packets both ways and compares the whole view. Header
// offsets come from each protocol's own offset table (EthField in ethernet.ts, Sll2Field, Ipv4Field,
// Ipv6Field, TcpField, UdpField, IcmpField, Icmpv6Field, VxlanField): const enums, inlined by the
// compiler, so sharing them costs nothing per packet.

import { isIcmpv4Error, isIcmpv4Query } from '../net/icmp-types.js';
import { EthField } from './ethernet.js';
import { MAX_8023_LENGTH } from './ethertype.js';
import { checkTunnel, checkUpper, HAS_IP4, HAS_IP6, isOpaqueIpv4, MF_AND_OFFSET, NOT_FAST, openTunnel, storeIpv4, storeIpv6, STATE_IP, STATE_WHOLE, storeUpper, Upper, upperKind, VER_IHL_PLAIN } from './fast-layers.js';
import { IcmpField } from './icmp.js';
import { Ipv4Field } from './ipv4.js';
import { Ipv6Field } from './ipv6.js';
import { EtherType, Has, IpFlag, IpProto, Next, State, UdpPortKind } from './layers.js';
import type { PacketView } from './packet-view.js';
import { SLL2_MAX_ADDR_LEN, Sll2Field } from './sll2.js';
import { decodeTcpOptions, TcpField } from './tcp.js';
import { DNS_PORT, UdpField } from './udp.js';

const LINKTYPE_EN10MB = 1;
const LINKTYPE_LINUX_SLL2 = 276;
const FLAG_DF = 0x4000;
const FRAG_OFFSET_MASK = 0x1fff;
const ARPHRD_NETLINK = 824;
/** 802.2 LLC: DSAP, SSAP, control — what llc.ts needs to tell SNAP from plain LLC. */
const LLC_SAP_CONTROL_LEN = 3;
const SNAP_SAP = 0xaa;
const UI_CONTROL = 0x03;

const HAS_IPV4 = Has.ETHERTYPE | HAS_IP4;
const HAS_TCP = HAS_IPV4 | Has.PORTS | Has.TCP_SEQ | Has.TCP_ACK | Has.TCP_FLAGS;
const HAS_UDP = HAS_IPV4 | Has.PORTS | Has.UDP;
const HAS_ICMP = HAS_IPV4 | Has.ICMP;

/** What decodeFast did. */
export const Fast = {
  /** Nothing written: the layered decoders decode the packet. */
  NOT_TAKEN: 0,
  /** The packet is decoded (the driver only finishes it). */
  DONE: 1,
  /**
   * The outer layers up to a VXLAN or Geneve header are decoded and depth 1 opened; the driver
   * goes on with `out.nextLayer` on [nextOff, nextEnd), as after decodeVxlan / decodeGeneve.
   */
  TUNNEL: 2,
} as const;

/**
 * Decodes buf[off, end) into `out` (just reset by `begin`) if it is one of the plain packets
 * above (Fast.DONE), or its outer layers if it is VXLAN or Geneve (Fast.TUNNEL); otherwise writes
 * nothing (Fast.NOT_TAKEN). `frameEnd` is the driver's declared end of the frame (≥ end).
 */
export function decodeFast(linkType: number, buf: Uint8Array, off: number, end: number, frameEnd: number, out: PacketView): number {
  let ip: number;
  if (linkType === LINKTYPE_EN10MB) {
    ip = off + EthField.HEADER_LEN;
    if (ip > end) return Fast.NOT_TAKEN;
    const type = (buf[off + EthField.TYPE]! << 8) | buf[off + EthField.TYPE + 1]!;
    if (type !== EtherType.IPV4) {
      if (type === EtherType.IPV6) return decodeFastIpv6(linkType, buf, off, ip, end, out);
      return decodeFastNonIp(type, buf, off, end, frameEnd, out) ? Fast.DONE : Fast.NOT_TAKEN;
    }
    if (ip + Ipv4Field.MIN_HEADER_LEN > end) return Fast.NOT_TAKEN;
  } else if (linkType === LINKTYPE_LINUX_SLL2) {
    ip = off + Sll2Field.HEADER_LEN;
    if (ip + Ipv4Field.MIN_HEADER_LEN > end) return Fast.NOT_TAKEN;
    const protocol = (buf[off + Sll2Field.PROTOCOL]! << 8) | buf[off + Sll2Field.PROTOCOL + 1]!;
    if (((buf[off + Sll2Field.HATYPE]! << 8) | buf[off + Sll2Field.HATYPE + 1]!) === ARPHRD_NETLINK) return Fast.NOT_TAKEN;
    if (protocol !== EtherType.IPV4) return protocol === EtherType.IPV6 ? decodeFastIpv6(linkType, buf, off, ip, end, out) : Fast.NOT_TAKEN;
  } else {
    return Fast.NOT_TAKEN;
  }

  // IPv4: plain header, all of it captured (so no note, no cut); a fragment has its own branch.
  if (buf[ip + Ipv4Field.VER_IHL] !== VER_IHL_PLAIN) return Fast.NOT_TAKEN;
  const flagsFrag = (buf[ip + Ipv4Field.FLAGS_FRAG]! << 8) | buf[ip + Ipv4Field.FLAGS_FRAG + 1]!;
  if ((flagsFrag & MF_AND_OFFSET) !== 0) return decodeFastFragment(linkType, buf, off, ip, end, frameEnd, flagsFrag, out);
  const totalLen = (buf[ip + Ipv4Field.TOTAL_LEN]! << 8) | buf[ip + Ipv4Field.TOTAL_LEN + 1]!;
  const ipEnd = ip + totalLen;
  if (ipEnd > end) return Fast.NOT_TAKEN;
  const l4 = ip + Ipv4Field.MIN_HEADER_LEN;
  if (l4 > ipEnd) return Fast.NOT_TAKEN; // total length below the header (0: GSO) — the general path's cases
  const proto = buf[ip + Ipv4Field.PROTOCOL]!;

  // The upper layer: checked before anything is written.
  let upper: number;
  let payload: number;
  let payloadEnd = ipEnd;
  let tcpHeaderLen = 0;
  let udpLength = 0;
  let icmpType = 0;
  if (proto === IpProto.TCP) {
    if (l4 + TcpField.MIN_HEADER_LEN > ipEnd) return Fast.NOT_TAKEN;
    tcpHeaderLen = (buf[l4 + TcpField.DATA_OFF]! >>> 4) * 4;
    if (tcpHeaderLen < TcpField.MIN_HEADER_LEN || l4 + tcpHeaderLen > ipEnd) return Fast.NOT_TAKEN;
    upper = Upper.TCP;
    payload = l4 + tcpHeaderLen;
  } else if (proto === IpProto.UDP) {
    if (l4 + UdpField.HEADER_LEN > ipEnd) return Fast.NOT_TAKEN;
    udpLength = (buf[l4 + UdpField.LENGTH]! << 8) | buf[l4 + UdpField.LENGTH + 1]!;
    if (udpLength < UdpField.HEADER_LEN || l4 + udpLength > ipEnd) return Fast.NOT_TAKEN; // 0 (GSO) too
    const ports = out.udpPortKinds;
    const kind = ports[(buf[l4 + UdpField.DST_PORT]! << 8) | buf[l4 + UdpField.DST_PORT + 1]!]!;
    payload = l4 + UdpField.HEADER_LEN;
    payloadEnd = l4 + udpLength;
    upper = Upper.UDP;
    if (kind !== UdpPortKind.NONE) {
      // VXLAN or Geneve with a header vxlan.ts / geneve.ts open: the inner frame or packet goes on
      // at depth 1. WireGuard, IP in UDP: the general path.
      upper = checkTunnel(kind, buf, payload, payloadEnd);
      if (upper === NOT_FAST) return Fast.NOT_TAKEN;
    } else if (ports[(buf[l4 + UdpField.SRC_PORT]! << 8) | buf[l4 + UdpField.SRC_PORT + 1]!] === UdpPortKind.WIREGUARD) {
      return Fast.NOT_TAKEN;
    }
  } else if (proto === IpProto.ICMP) {
    if (l4 + IcmpField.HEADER_LEN > ipEnd) return Fast.NOT_TAKEN;
    icmpType = buf[l4 + IcmpField.TYPE]!;
    if (isIcmpv4Error(icmpType)) return Fast.NOT_TAKEN; // it quotes a datagram: depth 1
    upper = Upper.ICMP;
    payload = l4 + IcmpField.HEADER_LEN;
  } else if (isOpaqueIpv4(proto)) {
    upper = Upper.OPAQUE;
    payload = l4;
  } else {
    return Fast.NOT_TAKEN;
  }

  // Accepted: write what ethernet.ts / sll2.ts, ethertype.ts, ipv4.ts, ip-proto.ts and the L4
  // decoder write for such a packet, each field once.
  let has: number = upper === Upper.TCP ? HAS_TCP : upper === Upper.UDP || upper === Upper.VXLAN || upper === Upper.GENEVE ? HAS_UDP : upper === Upper.ICMP ? HAS_ICMP : HAS_IPV4;
  if (linkType === LINKTYPE_EN10MB) {
    out.ethOff[0] = off;
    has |= Has.ETHERNET;
  } else {
    out.setIfIndex((buf[off + Sll2Field.IFINDEX]! << 24) | (buf[off + Sll2Field.IFINDEX + 1]! << 16) | (buf[off + Sll2Field.IFINDEX + 2]! << 8) | buf[off + Sll2Field.IFINDEX + 3]!);
    out.arphrdType = (buf[off + Sll2Field.HATYPE]! << 8) | buf[off + Sll2Field.HATYPE + 1]!;
    out.pktType = buf[off + Sll2Field.PKTTYPE]!;
    const addrLen = buf[off + Sll2Field.ADDR_LEN]!;
    out.llAddrOff = off + Sll2Field.ADDR;
    out.llAddrLen = addrLen < SLL2_MAX_ADDR_LEN ? addrLen : SLL2_MAX_ADDR_LEN;
  }
  out.etherType[0] = EtherType.IPV4;

  out.ipVersion[0] = 4;
  out.ipOff[0] = ip;
  out.ipHeaderLen[0] = Ipv4Field.MIN_HEADER_LEN;
  out.ipTotalLen[0] = totalLen;
  out.tos[0] = buf[ip + Ipv4Field.TOS]!;
  out.ipId[0] = (buf[ip + Ipv4Field.ID]! << 8) | buf[ip + Ipv4Field.ID + 1]!;
  out.ttl[0] = buf[ip + Ipv4Field.TTL]!;
  out.ipProto[0] = proto;
  out.src4[0] = (buf[ip + Ipv4Field.SRC]! << 24) | (buf[ip + Ipv4Field.SRC + 1]! << 16) | (buf[ip + Ipv4Field.SRC + 2]! << 8) | buf[ip + Ipv4Field.SRC + 3]!;
  out.dst4[0] = (buf[ip + Ipv4Field.DST]! << 24) | (buf[ip + Ipv4Field.DST + 1]! << 16) | (buf[ip + Ipv4Field.DST + 2]! << 8) | buf[ip + Ipv4Field.DST + 3]!;
  out.ipFlags[0] = (flagsFrag & FLAG_DF) !== 0 ? IpFlag.DONT_FRAGMENT : 0;
  out.fragOffset[0] = 0;
  out.l4Proto[0] = proto;
  out.l4Off[0] = l4;
  // The driver's plumbing as the general path leaves it: the last layer scheduled and its bytes.
  out.nextLayer = Next.NONE;
  if (upper === Upper.OPAQUE) return endAtIpv4(ip, frameEnd, has, payload, payloadEnd, out);
  out.nextOff = l4;
  out.nextEnd = ipEnd;
  out.state[0] = STATE_WHOLE;

  if (upper === Upper.ICMP) {
    out.icmpType[0] = icmpType;
    out.icmpCode[0] = buf[l4 + IcmpField.CODE]!;
    if (isIcmpv4Query(icmpType)) {
      out.icmpId[0] = (buf[l4 + IcmpField.ID]! << 8) | buf[l4 + IcmpField.ID + 1]!;
      out.icmpSeq[0] = (buf[l4 + IcmpField.SEQ]! << 8) | buf[l4 + IcmpField.SEQ + 1]!;
      has |= Has.ICMP_QUERY;
    }
    out.has[0] = has;
    out.setPayload(payload, payloadEnd);
    return Fast.DONE;
  }

  // TCP and UDP put the ports at the same offsets.
  const srcPort = (buf[l4 + TcpField.SRC_PORT]! << 8) | buf[l4 + TcpField.SRC_PORT + 1]!;
  const dstPort = (buf[l4 + TcpField.DST_PORT]! << 8) | buf[l4 + TcpField.DST_PORT + 1]!;
  out.srcPort[0] = srcPort;
  out.dstPort[0] = dstPort;
  if (upper === Upper.TCP) {
    out.tcpSeq[0] = (buf[l4 + TcpField.SEQ]! << 24) | (buf[l4 + TcpField.SEQ + 1]! << 16) | (buf[l4 + TcpField.SEQ + 2]! << 8) | buf[l4 + TcpField.SEQ + 3]!;
    out.tcpAck[0] = (buf[l4 + TcpField.ACK]! << 24) | (buf[l4 + TcpField.ACK + 1]! << 16) | (buf[l4 + TcpField.ACK + 2]! << 8) | buf[l4 + TcpField.ACK + 3]!;
    out.tcpHeaderLen[0] = tcpHeaderLen;
    out.tcpFlags[0] = ((buf[l4 + TcpField.DATA_OFF]! & 0x0f) << 8) | buf[l4 + TcpField.FLAGS]!;
    out.tcpWindow[0] = (buf[l4 + TcpField.WINDOW]! << 8) | buf[l4 + TcpField.WINDOW + 1]!;
    out.has[0] = has;
    out.setPayload(payload, payloadEnd);
    if (tcpHeaderLen > TcpField.MIN_HEADER_LEN) decodeTcpOptions(buf, l4 + TcpField.MIN_HEADER_LEN, payload, out, 0);
    return Fast.DONE;
  }
  out.udpLength[0] = udpLength;
  if ((srcPort === DNS_PORT || dstPort === DNS_PORT) && payload + 2 <= payloadEnd) {
    out.dnsId[0] = (buf[payload]! << 8) | buf[payload + 1]!;
    has |= Has.DNS_ID;
  }
  out.has[0] = has;
  out.setPayload(payload, payloadEnd);
  if (upper === Upper.UDP) return Fast.DONE;
  openTunnel(upper, buf, l4, udpLength, out);
  return Fast.TUNNEL;
}

/**
 * An IPv4 fragment at depth 0 (plain header, all of it captured; ipv4.ts): a later fragment carries
 * no upper-layer header, only its protocol and bytes; a first fragment's TCP, UDP or ICMP query
 * header is decoded as clipped (the UDP length may pass the fragment; no tunnel is opened).
 */
function decodeFastFragment(linkType: number, buf: Uint8Array, off: number, ip: number, end: number, frameEnd: number, flagsFrag: number, out: PacketView): number {
  const totalLen = (buf[ip + Ipv4Field.TOTAL_LEN]! << 8) | buf[ip + Ipv4Field.TOTAL_LEN + 1]!;
  const ipEnd = ip + totalLen;
  const l4 = ip + Ipv4Field.MIN_HEADER_LEN;
  if (ipEnd > end || l4 > ipEnd) return Fast.NOT_TAKEN;
  const later = (flagsFrag & FRAG_OFFSET_MASK) !== 0;
  const checked = later ? NOT_FAST : checkUpper(4, buf[ip + Ipv4Field.PROTOCOL]!, buf, l4, ipEnd, out.udpPortKinds, true, false);
  if (!later && checked === NOT_FAST) return Fast.NOT_TAKEN;

  const has = HAS_IPV4 | Has.FRAGMENT | storeLinkLayer(linkType, buf, off, EtherType.IPV4, out);
  storeIpv4(buf, ip, totalLen, flagsFrag, 0, out);
  out.nextLayer = Next.NONE;
  if (later) return endAtIpv4(ip, frameEnd, has, l4, ipEnd, out);
  if (upperKind(checked) === Upper.OPAQUE) {
    out.nextOff = ip;
    out.nextEnd = frameEnd;
    out.state[0] = STATE_IP | State.CLIPPED;
  } else {
    out.nextOff = l4;
    out.nextEnd = ipEnd;
    out.state[0] = STATE_WHOLE | State.CLIPPED;
  }
  storeUpper(checked, 4, buf, l4, ipEnd, has, out);
  return Fast.DONE;
}

/** A packet whose last layer read is IPv4 (an upper layer not decoded further, a later fragment): nothing is scheduled after it, the link layer's hand-over to IPv4 is the last one. */
function endAtIpv4(ip: number, frameEnd: number, has: number, payload: number, payloadEnd: number, out: PacketView): number {
  out.nextOff = ip;
  out.nextEnd = frameEnd;
  out.state[0] = STATE_IP;
  out.has[0] = has;
  out.setPayload(payload, payloadEnd);
  return Fast.DONE;
}

/**
 * IPv6 without extension headers (ipv6.ts, then tcp.ts / udp.ts / icmpv6.ts at depth 0, or the
 * outer layers of VXLAN / Geneve): the link header [off, ip) is captured and announced IPv6.
 * Checks first, then each field once, as decodeFast does for IPv4. Payload length 0 (jumbogram,
 * GSO) and anything past the captured bytes are left to the general path, like every extension
 * header.
 */
function decodeFastIpv6(linkType: number, buf: Uint8Array, off: number, ip: number, end: number, out: PacketView): number {
  if (ip + Ipv6Field.HEADER_LEN > end) return Fast.NOT_TAKEN;
  const first = (buf[ip + Ipv6Field.VER_TC_FLOW]! << 24) | (buf[ip + Ipv6Field.VER_TC_FLOW + 1]! << 16) | (buf[ip + Ipv6Field.VER_TC_FLOW + 2]! << 8) | buf[ip + Ipv6Field.VER_TC_FLOW + 3]!;
  if (first >>> 28 !== 6) return Fast.NOT_TAKEN;
  const payloadLen = (buf[ip + Ipv6Field.PAYLOAD_LEN]! << 8) | buf[ip + Ipv6Field.PAYLOAD_LEN + 1]!;
  const l4 = ip + Ipv6Field.HEADER_LEN;
  const ipEnd = l4 + payloadLen;
  if (payloadLen === 0 || ipEnd > end) return Fast.NOT_TAKEN;
  const checked = checkUpper(6, buf[ip + Ipv6Field.NEXT_HEADER]!, buf, l4, ipEnd, out.udpPortKinds, false, true);
  if (checked === NOT_FAST) return Fast.NOT_TAKEN;

  // Accepted: what ethernet.ts / sll2.ts, ethertype.ts, ipv6.ts, ip-proto.ts and the upper layer write.
  const has = Has.ETHERTYPE | HAS_IP6 | storeLinkLayer(linkType, buf, off, EtherType.IPV6, out);
  storeIpv6(buf, ip, first, payloadLen, 0, out);
  out.nextLayer = Next.NONE;
  out.nextOff = l4;
  out.nextEnd = ipEnd;
  out.state[0] = STATE_WHOLE;
  storeUpper(checked, 6, buf, l4, ipEnd, has, out);
  const kind = upperKind(checked);
  if (kind === Upper.VXLAN || kind === Upper.GENEVE) {
    openTunnel(kind, buf, l4, out.udpLength[0]!, out);
    return Fast.TUNNEL;
  }
  return Fast.DONE;
}

/**
 * What ethernet.ts or sll2.ts and ethertype.ts write for a link header at `off` announcing
 * `etherType`; returns the `has[0]` bits they set besides Has.ETHERTYPE.
 */
function storeLinkLayer(linkType: number, buf: Uint8Array, off: number, etherType: number, out: PacketView): number {
  out.etherType[0] = etherType;
  if (linkType === LINKTYPE_EN10MB) {
    out.ethOff[0] = off;
    return Has.ETHERNET;
  }
  out.setIfIndex((buf[off + Sll2Field.IFINDEX]! << 24) | (buf[off + Sll2Field.IFINDEX + 1]! << 16) | (buf[off + Sll2Field.IFINDEX + 2]! << 8) | buf[off + Sll2Field.IFINDEX + 3]!);
  out.arphrdType = (buf[off + Sll2Field.HATYPE]! << 8) | buf[off + Sll2Field.HATYPE + 1]!;
  out.pktType = buf[off + Sll2Field.PKTTYPE]!;
  const addrLen = buf[off + Sll2Field.ADDR_LEN]!;
  out.llAddrOff = off + Sll2Field.ADDR;
  out.llAddrLen = addrLen < SLL2_MAX_ADDR_LEN ? addrLen : SLL2_MAX_ADDR_LEN;
  return 0;
}

/**
 * Ethernet frames that end at the link layer: an ethertype natpath does not decode (LLDP, LACP,
 * ...) or 802.3 + 802.2 LLC without SNAP (STP, ...), as ethernet.ts, ethertype.ts and llc.ts
 * leave them. `type` is the Ethernet type/length field; the 14-byte header is captured.
 */
function decodeFastNonIp(type: number, buf: Uint8Array, off: number, end: number, frameEnd: number, out: PacketView): boolean {
  const payload = off + EthField.HEADER_LEN;
  if (type <= MAX_8023_LENGTH) {
    // LLC: three bytes inside the 802.3 length and captured, and not the SNAP header.
    const llcEnd = payload + type < frameEnd ? payload + type : frameEnd;
    if (payload + LLC_SAP_CONTROL_LEN > llcEnd || payload + LLC_SAP_CONTROL_LEN > end) return false;
    if (buf[payload] === SNAP_SAP && buf[payload + 1] === SNAP_SAP && buf[payload + 2] === UI_CONTROL) return false;
    out.ethOff[0] = off;
    out.has[0] = Has.ETHERNET;
    out.nextOff = payload;
    out.nextEnd = llcEnd;
    out.nonIpEtherType = 0;
  } else {
    if (isDecodedEtherType(type)) return false;
    out.ethOff[0] = off;
    out.etherType[0] = type;
    out.has[0] = Has.ETHERNET | Has.ETHERTYPE;
    out.nonIpEtherType = type;
  }
  out.nonIpDepth = 0;
  out.nextLayer = Next.NONE;
  return true;
}

/** The ethertypes dispatchEtherType hands to a decoder (ethertype.ts). */
function isDecodedEtherType(type: number): boolean {
  switch (type) {
    case EtherType.IPV4:
    case EtherType.IPV6:
    case EtherType.VLAN:
    case EtherType.QINQ:
    case EtherType.QINQ_OLD:
    case EtherType.ARP:
    case EtherType.RARP:
    case EtherType.PPPOE_SESSION:
    case EtherType.MPLS_UNICAST:
    case EtherType.MPLS_MULTICAST:
      return true;
  }
  return false;
}
