// The checks and stores the fast path's branches share (fast-path.ts at depth 0, fast-inner.ts
// inside a tunnel): each upper layer checked on the raw bytes before anything is written, then
// written at the view's current depth as the general decoder writes it (tcp.ts, udp.ts, icmp.ts,
// icmpv6.ts, ip-proto.ts, ipv4.ts, ipv6.ts, vxlan.ts, geneve.ts). The caller has checked that
// every byte up to the IP datagram's end is captured.
//
// checkUpper returns what it found packed in one small integer (kind | value << 4: no object
// per packet), which storeUpper then writes.

import { isIcmpv4Error, isIcmpv4Query, isIcmpv6Error } from '../net/icmp-types.js';
import { GENEVE_OPTION_UNIT, GeneveField } from './geneve.js';
import { IcmpField } from './icmp.js';
import { Icmpv6Field, Icmpv6Type } from './icmpv6.js';
import { Ipv4Field } from './ipv4.js';
import { Ipv6Field } from './ipv6.js';
import { EtherType, Has, IpFlag, IpProto, Next, State, Tunnel, UdpPortKind } from './layers.js';
import type { PacketView } from './packet-view.js';
import { decodeTcpOptions, TcpField } from './tcp.js';
import { DNS_PORT, UdpField } from './udp.js';
import { VXLAN_FLAG_VNI_VALID, VxlanField } from './vxlan.js';

/** What checkUpper found (the low 4 bits of its result). */
export const enum Upper {
  TCP = 0,
  UDP = 1,
  /** ICMP or ICMPv6, not an error. */
  ICMP = 2,
  /** An IPv4 upper layer the general path records without decoding (OSPF, VRRP, ESP, ...). */
  OPAQUE = 3,
  /** UDP to a VXLAN port with a valid VXLAN header: the inner frame is opened by openTunnel. */
  VXLAN = 4,
  /** UDP to a Geneve port with a version 0 header carrying Ethernet, IPv4 or IPv6. */
  GENEVE = 5,
}
/** checkUpper's answer for an upper layer the fast path leaves to the general decoders. */
export const NOT_FAST = -1;
const KIND_MASK = 0xf;
const VALUE_SHIFT = 4;

/** The state of a layer the fast path stores: its IP header and payload whole, and then its upper header too. */
export const STATE_IP = State.IP_HEADER_COMPLETE | State.IP_PAYLOAD_COMPLETE;
export const STATE_WHOLE = STATE_IP | State.L4_HEADER_COMPLETE;
/** Has bits the IP layer sets, by version (ipv4.ts, ipv6.ts and dispatchIpProto's L4 and payload). */
export const HAS_IP4 = Has.IPV4 | Has.IP_ID | Has.L4 | Has.PAYLOAD;
export const HAS_IP6 = Has.IPV6 | Has.L4 | Has.PAYLOAD;
const HAS_TCP = Has.PORTS | Has.TCP_SEQ | Has.TCP_ACK | Has.TCP_FLAGS;
const HAS_UDP = Has.PORTS | Has.UDP;

/** Version 4 with IHL 5: no options. */
export const VER_IHL_PLAIN = 0x45;
/** MF flag and fragment offset: both 0 for a whole datagram. */
export const MF_AND_OFFSET = 0x3fff;
const FLAG_DF = 0x4000;
const FLAG_MF = 0x2000;
const FRAG_OFFSET_MASK = 0x1fff;

/**
 * Checks the upper layer `proto` of an IP datagram of `version` whose upper layer starts at l4 and
 * ends at ipEnd. `clipped`: a first fragment (the UDP length may pass ipEnd, and no tunnel is
 * opened). `tunnels`: UDP to a VXLAN or Geneve port may be taken as a tunnel (outer layers only).
 * Returns `Upper | value << 4` (value: the TCP header length, the UDP length, the ICMP type), or
 * NOT_FAST.
 */
