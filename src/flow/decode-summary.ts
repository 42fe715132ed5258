// Totals for `natpath decode --summary`: counted per packet into typed arrays (no objects, strings
// or Map lookups on the packet path), turned into a report model once at the end. Distinct flows
// are counted by `flows` (flow-counter.ts), on this thread or in a worker.

import type { CaptureInterface, PacketRecord } from '../capture/index.js';
import { formatEpochSeconds, linkTypeName } from '../capture/index.js';
import { DecodeStatus, Has, listReasons, PacketView, Tunnel, tunnelName } from '../decode/index.js';
import { ipProtocolName } from '../net/ip-protocol-names.js';
import { FlowCounter } from './flow-counter.js';
import type { FlowTotal } from './flow-table.js';
import { IfIndexCounts } from './if-index-counts.js';

/** What a capture's host folder says about its interfaces (src/case/host-interfaces.ts). */
export interface HostInterfaceNames {
  /** Kernel ifindex → name, from the host's `ip link` / `ip addr`. */
  byIndex?: ReadonlyMap<number, string>;
  /** The host interface the capture file is named after (`eth0.pcap`), if any. */
  fileInterface?: string | null;
}

const NON_IP = 256;
const ARP = 257;
const PROTO_SLOTS = 258;

/** Per-packet accumulation. */
export class DecodeSummaryCounter {
  packets = 0;
  wireBytes = 0;
  capturedBytes = 0;
  readonly byLinkType = new Float64Array(65536);
  byInterface = new Float64Array(16);
  /** Innermost upper-layer protocol (0..255), non-IP, ARP. */
  readonly byProto = new Float64Array(PROTO_SLOTS);
  /** Outermost tunnel type of tunnelled packets (Tunnel.*). */
  readonly byTunnel = new Float64Array(16);
  readonly byIpVersion = new Float64Array(7);
  /** Packets per kernel interface index (Linux cooked v2, NFLOG), bounded: see if-index-counts.ts. */
  readonly byIfIndex = new IfIndexCounts();
  /** Packets whose record's interface index had its top bit set (PacketView.ifIndexTopBit). */
  private ifIndexesTopBit = 0;
  // Time span: the earliest and latest timestamps, kept exactly (seconds, fraction, interface).
  private firstSec = 0;
  private firstNanos = 0;
  private firstFraction = 0;
  private firstIface = -1;
  private lastSec = 0;
  private lastNanos = 0;
  private lastFraction = 0;
  private lastIface = -1;

  constructor(readonly flows: FlowCounter = new FlowCounter()) {}

  add(view: PacketView, r: PacketRecord): void {
    this.packets++;
    this.wireBytes += r.origLength;
    this.capturedBytes += r.capLength;
    this.byLinkType[r.linkType & 0xffff]!++;
    const iface = r.interfaceIndex;
    if (iface >= this.byInterface.length) this.growInterfaces(iface);
    this.byInterface[iface]!++;
    if (view.ifIndex >= 0) this.byIfIndex.add(view.ifIndex);
    else if (view.ifIndexTopBit) this.ifIndexesTopBit++;
    const d = view.flowDepth;
    if (d >= 0) {
      this.byIpVersion[view.ipVersion[d]!]!++;
      this.byProto[(view.has[d]! & Has.L4) !== 0 ? view.l4Proto[d]! : 255]!++;
      this.flows.add(view);
    } else if (view.arpDepth >= 0) {
      this.byProto[ARP]!++;
    } else {
      this.byProto[NON_IP]!++;
    }
    if (view.depthCount > 1) {
      const t = view.encapType[1]!;
      if (t !== Tunnel.ICMP_QUOTE && t !== Tunnel.ICMPV6_QUOTE) this.byTunnel[t]!++;
    }
    if (r.hasTimestamp) {
      const s = r.tsSeconds;
      const n = r.tsNanos;
      if (this.firstIface < 0 || s < this.firstSec || (s === this.firstSec && n < this.firstNanos)) {
        this.firstSec = s;
        this.firstNanos = n;
        this.firstFraction = r.tsFraction;
        this.firstIface = iface;
      }
      if (this.lastIface < 0 || s > this.lastSec || (s === this.lastSec && n > this.lastNanos)) {
        this.lastSec = s;
        this.lastNanos = n;
        this.lastFraction = r.tsFraction;
        this.lastIface = iface;
      }
    }
  }

  private growInterfaces(index: number): void {
    const bigger = new Float64Array(Math.max(index + 1, this.byInterface.length * 2));
    bigger.set(this.byInterface);
    this.byInterface = bigger;
  }

  /**
   * Link types with packets, most first. A packet's link type is its interface's, so the link types
   * of `interfaces` are looked up first; the whole 65 536-entry table is scanned only when they do
   * not account for every packet (a scan that costs ~4 ms of every run while the code is still cold).
   */
  private countedLinkTypes(
    interfaces: readonly CaptureInterface[],
    named: (arr: Float64Array, name: (i: number) => number) => Array<{ name: number; packets: number }>,
  ): Array<{ name: number; packets: number }> {
    const candidates = [...new Set(interfaces.map((i) => i.linkType & 0xffff))].sort((a, b) => a - b);
    let packets = 0;
    for (const lt of candidates) packets += this.byLinkType[lt]!;
    if (packets !== this.packets) return named(this.byLinkType, (i) => i);
    return candidates
      .filter((lt) => this.byLinkType[lt]! > 0)
      .map((lt) => ({ name: lt, packets: this.byLinkType[lt]! }))
      .sort((a, b) => b.packets - a.packets);
  }

