// The fast path for the packet inside a tunnel that decodeFast opened (VXLAN, Geneve): at the
// view's current depth, an Ethernet II frame (VXLAN, Geneve with protocol type 0x6558) or a bare IP
// packet (Geneve with protocol type IPv4 / IPv6) → IPv4 without options, not a fragment, or IPv6
// without extension headers → TCP, UDP that is not a tunnel port, an ICMP / ICMPv6 message that
// is not an error, or (IPv4) an upper layer not decoded further.
//
//  depth d:  Ethernet 14 B (or none) | IPv4 20 B / IPv6 40 B | TCP / UDP / ICMP | payload
//
// Why a second entry and not decodeFast at any depth: indexing every store by a depth costs the
// packets that are not tunnelled (~6 ns each on the bench's small packets, docs/performance.md),
// and those are most of any capture. Here the depth is a variable and only tunnelled packets pay.
//
// Contract, as for decodeFast: a packet it takes ends exactly as the general decoders leave it
// (test/decode/fast-path.test.ts compares the whole view); one it does not take is left untouched
// and the driver goes on with `out.nextLayer`. Nested tunnels, VLAN tags, fragments, options,
// extension headers and every malformation are the general path's.

import { EthField } from './ethernet.js';
import { checkUpper, HAS_IP4, HAS_IP6, MF_AND_OFFSET, NOT_FAST, storeIpv4, storeIpv6, STATE_IP, STATE_WHOLE, storeUpper, Upper, upperKind, VER_IHL_PLAIN } from './fast-layers.js';
import { Ipv4Field } from './ipv4.js';
import { Ipv6Field } from './ipv6.js';
import { EtherType, Has, Next } from './layers.js';
import type { PacketView } from './packet-view.js';


/**
 * Decodes `layer` (Next.ETHERNET, Next.IPV4 or Next.IPV6, as the tunnel scheduled it) on [off, end)
 * at out.depth, where every byte up to `end` is captured. Returns true when the packet is decoded,
 * false (nothing written) when the general decoders must do it.
 */
export function decodeFastInner(layer: number, buf: Uint8Array, off: number, end: number, out: PacketView): boolean {
  let ip = off;
  let etherType: number;
  if (layer === Next.ETHERNET) {
    ip = off + EthField.HEADER_LEN;
    if (ip > end) return false;
    etherType = (buf[off + EthField.TYPE]! << 8) | buf[off + EthField.TYPE + 1]!;
  } else if (layer === Next.IPV4) {
    etherType = EtherType.IPV4;
  } else if (layer === Next.IPV6) {
    etherType = EtherType.IPV6;
  } else {
    return false;
  }
  const ports = out.udpPortKinds;
  let checked: number;
  let l4: number;
  let ipEnd: number;
  let has: number;
  if (etherType === EtherType.IPV4) {
    if (ip + Ipv4Field.MIN_HEADER_LEN > end || buf[ip + Ipv4Field.VER_IHL] !== VER_IHL_PLAIN) return false;
    const flagsFrag = (buf[ip + Ipv4Field.FLAGS_FRAG]! << 8) | buf[ip + Ipv4Field.FLAGS_FRAG + 1]!;
    if ((flagsFrag & MF_AND_OFFSET) !== 0) return false;
    const totalLen = (buf[ip + Ipv4Field.TOTAL_LEN]! << 8) | buf[ip + Ipv4Field.TOTAL_LEN + 1]!;
    l4 = ip + Ipv4Field.MIN_HEADER_LEN;
    ipEnd = ip + totalLen;
    if (ipEnd > end || l4 > ipEnd) return false;
    checked = checkUpper(4, buf[ip + Ipv4Field.PROTOCOL]!, buf, l4, ipEnd, ports, false, false);
    if (checked === NOT_FAST) return false;
    storeIpv4(buf, ip, totalLen, flagsFrag, out.depth, out);
    has = HAS_IP4;
  } else if (etherType === EtherType.IPV6) {
    if (ip + Ipv6Field.HEADER_LEN > end) return false;
    const first = (buf[ip + Ipv6Field.VER_TC_FLOW]! << 24) | (buf[ip + Ipv6Field.VER_TC_FLOW + 1]! << 16) | (buf[ip + Ipv6Field.VER_TC_FLOW + 2]! << 8) | buf[ip + Ipv6Field.VER_TC_FLOW + 3]!;
    if (first >>> 28 !== 6) return false;
    const payloadLen = (buf[ip + Ipv6Field.PAYLOAD_LEN]! << 8) | buf[ip + Ipv6Field.PAYLOAD_LEN + 1]!;
    l4 = ip + Ipv6Field.HEADER_LEN;
    ipEnd = l4 + payloadLen;
    if (payloadLen === 0 || ipEnd > end) return false;
    checked = checkUpper(6, buf[ip + Ipv6Field.NEXT_HEADER]!, buf, l4, ipEnd, ports, false, false);
    if (checked === NOT_FAST) return false;
    storeIpv6(buf, ip, first, payloadLen, out.depth, out);
    has = HAS_IP6;
  } else {
    return false; // VLAN, ARP, LLC, ...: the general path
  }

  // Accepted: the link layer as ethernet.ts and ethertype.ts write it (none after a Geneve tunnel
  // that carries IP), then the upper layer.
  const d = out.depth;
  if (layer === Next.ETHERNET) {
    out.ethOff[d] = off;
    out.etherType[d] = etherType;
    has |= Has.ETHERNET | Has.ETHERTYPE;
  }
  out.nextLayer = Next.NONE;
  if (upperKind(checked) === Upper.OPAQUE) {
    // Nothing scheduled after IP: the tunnel's (or the inner Ethernet's) hand-over is the last one.
    out.nextOff = ip;
    out.nextEnd = end;
    out.state[d]! |= STATE_IP;
  } else {
    out.nextOff = l4;
    out.nextEnd = ipEnd;
    out.state[d]! |= STATE_WHOLE;
  }
  storeUpper(checked, etherType === EtherType.IPV4 ? 4 : 6, buf, l4, ipEnd, has, out);
  return true;
}