export function checkUpper(version: number, proto: number, buf: Uint8Array, l4: number, ipEnd: number, ports: Uint8Array, clipped: boolean, tunnels: boolean): number {
  if (proto === IpProto.TCP) {
    if (l4 + TcpField.MIN_HEADER_LEN > ipEnd) return NOT_FAST;
    const headerLen = (buf[l4 + TcpField.DATA_OFF]! >>> 4) * 4;
    if (headerLen < TcpField.MIN_HEADER_LEN || l4 + headerLen > ipEnd) return NOT_FAST;
    return Upper.TCP | (headerLen << VALUE_SHIFT);
  }
  if (proto === IpProto.UDP) {
    if (l4 + UdpField.HEADER_LEN > ipEnd) return NOT_FAST;
    const length = (buf[l4 + UdpField.LENGTH]! << 8) | buf[l4 + UdpField.LENGTH + 1]!;
    if (length < UdpField.HEADER_LEN) return NOT_FAST; // 0 (GSO, jumbogram) too
    const packed = Upper.UDP | (length << VALUE_SHIFT);
    if (clipped) return packed; // a first fragment: udp.ts ends the datagram at the fragment, opens nothing
    if (l4 + length > ipEnd) return NOT_FAST;
    const kind = ports[(buf[l4 + UdpField.DST_PORT]! << 8) | buf[l4 + UdpField.DST_PORT + 1]!]!;
    if (kind === UdpPortKind.NONE) {
      return ports[(buf[l4 + UdpField.SRC_PORT]! << 8) | buf[l4 + UdpField.SRC_PORT + 1]!] === UdpPortKind.WIREGUARD ? NOT_FAST : packed;
    }
    if (!tunnels) return NOT_FAST;
    const tunnel = checkTunnel(kind, buf, l4 + UdpField.HEADER_LEN, l4 + length);
    return tunnel === NOT_FAST ? NOT_FAST : tunnel | (length << VALUE_SHIFT);
  }
  if (version === 4) {
    if (proto === IpProto.ICMP) {
      if (l4 + IcmpField.HEADER_LEN > ipEnd) return NOT_FAST;
      const type = buf[l4 + IcmpField.TYPE]!;
      return isIcmpv4Error(type) ? NOT_FAST : Upper.ICMP | (type << VALUE_SHIFT); // an error quotes a datagram: depth + 1
    }
    return isOpaqueIpv4(proto) ? Upper.OPAQUE : NOT_FAST;
  }
  if (proto === IpProto.ICMPV6) {
    if (l4 + Icmpv6Field.HEADER_LEN > ipEnd) return NOT_FAST;
    const type = buf[l4 + Icmpv6Field.TYPE]!;
    return isIcmpv6Error(type) ? NOT_FAST : Upper.ICMP | (type << VALUE_SHIFT);
  }
  return NOT_FAST; // extension headers, AH, tunnels, and the IPv6 upper layers not decoded further
}

/**
 * A VXLAN or Geneve header at `payload` inside a UDP datagram ending at `udpEnd` that vxlan.ts or
 * geneve.ts would open a tunnel for: Upper.VXLAN / Upper.GENEVE, or NOT_FAST (the general path
 * then reports or stops as it does).
 */
export function checkTunnel(kind: number, buf: Uint8Array, payload: number, udpEnd: number): number {
  if (kind === UdpPortKind.VXLAN) {
    if (payload + VxlanField.HEADER_LEN > udpEnd || (buf[payload + VxlanField.FLAGS]! & VXLAN_FLAG_VNI_VALID) === 0) return NOT_FAST;
    return Upper.VXLAN;
  }
  if (kind !== UdpPortKind.GENEVE || payload + GeneveField.HEADER_LEN > udpEnd) return NOT_FAST;
  const verOptLen = buf[payload + GeneveField.VER_OPTLEN]!;
  if (verOptLen >>> 6 !== 0 || payload + GeneveField.HEADER_LEN + (verOptLen & 0x3f) * GENEVE_OPTION_UNIT > udpEnd) return NOT_FAST;
  const proto = (buf[payload + GeneveField.PROTOCOL]! << 8) | buf[payload + GeneveField.PROTOCOL + 1]!;
  return proto === EtherType.TEB || proto === EtherType.IPV4 || proto === EtherType.IPV6 ? Upper.GENEVE : NOT_FAST;
}

/** The upper layer checkUpper found (an Upper). */
export function upperKind(checked: number): number {
  return checked & KIND_MASK;
}

