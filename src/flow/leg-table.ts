// The legs seen at the capture points of one capture file. A *leg* is one connection (both
// directions) as it looked at one capture point: its addresses and ports there, its
// encapsulation there, its packet counts, and a bounded sample of packet fingerprints that
// later match it with the same connection at other capture points.
//
// The key is the flow key (flow-key.ts: low endpoint first, so both directions land in the same
// leg) with the capture point, the encapsulation and the VNI added, so a packet seen inside VXLAN
// on eth0 is a different leg from the same packet seen bare on flannel.1.

import { fmix32 } from '../decode/index.js';
import { Column, ReleasableColumn, f64, i32, u32, u8 } from './columns.js';
import { isLowEndpoint, portsWord } from './flow-key.js';

/** Words per key: point, (version|proto|encap), vni, low address ×4, high address ×4, ports. */
export const KEY_WORDS = 12;
/** Fingerprints kept per leg: enough to match and time a connection, bounded whatever its size. */
export const SAMPLES_PER_LEG = 256;

/** Fields of the packet being added, set by the collector before `add` (no per-packet object). */
export class LegInput {
  point = 0;
  ipVersion = 4;
  proto = 0;
  encap = 0;
  vni = 0;
  /** Source and destination as 4 words each (IPv4 in word 0, others 0). */
  readonly src = new Uint32Array(4);
  readonly dst = new Uint32Array(4);
  srcPort = 0;
  dstPort = 0;
  /** Outer (tunnel) source and destination, when encap ≠ 0; outerVersion 0 otherwise. */
  outerVersion = 0;
  readonly outerSrc = new Uint32Array(4);
  readonly outerDst = new Uint32Array(4);
  /** Seconds since the epoch as a number (≈ 0.2 µs resolution) for arithmetic… */
  ts = 0;
  /** …and exactly, for reports: whole seconds and nanoseconds. */
  tsSeconds = 0;
  tsNanos = 0;
  wireBytes = 0;
  tcpFlags = -1;
  /** Who opened the exchange, by an ICMP type (collect-legs.ts icmpOpener): 0 this packet's sender, 1 its receiver, -1 not told. */
  opensBy = -1;
  /** TCP sequence number (for SYNs: which connection), -1 when not TCP. */
  tcpSeq = -1;
  fingerprint = 0;
  /**
   * When set, `fingerprint` and `looseFingerprint` are not filled yet and `add` calls this before
   * it samples the packet: a long connection's packets past its SAMPLES_PER_LEG are filed without
   * hashing them. Only for packets whose filing reads no print (TCP with its flags: a replay is
   * told by SYNs there, not by the opening datagram's print).
   */
  fillPrints: (() => void) | null = null;
  /** IPv4 identification, -1 for IPv6 (which has none in an unfragmented packet). */
  ipId = -1;
  /** The fingerprint without TCP seq/ack, for middleboxes that shift sequence numbers (equal to `fingerprint` for other protocols). */
  looseFingerprint = 0;
  /** IPv4 TTL / IPv6 hop limit: routers lower it, NAT does not touch it, so it orders capture points. */
  ttl = 0;
  /** False when the fingerprint would not tell this packet from others (no IP ID, seq or echo number). */
  matchable = true;
  /** 1 outgoing, 2 incoming, 0 unknown (from the link layer's packet type). */
  linkDirection = 0;
  /** An ICMP/ICMPv6 error: type << 8 | code; -1 for any other packet. */
  icmpError = -1;
  /** What the error quotes (conntrack finds the flow it is RELATED to by it): QUOTE_* bits, 0 when nothing could be read. */
  quoteFields = 0;
  quoteProto = 0;
  readonly quoteSrc = new Uint32Array(4);
  readonly quoteDst = new Uint32Array(4);
  quoteSrcPort = 0;
  quoteDstPort = 0;
}

