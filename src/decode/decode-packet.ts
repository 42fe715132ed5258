// The layer driver: runs one decoder after another on the same packet view until a decoder
// schedules nothing more (gopacket's DecodingLayerParser loop). Decoders never call each other;
// each records its fields and names the next layer with `out.next(...)`. Tunnels and ICMP quotes
// open depth + 1 and hand the inner bytes to the same decoders.
//
// Per packet this allocates nothing, makes no strings and throws nothing.

import { decodeArp } from './arp.js';
import { decodeErspan } from './erspan.js';
import { decodeEthernet } from './ethernet.js';
import { decodeFastInner } from './fast-inner.js';
import { decodeFast, Fast } from './fast-path.js';
import { decodeGeneve } from './geneve.js';
import { decodeGre } from './gre.js';
import { decodeIcmp } from './icmp.js';
import { decodeIcmpv6 } from './icmpv6.js';
import { decodeAuthHeader } from './ip-auth.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { decodeIpv6Ext } from './ipv6-ext.js';
import { MAX_HEADERS, Next, State, Tunnel } from './layers.js';
import { decodeLlc } from './llc.js';
import { decodeMpls } from './mpls.js';
import { decodeNullLoop } from './null-loop.js';
import { NO_DECLARED_END, type PacketView } from './packet-view.js';
import { decodePppoe } from './pppoe.js';
import { decodeRawIp } from './raw-ip.js';
import { decodeSll } from './sll.js';
import { decodeSll2 } from './sll2.js';
import { DecodeStatus, Reason } from './status.js';
import { decodeTcp } from './tcp.js';
import { decodeUdp } from './udp.js';
import { decodeVlan } from './vlan.js';
import { decodeVxlan } from './vxlan.js';
import { decodeIpInUdp } from './ip-in-udp.js';
import { decodeNflog } from './nflog.js';
import { decodeWireguard } from './wireguard.js';

/** The first decoder for a LINKTYPE_ value, or Next.NONE when natpath does not decode it. */
export function firstLayerFor(linkType: number): number {
  switch (linkType) {
    case 1: // EN10MB
      return Next.ETHERNET;
    case 113: // LINUX_SLL
      return Next.SLL;
    case 276: // LINUX_SLL2
      return Next.SLL2;
    case 0: // NULL
      return Next.NULL;
    case 108: // LOOP
      return Next.LOOP;
    case 101: // RAW
    case 12: // old DLT_RAW
    case 14: // old DLT_RAW (BSD/OS, OpenBSD)
      return Next.RAW_IP;
    case 228: // IPV4
      return Next.IPV4;
    case 229: // IPV6
      return Next.IPV6;
    case 239: // NFLOG
      return Next.NFLOG;
  }
  return Next.NONE;
}

export function isLinkTypeSupported(linkType: number): boolean {
  return firstLayerFor(linkType) !== Next.NONE;
}

/**
 * Decodes the frame buf[off, end) (end = off + capLength) captured with `linkType` into `out`.
 * `origLength` (the on-the-wire length, -1 if unknown) lets IP lengths larger than the frame be
 * told apart from a snaplen cut. Returns the status also stored in `out.status`.
 */
export function decodePacket(
  linkType: number,
  buf: Uint8Array,
  off: number,
  end: number,
  out: PacketView,
  origLength = -1,
): DecodeStatus {
  if (end > buf.length) end = buf.length;
  if (end < off) end = off;
  out.begin(linkType, buf, off, end, origLength);
  // The frame's declared end: what the wire carried. Unknown → every shortfall is a capture cut.
  const frameEnd = origLength < 0 ? NO_DECLARED_END : off + origLength > end ? off + origLength : end;
  // Plain Ethernet/SLL2 → IPv4 → TCP/UDP/... in one step; anything else falls through untouched.
  const fast = out.fastPath ? decodeFast(linkType, buf, off, end, frameEnd, out) : Fast.NOT_TAKEN;
  if (fast === Fast.DONE) return finish(out);

  let layer = firstLayerFor(linkType);
  let at = off;
  let limit = frameEnd;
  if (fast === Fast.TUNNEL) {
    // The fast path took the outer layers of a VXLAN or Geneve packet: the inner frame or packet
    // goes on from here, by its own fast path when it is a plain one (every byte of it captured).
    if (decodeFastInner(out.nextLayer, buf, out.nextOff, out.nextEnd, out)) return finish(out);
    layer = out.nextLayer;
    at = out.nextOff;
    limit = out.nextEnd;
  }
  if (layer === Next.NONE) out.fail(Reason.LINK_TYPE_UNSUPPORTED, off);
  for (let steps = 0; layer !== Next.NONE; steps++) {
    if (steps >= MAX_HEADERS) {
      out.fail(Reason.TOO_MANY_HEADERS, at);
      break;
    }
    out.nextLayer = Next.NONE;
    if (runDecoder(layer, out.buf, at, limit, out) !== DecodeStatus.Ok) break;
    layer = out.nextLayer;
    at = out.nextOff;
    limit = out.nextEnd;
  }
  return finish(out);
}

