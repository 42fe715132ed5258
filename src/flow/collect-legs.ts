// One pass over a capture: decode every packet and file it into the leg table of its capture
// point. This is the per-packet path of `analyze`: one record, one view, one LegInput, reused.

import { readCaptureFile, readCaptureStream, type CaptureReadControl, type CaptureReadResult, LinkType, PacketRecord } from '../capture/index.js';
import { Has, PacketView, SllPacketType, Tunnel, applyTunnelPorts, decodePacket, fmix32i, mix32i, type TunnelPorts } from '../decode/index.js';
import { isIcmpv4Error, isIcmpv6Error } from '../net/icmp-types.js';
import type { Diagnostic } from '../text/diagnostic.js';
import { LegInput, LegTable, QUOTE_ADDRESSES, QUOTE_PORTS } from './leg-table.js';
import { LinkDirection } from './recorded-direction.js';

/** Where in a host a capture saw packets: an interface of a pcapng file, an SLL2 ifindex, or "any". */
export interface CapturePoint {
  index: number;
  /** The reader's interface (pcapng IDB) the packets came from. */
  fileInterface: number;
  /** Kernel interface index from Linux cooked v2 headers, or -1. */
  ifIndex: number;
  /** Interface name when the file states it (pcapng if_name), else null (resolved later from snapshots). */
  name: string | null;
  linkType: number;
  packets: number;
}

export interface CaptureLegs {
  file: string;
  points: CapturePoint[];
  legs: LegTable;
  read: CaptureReadResult;
  packets: number;
  /** Packets with no IP layer natpath could follow (ARP, LLDP, ...), counted, not filed. */
  nonIp: number;
  /** Packets whose decoding stopped early (malformed, truncated or unsupported), still filed when they had IP. */
  damaged: number;
  firstTs: number;
  lastTs: number;
  diagnostics: Diagnostic[];
}

const NFLOG_LINK_TYPE = 239;
/** Capture points found by a scan of their keys before the Map (see pointOf). */
const SCANNED_POINTS = 8;
/** Above every `interfaceIndex * 2^32 + ifindex` key, below 2^53 with a 32-bit hash * 2^16. */
const NFLOG_KEY_BASE = 2 ** 52;