/** Distinct quotes kept per error leg: errors about more connections than this between two hosts are counted, not kept. */
export const QUOTES_PER_ERROR_LEG = 16;
/** LegInput.quoteFields / LegTable.quoteFields: the quote's IP header was read… */
export const QUOTE_ADDRESSES = 1;
/** …and its ports (or ICMP echo identifier). */
export const QUOTE_PORTS = 2;

/** Bytes of capture a packet takes at least, near enough (record header and a minimal frame): sizes the samples' reservation. */
const MIN_BYTES_PER_PACKET = 64;
/** Sample rows reserved at most (16 M: 352 MB of address space, none of it resident until used). */
const MAX_PRESIZED_SAMPLES = 1 << 24;

/** synSeen: bit 0 a SYN opened the leg, bit 1 a FIN or RST closed it since. */
const SYN_SEEN = 1;
const CLOSED = 2;
const FIN_OR_RST = 0x01 | 0x04;
/**
 * A UDP/ICMP/other 5-tuple silent for longer than this is a new flow when it speaks again:
 * conntrack forgets such flows after 30 s unreplied / 120 s assured (nf_conntrack_udp_timeout*),
 * after which NAT may map it anew.
 */
const IDLE_NEW_FLOW_SECONDS = 180;
/**
 * A leg's opening datagram seen again, from the same side, at least this long after it is a
 * replay of the conversation, not a copy of the same packet at another interface of an `any`
 * capture without interface names (µs apart); matching's occurrence window has the same width.
 */
const REPLAY_MIN_SECONDS = 0.5;
/** openingSide: 0 the leg's first packet cannot mark a replay, 1 it came from the low endpoint, 2 from the high one. */
const NO_OPENING = 0;
/** Capture points with a remembered last leg (LegTable.add); packets at points past these take the probe. */
const RECENT_POINTS = 64;
type StateArray = Uint8Array | Uint32Array | Int32Array | Float64Array;

/** LegTable.toState: each field by its name, a column as its typed array. */
export interface LegTableState {
  fields: Record<string, number | StateArray | Map<number, number>>;
}

export class LegTable {
  count = 0;
  // Open addressing: slot i holds [2i] the leg (-1 empty) and [2i + 1] its key's hash, so a probe
  // past other keys reads one cache line, not each passed leg's hash elsewhere.
  private slots: Int32Array = new Int32Array(2 * 1024).fill(-1);
  private slotMask = 1023;
  readonly keys = u32(256, KEY_WORDS);
  private readonly scratch = new Uint32Array(KEY_WORDS);
  /** Per capture point (the first RECENT_POINTS): the leg its last packet went to, that leg's slot and hash; -1 when none. */
  private readonly recentLeg = new Int32Array(RECENT_POINTS).fill(-1);
  private readonly recentSlot = new Int32Array(RECENT_POINTS);
  private readonly recentHash = new Int32Array(RECENT_POINTS);

  // ---- per leg ----
  readonly firstTs = f64(256);
  readonly lastTs = f64(256);
  /** Exact first/last times: 2·leg whole seconds, 2·leg + 1 nanoseconds. */
  readonly firstExact = f64(256, 2);
  readonly lastExact = f64(256, 2);
  /** Index 2·leg: packets from the low endpoint; 2·leg + 1: from the high endpoint. */
  readonly packets = u32(256, 2);
  readonly bytes = f64(256, 2);
  /** Who opened the connection: 0 low, 1 high, 2 unknown (no SYN seen) — then the first sender is used. */
  readonly opener = u8(256);
  readonly firstSender = u8(256);
  /** Packets per link direction: 4·leg + 2·(0 from low, 1 from high) + (0 outgoing, 1 incoming). */
  readonly linkDirections = u32(256, 4);
  /** The leg's row in the tunnel columns below, -1 when it was not seen inside a tunnel. */
  readonly tunnelRow = i32(256);
  readonly sampleCount = u32(256);
  /** The opening SYN's sequence number, to tell a new connection on reused ports from a retransmission. */
  readonly synSeq = u32(256);
  /** SYN_SEEN, | CLOSED once a FIN or RST followed. */
  readonly synSeen = u8(256);
  /** 1 when a later connection on the same ports took the key over. */
  readonly superseded = u8(256);
  /** The first packet's fingerprint and side (openingSide), for protocols without connections: see startsNewConnection. */
  readonly openingPrint = u32(256);
  readonly openingSide = u8(256);

