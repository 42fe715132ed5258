// Builds the `natpath decode` per-packet record (report/decode-record.ts) from the decoder's
// reused PacketView and PacketRecord, only for packets that are printed: objects and strings are
// allowed here, never on the per-packet path of counting.

import type { PacketRecord } from '../capture/index.js';
import { formatEpochSeconds } from '../capture/index.js';
import { DecodeStatus, Has, IpProto, PacketView, protoName, reasonName, Tunnel, tunnelName } from '../decode/index.js';
import { formatIpv4 } from '../net/ipv4.js';
import { formatIpv6 } from '../net/ipv6.js';
import type { DecodeRecord, EncapLayer } from '../report/decode-record.js';

const PACKET_TYPES = ['host', 'broadcast', 'multicast', 'otherhost', 'outgoing'];
const STATUS = ['ok', 'truncated', 'malformed', 'unsupported'] as const;

/** tcpdump's flag letters: S F R P . (ack) U E W; "none" when no flag is set. */
export function formatTcpFlags(flags: number): string {
  let s = '';
  if (flags & 0x02) s += 'S';
  if (flags & 0x01) s += 'F';
  if (flags & 0x04) s += 'R';
  if (flags & 0x08) s += 'P';
  if (flags & 0x20) s += 'U';
  if (flags & 0x40) s += 'E';
  if (flags & 0x80) s += 'W';
  if (flags & 0x10) s += '.';
  return s === '' ? 'none' : s;
}

export function addressAt(view: PacketView, d: number, dst: boolean): string | null {
  if (view.hasField(d, Has.IPV4)) return formatIpv4(dst ? view.dst4[d]! : view.src4[d]!);
  if (view.hasField(d, Has.IPV6)) return formatIpv6(view.addr6, d * 8 + (dst ? 4 : 0));
  return null;
}

function nullIfNegative(n: number): number | null {
  return n < 0 ? null : n;
}

/** The tunnel layers of the packet, outermost first (ICMP quotes excluded: they are not tunnels). */
export function encapLayers(view: PacketView): EncapLayer[] {
  const layers: EncapLayer[] = [];
  for (let d = 1; d < view.depthCount; d++) {
    const type = view.encapType[d]!;
    if (type === Tunnel.ICMP_QUOTE || type === Tunnel.ICMPV6_QUOTE) break;
    const outer = d - 1;
    const udp = (type === Tunnel.VXLAN || type === Tunnel.GENEVE) && view.hasField(outer, Has.PORTS);
    layers.push({
      type: tunnelName(type),
      src: addressAt(view, outer, false),
      dst: addressAt(view, outer, true),
      sport: udp ? view.srcPort[outer]! : null,
      dport: udp ? view.dstPort[outer]! : null,
      vni: nullIfNegative(view.encapIdAt(d)),
    });
  }
  return layers;
}

export function buildDecodeRecord(view: PacketView, r: PacketRecord, interfaceName: string | null, tsText: string | null): DecodeRecord {
  const d = view.flowDepth;
  const proto = view.l4ProtoAt(d);
  const isTcp = proto === IpProto.TCP;
  const isIcmp = (proto === IpProto.ICMP || proto === IpProto.ICMPV6) && view.hasField(d, Has.ICMP);
  const tcpFlags = isTcp && view.hasField(d, Has.TCP_FLAGS) ? formatTcpFlags(view.tcpFlags[d]!) : null;
  const tcpSeq = isTcp ? nullIfNegative(view.tcpSeqAt(d)) : null;
  const tcpAck = isTcp ? nullIfNegative(view.tcpAckAt(d)) : null;
  const encap = encapLayers(view);
  const inner = encap.length > 0 ? encap[encap.length - 1]! : null;
  const pktType = view.pktType;
  let nonIp: string | null = null;
  // Decoding ended on something that is not IP, inside the innermost IP layer's tunnel or instead of IP.
  if (view.arpDepth > d) nonIp = 'arp';
  else if (view.nonIpDepth > d) nonIp = `0x${view.nonIpEtherType.toString(16).padStart(4, '0')}`;
  return {
    frame: r.frameNumber,
    ts: tsText,
    interface: interfaceName,
    ifIndex: view.ifIndex >= 0 ? view.ifIndex : null,
    nflogPrefix: view.nflogGroup < 0 ? null : view.nflogPrefixOff < 0 ? '' : new TextDecoder().decode(view.buf.subarray(view.nflogPrefixOff, view.nflogPrefixOff + view.nflogPrefixLen)),
    direction: pktType >= 0 ? (pktType === 4 ? 'out' : 'in') : r.direction === 1 ? 'in' : r.direction === 2 ? 'out' : null,
    packetType: pktType < 0 ? null : (PACKET_TYPES[pktType] ?? String(pktType)),
    linkType: r.linkType,
    length: r.origLength,
    capLength: r.capLength,
    ipVersion: d >= 0 ? (view.ipVersion[d] as 4 | 6) : null,
    src: d >= 0 ? addressAt(view, d, false) : null,
    dst: d >= 0 ? addressAt(view, d, true) : null,
    proto: proto >= 0 ? protoName(proto) : null,
    sport: nullIfNegative(view.srcPortAt(d)),
    dport: nullIfNegative(view.dstPortAt(d)),
    ipId: d >= 0 && view.ipVersion[d] === 4 ? nullIfNegative(view.ipIdAt(d)) : null,
    tcpSeq,
    tcpAck,
    tcpFlags,
    tcp: isTcp ? { seq: tcpSeq, ack: tcpAck, flags: tcpFlags } : null,
    icmp: isIcmp
      ? { type: view.icmpType[d]!, code: view.icmpCode[d]!, id: nullIfNegative(view.icmpIdAt(d)), seq: nullIfNegative(view.icmpSeqAt(d)) }
      : null,
    encap,
    tunnel: inner === null ? null : { kind: inner.type, vni: inner.vni, outerSrc: inner.src, outerDst: inner.dst },
    fingerprint: d >= 0 ? (view.fingerprint >>> 0).toString(16).padStart(8, '0') : null,
    nonIp,
    status: STATUS[view.status] ?? 'ok',
    truncated: view.status === DecodeStatus.Truncated,
    malformed: view.status === DecodeStatus.Malformed || view.status === DecodeStatus.Unsupported ? reasonName(view.reason) : null,
  };
}

/** The record's `ts`: exact decimal epoch seconds in the file's precision, or null. */
export function recordTimestamp(r: PacketRecord, resolution: Parameters<typeof formatEpochSeconds>[2] | null): string | null {
  if (!r.hasTimestamp || resolution === null) return null;
  return formatEpochSeconds(r.tsSeconds, r.tsFraction, resolution);
}