/** The IPv4 header at ip (IHL 5) as ipv4.ts writes it at depth d, with l4Proto/l4Off as dispatchIpProto does. */
export function storeIpv4(buf: Uint8Array, ip: number, totalLen: number, flagsFrag: number, d: number, out: PacketView): void {
  const proto = buf[ip + Ipv4Field.PROTOCOL]!;
  out.ipVersion[d] = 4;
  out.ipOff[d] = ip;
  out.ipHeaderLen[d] = Ipv4Field.MIN_HEADER_LEN;
  out.ipTotalLen[d] = totalLen;
  out.tos[d] = buf[ip + Ipv4Field.TOS]!;
  out.ipId[d] = (buf[ip + Ipv4Field.ID]! << 8) | buf[ip + Ipv4Field.ID + 1]!;
  out.ttl[d] = buf[ip + Ipv4Field.TTL]!;
  out.ipProto[d] = proto;
  out.src4[d] = (buf[ip + Ipv4Field.SRC]! << 24) | (buf[ip + Ipv4Field.SRC + 1]! << 16) | (buf[ip + Ipv4Field.SRC + 2]! << 8) | buf[ip + Ipv4Field.SRC + 3]!;
  out.dst4[d] = (buf[ip + Ipv4Field.DST]! << 24) | (buf[ip + Ipv4Field.DST + 1]! << 16) | (buf[ip + Ipv4Field.DST + 2]! << 8) | buf[ip + Ipv4Field.DST + 3]!;
  out.ipFlags[d] = ((flagsFrag & FLAG_DF) !== 0 ? IpFlag.DONT_FRAGMENT : 0) | ((flagsFrag & FLAG_MF) !== 0 ? IpFlag.MORE_FRAGMENTS : 0);
  out.fragOffset[d] = (flagsFrag & FRAG_OFFSET_MASK) * 8;
  out.l4Proto[d] = proto;
  out.l4Off[d] = ip + Ipv4Field.MIN_HEADER_LEN;
}

/** The IPv6 header at ip (no extension header; `first` its first word) as ipv6.ts writes it at depth d, with l4Proto/l4Off. */
export function storeIpv6(buf: Uint8Array, ip: number, first: number, payloadLen: number, d: number, out: PacketView): void {
  const nextHeader = buf[ip + Ipv6Field.NEXT_HEADER]!;
  out.ipVersion[d] = 6;
  out.ipOff[d] = ip;
  out.ipHeaderLen[d] = Ipv6Field.HEADER_LEN;
  out.ipTotalLen[d] = Ipv6Field.HEADER_LEN + payloadLen;
  out.tos[d] = (first >>> 20) & 0xff;
  out.flowLabel[d] = first & 0xfffff;
  out.ttl[d] = buf[ip + Ipv6Field.HOP_LIMIT]!;
  out.ipProto[d] = nextHeader;
  const words = out.addr6;
  const a = d * 8;
  for (let w = 0; w < 4; w++) {
    const s = ip + Ipv6Field.SRC + 4 * w;
    const t = ip + Ipv6Field.DST + 4 * w;
    words[a + w] = (buf[s]! << 24) | (buf[s + 1]! << 16) | (buf[s + 2]! << 8) | buf[s + 3]!;
    words[a + 4 + w] = (buf[t]! << 24) | (buf[t + 1]! << 16) | (buf[t + 2]! << 8) | buf[t + 3]!;
  }
  out.l4Proto[d] = nextHeader;
  out.l4Off[d] = ip + Ipv6Field.HEADER_LEN;
}

/**
 * Writes the upper layer checkUpper found at l4 (datagram end ipEnd) at the current depth: its
 * fields, `has` (the layers below) with its own bits, its payload. State bits and the driver's
 * plumbing are the caller's.
 */