  // ---- per tunnelled leg (most legs are not: 33 bytes a leg otherwise) ----
  tunnels = 0;
  /** The tunnel's own IP version, source and destination (IPv4 in word 0). */
  readonly outerVersion = u8(16);
  readonly outerSrc = u32(16, 4);
  readonly outerDst = u32(16, 4);

  // ---- ICMP error legs (few: a row each, not a column per leg) and the distinct quotes they carried ----
  errorCount = 0;
  readonly errorLeg = i32(16);
  /** type << 8 | code of the leg's first error. */
  readonly errorKind = u32(16);
  /** The leg's first quote row (errorQuote*), chained by quoteNext; -1 when none. */
  readonly errorFirstQuote = i32(16);
  readonly errorQuoteCount = u8(16);
  /** Errors whose quote was not kept: the leg already held QUOTES_PER_ERROR_LEG distinct ones. */
  readonly errorQuotesDropped = u32(16);
  private readonly errorRowOfLeg = new Map<number, number>();
  quoteCount = 0;
  readonly quoteNext = i32(16);
  /** QUOTE_* bits of what the quote held, its protocol, addresses, ports (src << 16 | dst). */
  readonly quoteFields = u8(16);
  readonly quoteProto = u8(16);
  readonly quoteSrc = u32(16, 4);
  readonly quoteDst = u32(16, 4);
  readonly quotePorts = u32(16);
  /** The first error carrying this quote (the quoted connection was open then) and how many did. */
  readonly quoteTs = f64(16);
  readonly quotePackets = u32(16);

  // ---- per sampled packet: matching's input, released once it has read them (dropSamples) ----
  samples = 0;
  readonly sampleLeg: ReleasableColumn<Int32Array>;
  readonly sampleTs: ReleasableColumn<Float64Array>;
  readonly sampleFingerprint: ReleasableColumn<Uint32Array>;
  readonly sampleLooseFingerprint: ReleasableColumn<Uint32Array>;
  /**
   * Bit 0: the packet went from the leg's low endpoint to its high one; bits 1–2: its recorded
   * link direction (LegInput.linkDirection: 1 outgoing, 2 incoming, 0 not recorded).
   */
  readonly sampleWay: ReleasableColumn<Uint8Array>;
  readonly sampleTtl: ReleasableColumn<Uint8Array>;

  /**
   * `captureBytes`, the size of the capture when known, sizes the address space the sample
   * columns reserve, for as many packets as it can hold: they grow in place within it, with no
   * copy left behind, and beyond it move (ReleasableColumn; docs/performance.md).
   */
  constructor(captureBytes = 0) {
    const rows = Math.min(MAX_PRESIZED_SAMPLES, Math.max(4096, Math.ceil(captureBytes / MIN_BYTES_PER_PACKET)));
    this.sampleLeg = new ReleasableColumn(Int32Array, 0, rows);
    this.sampleTs = new ReleasableColumn(Float64Array, 0, rows);
    this.sampleFingerprint = new ReleasableColumn(Uint32Array, 0, rows);
    this.sampleLooseFingerprint = new ReleasableColumn(Uint32Array, 0, rows);
    this.sampleWay = new ReleasableColumn(Uint8Array, 0, rows);
    this.sampleTtl = new ReleasableColumn(Uint8Array, 0, rows);
  }

