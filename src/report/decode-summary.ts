// Totals for `natpath decode --summary`: counted per packet into typed arrays (no objects, strings
// or Map lookups on the packet path), turned into a report model once at the end.
//
// Flows are counted in an open-addressing table of 64-bit keys (two independent 32-bit hashes of
// the innermost 5-tuple, made symmetric so A→B and B→A are one flow, with the tunnel depth mixed
// in as Suricata does). Two different flows share a key with probability ~n²/2^65: negligible
// for counting. The table doubles when 3/4 full (allocation on growth only) up to MAX_FLOW_SLOTS.

import type { CaptureInterface, PacketRecord } from '../capture/index.js';
import { formatEpochSeconds, linkTypeName } from '../capture/index.js';
import { DecodeStatus, fmix32, Has, listReasons, mix32, PacketView, Tunnel, tunnelName } from '../decode/index.js';
import { protoName } from './decode-record.js';

const MAX_FLOW_SLOTS = 1 << 23;
const NON_IP = 256;
const ARP = 257;
const PROTO_SLOTS = 258;

/** Keys hashed before the table is probed for them together (see FlowCounter). */
const PROBE_BATCH = 16;

export class FlowCounter {
  // Both 32-bit halves of a key side by side (slot i at [2i, 2i + 1]): a probe touches one cache
  // line, not one in each of two arrays.
  private slots = new Uint32Array(2 << 16);
  private mask = (1 << 16) - 1;
  private stored = 0;
  private full = false;
  // Keys wait here until PROBE_BATCH of them are known, then their slots are loaded in one pass
  // before any is probed. At ~1 M flows the table is far larger than the caches and a lone probe
  // waits ~130 ns for memory; loads that do not depend on each other are in flight together
  // (~13 ns each here), so the probes that follow find their lines in cache ("group
  // prefetching"). Measured: docs/performance.md.
  private readonly pendingA = new Uint32Array(PROBE_BATCH);
  private readonly pendingB = new Uint32Array(PROBE_BATCH);
  private pending = 0;
  /** Where the prefetching loads go, so that they are not optimised away. */
  private sink = 0;

  /** Distinct flows added so far. */
  get count(): number {
    this.flush();
    return this.stored;
  }

  /** True once the table stopped growing at MAX_FLOW_SLOTS: `count` is then a lower bound. */
  get saturated(): boolean {
    this.flush();
    return this.full;
  }

  /** Adds the flow of the packet in `view` (nothing for packets without IP). */
  add(view: PacketView): void {
    const d = view.flowDepth;
    if (d < 0) return;
    const v = view;
    let s: number;
    let t: number;
    if (v.ipVersion[d] === 4) {
      s = v.src4[d]!;
      t = v.dst4[d]!;
    } else {
      const i = d * 8;
      const a = v.addr6;
      s = mix32(mix32(mix32(a[i]!, a[i + 1]!), a[i + 2]!), a[i + 3]!);
      t = mix32(mix32(mix32(a[i + 4]!, a[i + 5]!), a[i + 6]!), a[i + 7]!);
    }
    const lo = s < t ? s : t;
    const hi = s < t ? t : s;
    let ports = 0;
    if ((v.has[d]! & Has.PORTS) !== 0) {
      const sp = v.srcPort[d]!;
      const dp = v.dstPort[d]!;
      // Order the ports with the addresses so both directions give the same key.
      if (s < t || (s === t && sp <= dp)) ports = ((sp << 16) | dp) >>> 0;
      else ports = ((dp << 16) | sp) >>> 0;
    }
    const proto = ((v.has[d]! & Has.L4) !== 0 ? v.l4Proto[d]! : 255) | (d << 8) | (v.ipVersion[d]! << 12);
    // Two different 32-bit hashes of the same key: one avalanche chain, one multiply-xor (cheap).
    let a = mix32(mix32(fmix32(lo ^ Math.imul(proto, 0x9e3779b1)), hi), ports);
    const b = (Math.imul(lo, 0x85ebca77) ^ Math.imul(hi, 0xc2b2ae3d) ^ Math.imul(ports, 0x27d4eb2f) ^ proto) >>> 0;
    if (a === 0) a = 1; // 0 marks an empty slot
    const n = this.pending;
    this.pendingA[n] = a;
    this.pendingB[n] = b;
    this.pending = n + 1;
    if (n + 1 === PROBE_BATCH) this.flush();
  }