export function storeUpper(checked: number, version: number, buf: Uint8Array, l4: number, ipEnd: number, has: number, out: PacketView): void {
  const d = out.depth;
  const kind = checked & KIND_MASK;
  const value = checked >>> VALUE_SHIFT;
  if (kind === Upper.TCP) {
    out.srcPort[d] = (buf[l4 + TcpField.SRC_PORT]! << 8) | buf[l4 + TcpField.SRC_PORT + 1]!;
    out.dstPort[d] = (buf[l4 + TcpField.DST_PORT]! << 8) | buf[l4 + TcpField.DST_PORT + 1]!;
    out.tcpSeq[d] = (buf[l4 + TcpField.SEQ]! << 24) | (buf[l4 + TcpField.SEQ + 1]! << 16) | (buf[l4 + TcpField.SEQ + 2]! << 8) | buf[l4 + TcpField.SEQ + 3]!;
    out.tcpAck[d] = (buf[l4 + TcpField.ACK]! << 24) | (buf[l4 + TcpField.ACK + 1]! << 16) | (buf[l4 + TcpField.ACK + 2]! << 8) | buf[l4 + TcpField.ACK + 3]!;
    out.tcpHeaderLen[d] = value;
    out.tcpFlags[d] = ((buf[l4 + TcpField.DATA_OFF]! & 0x0f) << 8) | buf[l4 + TcpField.FLAGS]!;
    out.tcpWindow[d] = (buf[l4 + TcpField.WINDOW]! << 8) | buf[l4 + TcpField.WINDOW + 1]!;
    out.has[d]! |= has | HAS_TCP;
    const payload = l4 + value;
    out.setPayload(payload, ipEnd);
    if (value > TcpField.MIN_HEADER_LEN) decodeTcpOptions(buf, l4 + TcpField.MIN_HEADER_LEN, payload, out, d);
    return;
  }
  if (kind === Upper.UDP || kind === Upper.VXLAN || kind === Upper.GENEVE) {
    const srcPort = (buf[l4 + UdpField.SRC_PORT]! << 8) | buf[l4 + UdpField.SRC_PORT + 1]!;
    const dstPort = (buf[l4 + UdpField.DST_PORT]! << 8) | buf[l4 + UdpField.DST_PORT + 1]!;
    out.srcPort[d] = srcPort;
    out.dstPort[d] = dstPort;
    out.udpLength[d] = value;
    const payload = l4 + UdpField.HEADER_LEN;
    const udpEnd = l4 + value < ipEnd ? l4 + value : ipEnd; // a first fragment ends first
    let bits = has | HAS_UDP;
    if ((srcPort === DNS_PORT || dstPort === DNS_PORT) && payload + 2 <= udpEnd) {
      out.dnsId[d] = (buf[payload]! << 8) | buf[payload + 1]!;
      bits |= Has.DNS_ID;
    }
    out.has[d]! |= bits;
    out.setPayload(payload, udpEnd);
    return;
  }
  if (kind === Upper.ICMP) {
    // ICMP and ICMPv6 queries keep the identifier and sequence at the same offsets.
    out.icmpType[d] = value;
    out.icmpCode[d] = buf[l4 + IcmpField.CODE]!;
    let bits = has | Has.ICMP;
    if (version === 4 ? isIcmpv4Query(value) : value === Icmpv6Type.ECHO_REQUEST || value === Icmpv6Type.ECHO_REPLY) {
      out.icmpId[d] = (buf[l4 + IcmpField.ID]! << 8) | buf[l4 + IcmpField.ID + 1]!;
      out.icmpSeq[d] = (buf[l4 + IcmpField.SEQ]! << 8) | buf[l4 + IcmpField.SEQ + 1]!;
      bits |= Has.ICMP_QUERY;
    }
    out.has[d]! |= bits;
    out.setPayload(l4 + IcmpField.HEADER_LEN, ipEnd);
    return;
  }
  out.has[d]! |= has; // OPAQUE
  out.setPayload(l4, ipEnd);
}

/**
 * After storeUpper for Upper.VXLAN or Upper.GENEVE (UDP at l4, `udpLength`): what vxlan.ts or
 * geneve.ts does — depth + 1 opened with its VNI (and Geneve's protocol type), the inner frame or
 * packet scheduled on [header end, UDP end).
 */
export function openTunnel(kind: number, buf: Uint8Array, l4: number, udpLength: number, out: PacketView): void {
  const header = l4 + UdpField.HEADER_LEN;
  const udpEnd = l4 + udpLength;
  if (kind === Upper.VXLAN) {
    out.enterTunnel(Tunnel.VXLAN, header);
    const d = out.depth;
    out.encapId[d] = (buf[header + VxlanField.VNI]! << 16) | (buf[header + VxlanField.VNI + 1]! << 8) | buf[header + VxlanField.VNI + 2]!;
    out.has[d]! |= Has.ENCAP_ID;
    out.next(Next.ETHERNET, header + VxlanField.HEADER_LEN, udpEnd);
    return;
  }
  const proto = (buf[header + GeneveField.PROTOCOL]! << 8) | buf[header + GeneveField.PROTOCOL + 1]!;
  const headerLen = GeneveField.HEADER_LEN + (buf[header + GeneveField.VER_OPTLEN]! & 0x3f) * GENEVE_OPTION_UNIT;
  out.enterTunnel(Tunnel.GENEVE, header);
  const d = out.depth;
  out.encapId[d] = (buf[header + GeneveField.VNI]! << 16) | (buf[header + GeneveField.VNI + 1]! << 8) | buf[header + GeneveField.VNI + 2]!;
  out.encapProto[d] = proto;
  out.has[d]! |= Has.ENCAP_ID | Has.ENCAP_PROTO;
  out.next(proto === EtherType.TEB ? Next.ETHERNET : proto === EtherType.IPV4 ? Next.IPV4 : Next.IPV6, header + headerLen, udpEnd);
}

/** IP protocols dispatchIpProto records without scheduling a decoder, in IPv4 outside a quote. */
export function isOpaqueIpv4(proto: number): boolean {
  switch (proto) {
    case IpProto.TCP:
    case IpProto.UDP:
    case IpProto.ICMP:
    case IpProto.ICMPV6:
    case IpProto.AH:
    case IpProto.GRE:
    case IpProto.IPV4:
    case IpProto.IPV6:
      return false;
  }
  return true;
}