  /**
   * Whether a packet on a known 5-tuple opens another connection: a SYN with another initial
   * sequence number, or any SYN after the connection was closed (FIN or RST: a replay repeats
   * the ISN too); for protocols without connections, a packet after an idle time longer than
   * conntrack keeps such a flow (its NAT mapping may differ), or the leg's opening IPv4
   * datagram again: same IP ID (≠ 0), payload and side, half a second or more later. A sender
   * gives every datagram a new ID (a per-socket counter; 0 only for unconnected sockets with DF,
   * whose repeats are left alone), so that is the recording played again (tcpreplay), which
   * conntrack may have mapped anew (samples/pod-egress-replay).
   */
  private startsNewConnection(leg: number, p: LegInput, syn: boolean, dir: number): boolean {
    if (syn) {
      const state = this.synSeen.data[leg]!;
      return (state & CLOSED) !== 0 || (state === SYN_SEEN && this.synSeq.data[leg] !== p.tcpSeq >>> 0);
    }
    if (p.tcpFlags >= 0) return false;
    if (p.ts - this.lastTs.data[leg]! > IDLE_NEW_FLOW_SECONDS) return true;
    return this.openingSide.data[leg] === dir + 1 && this.openingPrint.data[leg] === p.fingerprint >>> 0 && p.ts - this.firstTs.data[leg]! >= REPLAY_MIN_SECONDS;
  }

  /** Adds one packet; returns its leg. */
  add(p: LegInput): number {
    const fromLow = isLowEndpoint(p.src, p.srcPort, p.dst, p.dstPort);
    const dir = fromLow ? 0 : 1;
    const k = this.scratch;
    k[0] = p.point;
    k[1] = (p.ipVersion << 24) | (p.proto << 16) | (p.encap << 8);
    k[2] = p.vni;
    const lo = fromLow ? p.src : p.dst;
    const hi = fromLow ? p.dst : p.src;
    k[3] = lo[0]!;
    k[4] = lo[1]!;
    k[5] = lo[2]!;
    k[6] = lo[3]!;
    k[7] = hi[0]!;
    k[8] = hi[1]!;
    k[9] = hi[2]!;
    k[10] = hi[3]!;
    k[11] = fromLow ? portsWord(p.srcPort, p.dstPort) : portsWord(p.dstPort, p.srcPort);
    // The point's previous leg first: a connection's packets at one point mostly come in a row,
    // and this skips the hash and the probe, whose slot is a cache miss in a table of many legs.
    let leg = p.point < RECENT_POINTS ? this.recentLeg[p.point]! : -1;
    let slot: number;
    let h: number;
    if (leg >= 0 && this.sameKey(leg)) {
      slot = this.recentSlot[p.point]!;
      h = this.recentHash[p.point]!;
    } else {
      h = hashKey(k);
      slot = this.findSlot(h);
      leg = this.slots[2 * slot]!;
    }
    const syn = p.tcpFlags >= 0 && (p.tcpFlags & 0x12) === 0x02;
    const mask = this.slotMask;
    if (leg < 0) {
      leg = this.insertAt(slot, h, p, dir);
    } else if (this.startsNewConnection(leg, p, syn, dir)) {
      // A connection reusing the 5-tuple: a new leg takes the key over, the old one stays as it was.
      this.superseded.data[leg] = 1;
      leg = this.insertAt(slot, h, p, dir);
    }
    if (p.point < RECENT_POINTS) {
      // After a rehash the slot moved: the leg is probed for when next met.
      this.recentLeg[p.point] = mask === this.slotMask ? leg : -1;
      this.recentSlot[p.point] = slot;
      this.recentHash[p.point] = h;
    }
    if (syn) {
      this.synSeen.data[leg] = SYN_SEEN;
      this.synSeq.data[leg] = p.tcpSeq >>> 0;
    } else if (p.tcpFlags >= 0 && (p.tcpFlags & FIN_OR_RST) !== 0 && this.synSeen.data[leg] === SYN_SEEN) {
      this.synSeen.data[leg] = SYN_SEEN | CLOSED;
    }
    this.packets.data[2 * leg + dir]!++;
    this.bytes.data[2 * leg + dir]! += p.wireBytes;
    if (p.icmpError >= 0) this.addError(leg, p);
    if (p.ts < this.firstTs.data[leg]!) this.setFirst(leg, p);
    if (p.ts > this.lastTs.data[leg]!) this.setLast(leg, p);
    // SYN without ACK names the opener; a SYN-ACK names the other side.
    if (p.tcpFlags >= 0 && (p.tcpFlags & 0x02) !== 0) this.opener.data[leg] = (p.tcpFlags & 0x10) === 0 ? dir : 1 - dir;
    else if (p.opensBy >= 0) this.opener.data[leg] = p.opensBy === 0 ? dir : 1 - dir;
    if (p.linkDirection !== 0) this.linkDirections.data[4 * leg + 2 * dir + p.linkDirection - 1]!++;
    if (p.matchable && this.sampleCount.data[leg]! < SAMPLES_PER_LEG) {
      if (p.fillPrints !== null) p.fillPrints();
      this.sampleCount.data[leg]!++;
      const s = this.samples++;
      if (s >= this.sampleLeg.data.length) this.growSamples(s);
      this.sampleLeg.data[s] = leg;
      this.sampleTs.data[s] = p.ts;
      this.sampleFingerprint.data[s] = p.fingerprint;
      this.sampleLooseFingerprint.data[s] = p.looseFingerprint;
      this.sampleWay.data[s] = (fromLow ? 1 : 0) | (p.linkDirection << 1);
      this.sampleTtl.data[s] = p.ttl;
    }
    return leg;
  }