/** FNV-1a of the NFLOG prefix bytes (a number; no string per packet). */
function nflogPrefixHash(view: PacketView): number {
  let h = 0x811c9dc5;
  const buf = view.buf;
  for (let i = view.nflogPrefixOff, e = i + view.nflogPrefixLen; i >= 0 && i < e; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h >>> 0;
}

/** The capture point's label: the rule's `--nflog-prefix`, or `nflog:GROUP` when it has none. */
function nflogLabel(view: PacketView): string {
  if (view.nflogPrefixOff < 0 || view.nflogPrefixLen === 0) return `nflog:${view.nflogGroup}`;
  return new TextDecoder('utf-8', { fatal: false }).decode(view.buf.subarray(view.nflogPrefixOff, view.nflogPrefixOff + view.nflogPrefixLen)).trim();
}

/** Called now and then with the byte offset reached (of the decompressed stream for gzip). */
export type OnBytes = (offset: number) => void;

/**
 * `openStream` is given for a capture that is not a file on disk (an entry of a case archive);
 * `captureBytes`, its size when known, presizes the leg table's samples (LegTable).
 */
export async function collectLegs(
  path: string,
  displayPath: string,
  onBytes?: OnBytes,
  openStream?: () => AsyncIterable<Uint8Array>,
  tunnelPorts?: TunnelPorts,
  captureBytes?: number,
): Promise<CaptureLegs> {
  const legs = new LegTable(captureBytes);
  const view = new PacketView();
  // The capturing host's own tunnel ports (its `ip -d link`), beyond the defaults.
  if (tunnelPorts !== undefined) applyTunnelPorts(view, tunnelPorts);
  const input = new LegInput();
  // The prints of a TCP packet, made only if the leg table samples it (LegInput.fillPrints).
  const fillTcpPrints = (): void => {
    const d = view.flowDepth;
    input.fingerprint = view.fingerprintAt(d);
    input.looseFingerprint = looseFingerprint(view, d, view.ipVersion[d]!, view.has[d]!);
  };
  const record = new PacketRecord();
  const points: CapturePoint[] = [];
  const pointByKey = new Map<number, number>();
  let lastKey = -1;
  let lastPoint = -1;
  let packets = 0;
  let nonIp = 0;
  let damaged = 0;
  // First and last time in an array, not in variables the closure below captures: a captured
  // variable holding a fraction is a new heap number at every assignment.
  const span = Float64Array.of(Infinity, -Infinity);

  // Each point's key, in point order: an `any` capture switches point at nearly every packet (the
  // same packet at the pod's veth, the bridge, the uplink), and a scan of a few numbers costs
  // less than a Map look-up of a fractional key.
  const pointKeys = new Float64Array(SCANNED_POINTS);
  const pointOf = (r: PacketRecord): number => {
    const nflog = r.linkType === NFLOG_LINK_TYPE;
    const ifIndex = r.linkType === LinkType.LINUX_SLL2 || nflog ? view.ifIndex : -1;
    // NFLOG: each rule prefix is its own capture point (the rule that copied the packet says where it was).
    const key = nflog ? NFLOG_KEY_BASE + nflogPrefixHash(view) * 0x1_0000 + ((ifIndex + 1) & 0xffff) : r.interfaceIndex * 0x1_0000_0000 + (ifIndex + 1);
    if (key === lastKey) return lastPoint;
    const scanned = points.length < SCANNED_POINTS ? points.length : SCANNED_POINTS;
    for (let i = 0; i < scanned; i++) {
      if (pointKeys[i] === key) {
        lastKey = key;
        lastPoint = i;
        return i;
      }
    }
    let point = pointByKey.get(key);
    if (point === undefined) {
      point = points.length;
      // Made once per capture point, not per packet.
      const name = nflog ? nflogLabel(view) : null;
      points.push({ index: point, fileInterface: r.interfaceIndex, ifIndex, name, linkType: r.linkType, packets: 0 });
      pointByKey.set(key, point);
      if (point < SCANNED_POINTS) pointKeys[point] = key;
    }
    lastKey = key;
    lastPoint = point;
    return point;
  };

  const read = await readCaptureFrom(
    path,
    openStream,
    (r) => {
      // Every 64 Ki packets: cheap enough to leave on, often enough for a progress bar.
      if ((++packets & 0xffff) === 0 && onBytes !== undefined) onBytes(r.fileOffset);
      decodePacket(r.linkType, r.data, r.dataOffset, r.dataOffset + r.capLength, view, r.origLength);
      if (view.status !== 0) damaged++;
      const d = view.flowDepth;
      if (d < 0) {
        nonIp++;
        return;
      }
      const point = pointOf(r);
      points[point]!.packets++;
      const ts = r.hasTimestamp ? r.tsSeconds + r.tsNanos / 1e9 : 0;
      if (r.hasTimestamp) {
        if (ts < span[0]!) span[0] = ts;
        if (ts > span[1]!) span[1] = ts;
      }
      fillInput(input, view, d, fillTcpPrints);
      input.point = point;
      input.ts = ts;
      input.tsSeconds = r.hasTimestamp ? r.tsSeconds : 0;
      input.tsNanos = r.hasTimestamp ? r.tsNanos : 0;
      input.wireBytes = r.origLength;
      // The cooked header's packet type, else pcapng's epb_flags (1 inbound, 2 outbound).
      input.linkDirection =
        view.pktType >= 0
          ? view.pktType === SllPacketType.OUTGOING
            ? LinkDirection.OUT
            : LinkDirection.IN
          : r.direction === 2
            ? LinkDirection.OUT
            : r.direction === 1
              ? LinkDirection.IN
              : LinkDirection.NONE;
      legs.add(input);
    },
    { record },
  );
  // pcapng names its interfaces; SLL2 ifindexes are named later from the host's snapshots.
  for (const p of points) if (p.ifIndex < 0) p.name = read.interfaces[p.fileInterface]?.name ?? null;
  const diagnostics = read.diagnostics.map((d) => ({ ...d, place: { ...d.place, file: displayPath } }));
  return { file: displayPath, points, legs, read, packets, nonIp, damaged, firstTs: span[0]!, lastTs: span[1]!, diagnostics };
}

/**
 * Copies the flow depth's addresses, ports, protocol and tunnel into the reused input. `d` is the
 * flow depth (in range), so its field bits are read once, not through a bounds-checked hasField
 * per field.
 */
function fillInput(input: LegInput, view: PacketView, d: number, fillTcpPrints: () => void): void {
  const has = view.has[d]!;
  const version = view.ipVersion[d]!;
  input.ipVersion = version;
  const proto = (has & Has.L4) !== 0 ? view.l4Proto[d]! : view.ipProto[d]!;
  input.proto = proto;
  copyAddresses(view, d, input.src, input.dst);
  const ports = (has & Has.PORTS) !== 0;
  input.srcPort = ports ? view.srcPort[d]! : 0;
  input.dstPort = ports ? view.dstPort[d]! : 0;
  // ICMP echo: the identifier plays the role of a port (conntrack and NAT treat it so).
  if (!ports && (has & Has.ICMP_QUERY) !== 0) {
    input.srcPort = view.icmpId[d]!;
    input.dstPort = view.icmpId[d]!;
  }
  input.tcpFlags = (has & Has.TCP_FLAGS) !== 0 ? view.tcpFlags[d]! : -1;
  input.opensBy = (has & Has.ICMP) !== 0 ? icmpOpener(version, view.icmpType[d]!) : -1;
  input.tcpSeq = (has & Has.TCP_SEQ) !== 0 ? view.tcpSeq[d]! : -1;
  input.ipId = version === 4 && (has & Has.IP_ID) !== 0 ? view.ipId[d]! : -1;
  if (input.tcpFlags >= 0) {
    // Filing a TCP packet reads no print: made if it is sampled (most of a long connection is not).
    input.fillPrints = fillTcpPrints;
  } else {
    input.fillPrints = null;
    input.fingerprint = view.fingerprintAt(d);
    input.looseFingerprint = proto === 6 ? looseFingerprint(view, d, version, has) : input.fingerprint;
  }
  input.ttl = view.ttl[d]!;
  input.matchable = isDistinctive(view, d, version, proto, input.dst, has);
  fillQuote(input, view, d);
  const encap = view.encapType[d]!;
  input.encap = encap === Tunnel.ICMP_QUOTE || encap === Tunnel.ICMPV6_QUOTE ? 0 : encap;
  input.vni = input.encap !== 0 && (has & Has.ENCAP_ID) !== 0 ? view.encapId[d]! : 0;
  input.outerVersion = 0;
  if (input.encap !== 0) {
    // The tunnel's own addresses are the innermost IP header above this depth.
    for (let o = d - 1; o >= 0; o--) {
      const v = view.ipVersion[o]!;
      if (v === 4 || v === 6) {
        input.outerVersion = v;
        copyAddresses(view, o, input.outerSrc, input.outerDst);
        break;
      }
    }
  }
}

/**
 * An ICMP error (v4 types 3, 4, 5, 11, 12; ICMPv6 1–4: those the decoder reads a quote from) and
 * what it quotes: the datagram it is about, by which conntrack relates it to that datagram's
 * connection and NAT rewrites it. A quote cut short keeps what was read (QUOTE_* bits).
 */
function fillQuote(input: LegInput, view: PacketView, d: number): void {
  input.icmpError = -1;
  input.quoteFields = 0;
  if (!view.hasField(d, Has.ICMP) || !isIcmpError(input.proto, view.icmpType[d]!)) return;
  input.icmpError = (view.icmpType[d]! << 8) | view.icmpCode[d]!;
  const q = d + 1;
  const quoted = q < view.depthCount && (view.encapType[q] === Tunnel.ICMP_QUOTE || view.encapType[q] === Tunnel.ICMPV6_QUOTE);
  if (!quoted || (view.ipVersion[q] !== 4 && view.ipVersion[q] !== 6)) return;
  input.quoteFields = QUOTE_ADDRESSES;
  input.quoteProto = view.l4ProtoAt(q) < 0 ? view.ipProto[q]! : view.l4Proto[q]!;
  copyAddresses(view, q, input.quoteSrc, input.quoteDst);
  if (view.hasField(q, Has.PORTS)) {
    input.quoteFields |= QUOTE_PORTS;
    input.quoteSrcPort = view.srcPort[q]!;
    input.quoteDstPort = view.dstPort[q]!;
  } else if (view.hasField(q, Has.ICMP_QUERY)) {
    input.quoteFields |= QUOTE_PORTS;
    input.quoteSrcPort = input.quoteDstPort = view.icmpId[q]!;
  }
}

function isIcmpError(proto: number, type: number): boolean {
  return proto === 58 ? isIcmpv6Error(type) : proto === 1 && isIcmpv4Error(type);
}

/**
 * Who opened an ICMP exchange, by the packet's type (RFC 792, RFC 4443): a request's or an
 * error's sender (0), an echo/timestamp/information/mask reply's receiver (1), else -1. As
 * certain as a TCP SYN: a reply type is never sent first, an error never answered.
 */
function icmpOpener(version: number, type: number): number {
  if (version === 4) {
    if (type === 8 || type === 13 || type === 15 || type === 17) return 0;
    if (type === 0 || type === 14 || type === 16 || type === 18) return 1;
    return isIcmpv4Error(type) ? 0 : -1;
  }
  if (type === 128) return 0;
  if (type === 129) return 1;
  return isIcmpv6Error(type) ? 0 : -1;
}

/**
 * A TCP packet without its sequence numbers: IPv4 ID, timestamp option, payload length and hash.
 * Some middleboxes (firewalls randomising ISNs, TCP proxies) shift seq/ack by a constant per flow.
 */
function looseFingerprint(view: PacketView, d: number, version: number, has: number): number {
  // Signed reads and mixes (same bits): no heap number per packet (see fmix32i).
  let h = fmix32i(6 + 0x100);
  h = mix32i(h, version === 4 && (has & Has.IP_ID) !== 0 ? view.ipId[d]! : -1);
  h = mix32i(h, (has & Has.TCP_TIMESTAMP) !== 0 ? view.tsVal[d]! | 0 : -1);
  h = mix32i(h, (has & Has.PAYLOAD) !== 0 ? view.payloadLen[d]! : -1);
  return mix32i(h, view.payloadHashAt(d));
}

/**
 * Whether the fingerprint names one packet: TCP (sequence numbers), ICMP echo (sequence), an
 * IPv4 ID, or a UDP payload long enough to differ. IPv6 neighbour discovery, MLD and IGMP
 * reports repeat byte for byte on every host, and multicast is flooded, never NATed: matching
 * them would link unrelated legs.
 */
function isDistinctive(view: PacketView, d: number, version: number, proto: number, dst: Uint32Array, has: number): boolean {
  if (version === 4 ? dst[0]! >>> 28 === 0xe : dst[0]! >>> 24 === 0xff) return false;
  if (proto === 6) return (has & Has.TCP_SEQ) !== 0;
  if ((has & Has.ICMP_QUERY) !== 0) return true;
  if (version === 4 && (has & Has.IP_ID) !== 0 && view.ipId[d] !== 0) return true;
  return proto === 17 && (has & Has.PAYLOAD) !== 0 && view.payloadLen[d]! >= 8;
}

function copyAddresses(view: PacketView, d: number, src: Uint32Array, dst: Uint32Array): void {
  if (view.ipVersion[d] === 4) {
    src[0] = view.src4[d]!;
    dst[0] = view.dst4[d]!;
    src[1] = src[2] = src[3] = 0;
    dst[1] = dst[2] = dst[3] = 0;
    return;
  }
  const base = d * 8;
  for (let i = 0; i < 4; i++) {
    src[i] = view.addr6[base + i]!;
    dst[i] = view.addr6[base + 4 + i]!;
  }
}

function readCaptureFrom(
  path: string,
  openStream: (() => AsyncIterable<Uint8Array>) | undefined,
  onPacket: (record: PacketRecord, control: CaptureReadControl) => void,
  options: { record: PacketRecord },
): Promise<CaptureReadResult> {
  return openStream === undefined ? readCaptureFile(path, onPacket, options) : readCaptureStream(openStream(), path, onPacket, options);
}