  /**
   * The report model. `interfaces` from the reader, `view` for its status/reason counters, `flows`
   * from `this.flows`; `host` names what the capture leaves unnamed, from the host folder's `ip link`.
   */
  finish(file: string, interfaces: readonly CaptureInterface[], view: PacketView, flows: FlowTotal, seconds: number, host: HostInterfaceNames = {}): DecodeSummary {
    const counts = view.counters;
    const reasons = listReasons();
    const named = <T>(arr: Float64Array, name: (i: number) => T): Array<{ name: T; packets: number }> => {
      const out: Array<{ name: T; packets: number }> = [];
      for (let i = 0; i < arr.length; i++) if (arr[i]! > 0) out.push({ name: name(i), packets: arr[i]! });
      return out.sort((a, b) => b.packets - a.packets);
    };
    const tsText = (sec: number, fraction: number, iface: number): string | null => {
      const res = interfaces[iface]?.tsResolution;
      return iface < 0 || res === undefined ? null : formatEpochSeconds(sec, fraction, res);
    };
    const span = this.firstIface < 0 ? null : this.lastSec - this.firstSec + (this.lastNanos - this.firstNanos) / 1e9;
    return {
      file,
      packets: this.packets,
      bytes: this.wireBytes,
      capturedBytes: this.capturedBytes,
      linkTypes: this.countedLinkTypes(interfaces, named).map((e) => ({ linkType: e.name, name: linkTypeName(e.name), packets: e.packets })),
      interfaces: named(this.byInterface, (i) => i).map((e) => {
        const own = interfaces[e.name]?.name ?? null;
        const byFile = own === null && interfaces.length === 1 ? (host.fileInterface ?? null) : null;
        return {
          index: e.name,
          name: own ?? byFile,
          nameFrom: own !== null ? ('capture' as const) : byFile !== null ? ('file-name' as const) : null,
          linkType: interfaces[e.name]?.linkType ?? null,
          packets: e.packets,
        };
      }),
      ifIndexes: this.byIfIndex.list().map((e) => ({ ifIndex: e.ifIndex, name: host.byIndex?.get(e.ifIndex) ?? null, packets: e.packets })),
      ifIndexesNotCounted: this.byIfIndex.overflow,
      ifIndexesInvalid: this.ifIndexesTopBit,
      ipVersions: named(this.byIpVersion, (i) => i).map((e) => ({ version: e.name, packets: e.packets })),
      protocols: named(this.byProto, (i) => (i === NON_IP ? 'non-ip' : i === ARP ? 'arp' : i === 255 ? 'unknown' : ipProtocolName(i))).map((e) => ({
        proto: e.name,
        packets: e.packets,
      })),
      tunnels: named(this.byTunnel, (i) => tunnelName(i)).map((e) => ({ kind: e.name, packets: e.packets })),
      flows: flows.count,
      flowsSaturated: flows.saturated,
      status: {
        ok: counts.byStatus[DecodeStatus.Ok]!,
        truncated: counts.byStatus[DecodeStatus.Truncated]!,
        malformed: counts.byStatus[DecodeStatus.Malformed]!,
        unsupported: counts.byStatus[DecodeStatus.Unsupported]!,
      },
      reasons: reasons.filter((r) => r.code !== 0 && counts.byReason[r.code]! > 0).map((r) => ({ reason: r.name, status: r.status, packets: counts.byReason[r.code]! })),
      firstTs: tsText(this.firstSec, this.firstFraction, this.firstIface),
      lastTs: tsText(this.lastSec, this.lastFraction, this.lastIface),
      spanSeconds: span,
      processingSeconds: seconds,
      packetsPerSecond: seconds > 0 ? Math.round(this.packets / seconds) : null,
    };
  }
}

export interface DecodeSummary {
  file: string;
  packets: number;
  /** Bytes on the wire (original lengths). */
  bytes: number;
  capturedBytes: number;
  linkTypes: Array<{ linkType: number; name: string; packets: number }>;
  /**
   * The capture file's interfaces (pcapng IDBs; one for pcap). `name`: the capture's own
   * (`nameFrom: 'capture'`), else for a single-interface file named after one of its host's
   * interfaces (`eth0.pcap` beside an `ip link` that lists eth0) that name (`'file-name'`).
   */
  interfaces: Array<{ index: number; name: string | null; nameFrom: 'capture' | 'file-name' | null; linkType: number | null; packets: number }>;
  /** Packets per kernel interface index that Linux cooked v2 / NFLOG records carry, named from the host's `ip link` (null when it does not list it). */
  ifIndexes: Array<{ ifIndex: number; name: string | null; packets: number }>;
  /** Packets whose interface index was not counted: more distinct indexes than IfIndexCounts holds. */
  ifIndexesNotCounted: number;
  /** Packets whose record carried an interface index with its top bit set (negative in the spec's signed field; no kernel assigns one): counted here, not per index. */
  ifIndexesInvalid: number;
  ipVersions: Array<{ version: number; packets: number }>;
  /** Innermost protocol: its name (tcp, udp, icmp, icmpv6, igmp, gre, esp, sctp …), else its number; arp, non-ip, unknown (IP without upper layer). */
  protocols: Array<{ proto: string; packets: number }>;
  /** Packets per outermost tunnel kind. */
  tunnels: Array<{ kind: string; packets: number }>;
  /** Distinct innermost 5-tuples (both directions together). */
  flows: number;
  flowsSaturated: boolean;
  status: { ok: number; truncated: number; malformed: number; unsupported: number };
  reasons: Array<{ reason: string; status: string; packets: number }>;
  firstTs: string | null;
  lastTs: string | null;
  spanSeconds: number | null;
  processingSeconds: number;
  packetsPerSecond: number | null;
}