  /** The leg's key word i (see KEY_WORDS). */
  keyWord(leg: number, i: number): number {
    return this.keys.data[leg * KEY_WORDS + i]!;
  }

  /** The slot holding this key's current leg, or the empty slot where it would go. */
  private findSlot(hash: number): number {
    const slots = this.slots;
    const mask = this.slotMask;
    let slot = hash & mask;
    for (;;) {
      const leg = slots[2 * slot]!;
      if (leg < 0 || (slots[2 * slot + 1] === hash && this.sameKey(leg))) return slot;
      slot = (slot + 1) & mask;
    }
  }

  /** A new leg for the key in scratch, put in `slot` (empty, or held by the leg it supersedes); `dir` is its first packet's (0: from the low endpoint). */
  private insertAt(slot: number, hash: number, p: LegInput, dir: number): number {
    const leg = this.count++;
    this.grow(leg);
    // A loop, not TypedArray.set: for 12 words the call costs more than the copy.
    const keys = this.keys.data;
    for (let i = 0; i < KEY_WORDS; i++) keys[leg * KEY_WORDS + i] = this.scratch[i]!;
    this.setFirst(leg, p);
    this.setLast(leg, p);
    this.opener.data[leg] = 2;
    this.firstSender.data[leg] = dir;
    const marksReplay = p.tcpFlags < 0 && p.ipId > 0 && p.matchable;
    this.openingSide.data[leg] = marksReplay ? dir + 1 : NO_OPENING;
    this.openingPrint.data[leg] = marksReplay ? p.fingerprint >>> 0 : 0;
    this.tunnelRow.data[leg] = p.outerVersion === 0 ? -1 : this.addTunnel(p);
    this.zeroCounts(leg);
    this.slots[2 * slot] = leg;
    this.slots[2 * slot + 1] = hash;
    if (this.count * 2 > this.slotMask + 1) this.rehash();
    return leg;
  }