function runDecoder(layer: number, buf: Uint8Array, off: number, end: number, out: PacketView): DecodeStatus {
  switch (layer) {
    case Next.ETHERNET:
      return decodeEthernet(buf, off, end, out);
    case Next.VLAN:
      return decodeVlan(buf, off, end, out);
    case Next.LLC:
      return decodeLlc(buf, off, end, out);
    case Next.SLL:
      return decodeSll(buf, off, end, out);
    case Next.SLL2:
      return decodeSll2(buf, off, end, out);
    case Next.NULL:
      return decodeNullLoop(buf, off, end, out, false);
    case Next.LOOP:
      return decodeNullLoop(buf, off, end, out, true);
    case Next.RAW_IP:
      return decodeRawIp(buf, off, end, out);
    case Next.ARP:
      return decodeArp(buf, off, end, out);
    case Next.IPV4:
      return decodeIpv4(buf, off, end, out);
    case Next.IPV6:
      return decodeIpv6(buf, off, end, out);
    case Next.IPV6_EXT:
      return decodeIpv6Ext(buf, off, end, out);
    case Next.AH:
      return decodeAuthHeader(buf, off, end, out);
    case Next.TCP:
      return decodeTcp(buf, off, end, out);
    case Next.UDP:
      return decodeUdp(buf, off, end, out);
    case Next.ICMP:
      return decodeIcmp(buf, off, end, out);
    case Next.ICMPV6:
      return decodeIcmpv6(buf, off, end, out);
    case Next.GRE:
      return decodeGre(buf, off, end, out);
    case Next.VXLAN:
      return decodeVxlan(buf, off, end, out);
    case Next.GENEVE:
      return decodeGeneve(buf, off, end, out);
    case Next.ERSPAN2:
      return decodeErspan(buf, off, end, out, false);
    case Next.ERSPAN3:
      return decodeErspan(buf, off, end, out, true);
    case Next.WIREGUARD:
      return decodeWireguard(buf, off, end, out);
    case Next.IP_IN_UDP:
      return decodeIpInUdp(buf, off, end, out);
    case Next.NFLOG:
      return decodeNflog(buf, off, end, out);
    case Next.PPPOE:
      return decodePppoe(buf, off, end, out);
    case Next.MPLS:
      return decodeMpls(buf, off, end, out);
  }
  return DecodeStatus.Ok;
}

function finish(out: PacketView): DecodeStatus {
  // The first problem recorded wins (a soft malformation noted on the way stays the status).
  if (out.status === DecodeStatus.Ok && out.cut) out.fail(Reason.PAYLOAD_CUT, out.capEnd);
  const st = out.status;
  for (let d = out.depthCount - 1; d >= 0; d--) {
    if (out.ipVersion[d] !== 0 && (out.state[d]! & State.QUOTED) === 0) {
      out.flowDepth = d;
      break;
    }
  }
  const c = out.counters;
  c.packets++;
  c.byStatus[st]!++;
  c.byReason[out.reason]!++;
  if (out.arpDepth >= 0) c.arp++;
  else if (out.nonIpDepth >= 0) c.nonIp++;
  if (out.depthCount > 1 && out.encapType[1] !== Tunnel.ICMP_QUOTE && out.encapType[1] !== Tunnel.ICMPV6_QUOTE) c.tunnelled++;
  return st;
}