  /** Inserts the waiting keys: first touches each one's home slot, then probes. */
  private flush(): void {
    const n = this.pending;
    if (n === 0) return;
    const pendingA = this.pendingA;
    const pendingB = this.pendingB;
    const slots = this.slots;
    const mask = this.mask;
    let touched = 0;
    for (let k = 0; k < n; k++) touched ^= slots[2 * (pendingA[k]! & mask)]!;
    this.sink ^= touched;
    for (let k = 0; k < n; k++) this.insert(pendingA[k]!, pendingB[k]!);
    this.pending = 0;
  }

  private insert(a: number, b: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let i = a & mask;
    for (;;) {
      const cur = slots[2 * i]!;
      if (cur === 0) break;
      if (cur === a && slots[2 * i + 1] === b) return;
      i = (i + 1) & mask;
    }
    if (this.full && this.stored >= ((mask + 1) * 3) / 4) return;
    slots[2 * i] = a;
    slots[2 * i + 1] = b;
    this.stored++;
    if (this.stored * 4 >= (mask + 1) * 3) this.grow();
  }

  private grow(): void {
    const size = (this.mask + 1) * 2;
    if (size > MAX_FLOW_SLOTS) {
      this.full = true;
      return;
    }
    const old = this.slots;
    this.slots = new Uint32Array(2 * size);
    this.mask = size - 1;
    this.stored = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0) this.insert(old[i]!, old[i + 1]!);
  }
}

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
  readonly flows = new FlowCounter();
  // Time span: the earliest and latest timestamps, kept exactly (seconds, fraction, interface).
  private firstSec = 0;
  private firstNanos = 0;
  private firstFraction = 0;
  private firstIface = -1;
  private lastSec = 0;
  private lastNanos = 0;
  private lastFraction = 0;
  private lastIface = -1;

  add(view: PacketView, r: PacketRecord): void {
    this.packets++;
    this.wireBytes += r.origLength;
    this.capturedBytes += r.capLength;
    this.byLinkType[r.linkType & 0xffff]!++;
    const iface = r.interfaceIndex;
    if (iface >= this.byInterface.length) this.growInterfaces(iface);
    this.byInterface[iface]!++;
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

  /** The report model. `interfaces` from the reader, `view` for its status/reason counters. */
  finish(file: string, interfaces: readonly CaptureInterface[], view: PacketView, seconds: number): DecodeSummary {
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
      linkTypes: named(this.byLinkType, (i) => i).map((e) => ({ linkType: e.name, name: linkTypeName(e.name), packets: e.packets })),
      interfaces: named(this.byInterface, (i) => i).map((e) => ({
        index: e.name,
        name: interfaces[e.name]?.name ?? null,
        linkType: interfaces[e.name]?.linkType ?? null,
        packets: e.packets,
      })),
      ipVersions: named(this.byIpVersion, (i) => i).map((e) => ({ version: e.name, packets: e.packets })),
      protocols: named(this.byProto, (i) => (i === NON_IP ? 'non-ip' : i === ARP ? 'arp' : i === 255 ? 'unknown' : String(protoName(i)))).map((e) => ({
        proto: e.name,
        packets: e.packets,
      })),
      tunnels: named(this.byTunnel, (i) => tunnelName(i)).map((e) => ({ kind: e.name, packets: e.packets })),
      flows: this.flows.count,
      flowsSaturated: this.flows.saturated,
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
  interfaces: Array<{ index: number; name: string | null; linkType: number | null; packets: number }>;
  ipVersions: Array<{ version: number; packets: number }>;
  /** Innermost protocol: tcp, udp, icmp, icmpv6, a number, arp, non-ip, unknown (IP without upper layer). */
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