  /**
   * Writes the zeros a new leg's counts start from, though a grown column holds zeros already: a
   * page of the column first touched by a read (`packets[…]++`) is mapped to the system's zero
   * page, and the write after it must replace that mapping, which makes the kernel flush the other
   * CPUs' TLBs by interrupt (the collecting worker's thread runs there), ~10 µs in a virtual
   * machine. Touched first by a write, the page is simply handed out (docs/performance.md, "Fresh
   * tables written in order").
   */
  private zeroCounts(leg: number): void {
    const packets = this.packets.data;
    packets[2 * leg] = 0;
    packets[2 * leg + 1] = 0;
    const bytes = this.bytes.data;
    bytes[2 * leg] = 0;
    bytes[2 * leg + 1] = 0;
    const ways = this.linkDirections.data;
    for (let i = 4 * leg; i < 4 * leg + 4; i++) ways[i] = 0;
    this.sampleCount.data[leg] = 0;
    this.synSeq.data[leg] = 0;
    this.synSeen.data[leg] = 0;
    this.superseded.data[leg] = 0;
  }

  /** An ICMP error on `leg`: files its quote under the leg's error row (a row and a quote row per new leg or quote, nothing per packet). */
  private addError(leg: number, p: LegInput): void {
    let row = this.errorRowOfLeg.get(leg);
    if (row === undefined) {
      row = this.errorCount++;
      this.errorLeg.ensure(row);
      this.errorKind.ensure(row);
      this.errorFirstQuote.ensure(row);
      this.errorQuoteCount.ensure(row);
      this.errorQuotesDropped.ensure(row);
      this.errorLeg.data[row] = leg;
      this.errorKind.data[row] = p.icmpError;
      this.errorFirstQuote.data[row] = -1;
      this.errorRowOfLeg.set(leg, row);
    }
    const ports = ((p.quoteSrcPort << 16) | p.quoteDstPort) >>> 0;
    let last = -1;
    for (let q = this.errorFirstQuote.data[row]!; q >= 0; q = this.quoteNext.data[q]!) {
      if (this.sameQuote(q, p, ports)) {
        this.quotePackets.data[q]!++;
        if (p.ts < this.quoteTs.data[q]!) this.quoteTs.data[q] = p.ts;
        return;
      }
      last = q;
    }
    if (this.errorQuoteCount.data[row]! >= QUOTES_PER_ERROR_LEG) {
      this.errorQuotesDropped.data[row]!++;
      return;
    }
    const q = this.quoteCount++;
    for (const c of [this.quoteNext, this.quoteFields, this.quoteProto, this.quoteSrc, this.quoteDst, this.quotePorts, this.quoteTs, this.quotePackets]) c.ensure(q);
    this.quoteNext.data[q] = -1;
    this.quoteFields.data[q] = p.quoteFields;
    this.quoteProto.data[q] = p.quoteProto;
    for (let i = 0; i < 4; i++) {
      this.quoteSrc.data[q * 4 + i] = p.quoteSrc[i]!;
      this.quoteDst.data[q * 4 + i] = p.quoteDst[i]!;
    }
    this.quotePorts.data[q] = ports;
    this.quoteTs.data[q] = p.ts;
    this.quotePackets.data[q] = 1;
    if (last < 0) this.errorFirstQuote.data[row] = q;
    else this.quoteNext.data[last] = q;
    this.errorQuoteCount.data[row]!++;
  }

  private sameQuote(q: number, p: LegInput, ports: number): boolean {
    if (this.quoteFields.data[q] !== p.quoteFields || this.quoteProto.data[q] !== p.quoteProto || this.quotePorts.data[q] !== ports) return false;
    for (let i = 0; i < 4; i++) if (this.quoteSrc.data[q * 4 + i] !== p.quoteSrc[i] || this.quoteDst.data[q * 4 + i] !== p.quoteDst[i]) return false;
    return true;
  }

  /** The error row of a leg that carried ICMP errors, or -1. */
  errorRow(leg: number): number {
    return this.errorRowOfLeg.get(leg) ?? -1;
  }

  /**
   * The current leg of a connection at a capture point, found by its endpoints (either order), or
   * -1: how an ICMP error's quote names the flow it belongs to. A key taken over by a later
   * connection (superseded) finds the later one.
   */
  findLeg(point: number, version: number, proto: number, encap: number, vni: number, src: Uint32Array, srcPort: number, dst: Uint32Array, dstPort: number): number {
    const fromLow = isLowEndpoint(src, srcPort, dst, dstPort);
    const k = this.scratch;
    k[0] = point;
    k[1] = (version << 24) | (proto << 16) | (encap << 8);
    k[2] = vni;
    const lo = fromLow ? src : dst;
    const hi = fromLow ? dst : src;
    for (let i = 0; i < 4; i++) {
      k[3 + i] = lo[i]!;
      k[7 + i] = hi[i]!;
    }
    k[11] = fromLow ? portsWord(srcPort, dstPort) : portsWord(dstPort, srcPort);
    return this.slots[2 * this.findSlot(hashKey(k))]!;
  }

  private addTunnel(p: LegInput): number {
    const row = this.tunnels++;
    this.outerVersion.ensure(row);
    this.outerSrc.ensure(row);
    this.outerDst.ensure(row);
    this.outerVersion.data[row] = p.outerVersion;
    this.outerSrc.data.set(p.outerSrc, row * 4);
    this.outerDst.data.set(p.outerDst, row * 4);
    return row;
  }

  /** The leg's tunnel: its IP version and its source and destination words, or null. */
  tunnelOf(leg: number): { version: number; src: Uint32Array; dst: Uint32Array } | null {
    const row = this.tunnelRow.data[leg]!;
    if (row < 0) return null;
    return { version: this.outerVersion.data[row]!, src: this.outerSrc.data.subarray(row * 4, row * 4 + 4), dst: this.outerDst.data.subarray(row * 4, row * 4 + 4) };
  }

  private setFirst(leg: number, p: LegInput): void {
    this.firstTs.data[leg] = p.ts;
    this.firstExact.data[2 * leg] = p.tsSeconds;
    this.firstExact.data[2 * leg + 1] = p.tsNanos;
  }

  private setLast(leg: number, p: LegInput): void {
    this.lastTs.data[leg] = p.ts;
    this.lastExact.data[2 * leg] = p.tsSeconds;
    this.lastExact.data[2 * leg + 1] = p.tsNanos;
  }

  private sameKey(leg: number): boolean {
    const b = leg * KEY_WORDS;
    const keys = this.keys.data;
    const k = this.scratch;
    // Unrolled, the words that differ most often (ports, addresses) first: a hit compares all 12.
    return (
      keys[b + 11] === k[11] &&
      keys[b + 3] === k[3] &&
      keys[b + 7] === k[7] &&
      keys[b] === k[0] &&
      keys[b + 1] === k[1] &&
      keys[b + 2] === k[2] &&
      keys[b + 4] === k[4] &&
      keys[b + 5] === k[5] &&
      keys[b + 6] === k[6] &&
      keys[b + 8] === k[8] &&
      keys[b + 9] === k[9] &&
      keys[b + 10] === k[10]
    );
  }

  /**
   * The table as plain values and typed arrays, every field of it, to hand to another thread
   * (collect-parallel.ts): transferring the arrays' buffers (LegTable.buffersOf) moves them
   * without a copy, and `LegTable.fromState` rebuilds the table there. Taken field by field
   * from the object itself, so a column added later travels too. The table is not used after.
   */
  toState(): LegTableState {
    const fields: LegTableState['fields'] = {};
    for (const [name, value] of Object.entries(this) as Array<[string, unknown]>) {
      fields[name] = value instanceof Column || value instanceof ReleasableColumn ? (value.data as StateArray) : (value as LegTableState['fields'][string]);
    }
    return { fields };
  }

  static fromState(state: LegTableState): LegTable {
    const table = new LegTable();
    // Readonly and private fields included: this is the table's own constructor by other means.
    const target = table as unknown as Record<string, unknown>;
    for (const [name, value] of Object.entries(state.fields)) {
      const own = target[name];
      if (own instanceof Column) own.data = value as StateArray;
      else if (own instanceof ReleasableColumn) own.adopt(value as StateArray);
      else target[name] = value;
    }
    return table;
  }

  /** The buffers to transfer with a state (each once). */
  static buffersOf(state: LegTableState): ArrayBuffer[] {
    const buffers = new Set<ArrayBuffer>();
    for (const value of Object.values(state.fields)) if (ArrayBuffer.isView(value)) buffers.add(value.buffer as ArrayBuffer);
    return [...buffers];
  }

  /**
   * Frees the sampled packets (22 bytes each, the largest part of a busy capture's table) once
   * matching has copied what it needs; `sampleCount` per leg stays. Adding packets afterwards
   * samples them anew.
   */
  dropSamples(): void {
    this.samples = 0;
    this.sampleLeg.release();
    this.sampleTs.release();
    this.sampleFingerprint.release();
    this.sampleLooseFingerprint.release();
    this.sampleWay.release();
    this.sampleTtl.release();
  }

  private growSamples(s: number): void {
    this.sampleLeg.ensure(s);
    this.sampleTs.ensure(s);
    this.sampleFingerprint.ensure(s);
    this.sampleLooseFingerprint.ensure(s);
    this.sampleWay.ensure(s);
    this.sampleTtl.ensure(s);
  }

  /** Makes room for leg `leg` in every per-leg column (they all grow together, as `firstTs` does). */
  private grow(leg: number): void {
    if (leg < this.firstTs.data.length) return;
    this.keys.ensure(leg);
    this.firstTs.ensure(leg);
    this.lastTs.ensure(leg);
    this.firstExact.ensure(leg);
    this.lastExact.ensure(leg);
    this.packets.ensure(leg);
    this.bytes.ensure(leg);
    this.opener.ensure(leg);
    this.firstSender.ensure(leg);
    this.linkDirections.ensure(leg);
    this.tunnelRow.ensure(leg);
    this.sampleCount.ensure(leg);
    this.synSeq.ensure(leg);
    this.synSeen.ensure(leg);
    this.superseded.ensure(leg);
    this.openingPrint.ensure(leg);
    this.openingSide.ensure(leg);
  }

  /** Twice the slots; each key's current leg moves with its hash (superseded legs hold no slot). */
  private rehash(): void {
    const old = this.slots;
    const size = 2 * (this.slotMask + 1);
    const slots = new Int32Array(2 * size).fill(-1);
    const mask = size - 1;
    for (let i = 0; i < old.length; i += 2) {
      const leg = old[i]!;
      if (leg < 0) continue;
      const hash = old[i + 1]!;
      let slot = hash & mask;
      while (slots[2 * slot]! >= 0) slot = (slot + 1) & mask;
      slots[2 * slot] = leg;
      slots[2 * slot + 1] = hash;
    }
    this.slots = slots;
    this.slotMask = mask;
    // Every point's remembered slot moved.
    this.recentLeg.fill(-1);
  }
}

/**
 * The key's hash: each word multiplied by its own odd constant and summed (the multiplies do
 * not wait for each other, unlike a chain of mixes), then avalanched once.
 */
function hashKey(k: Uint32Array): number {
  const h =
    Math.imul(k[0]!, 0x9e3779b1) +
    Math.imul(k[1]!, 0x85ebca77) +
    Math.imul(k[2]!, 0xc2b2ae3d) +
    Math.imul(k[3]!, 0x27d4eb2f) +
    Math.imul(k[4]!, 0x165667b1) +
    Math.imul(k[5]!, 0xd3a2646d) +
    Math.imul(k[6]!, 0xfd7046c5) +
    Math.imul(k[7]!, 0xb55a4f09) +
    Math.imul(k[8]!, 0x2545f491) +
    Math.imul(k[9]!, 0x9e3779b9) +
    Math.imul(k[10]!, 0x61c88647) +
    Math.imul(k[11]!, 0xcc9e2d51);
  return fmix32(h | 0) | 0;
}
