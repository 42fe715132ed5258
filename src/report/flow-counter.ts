// Distinct flows for `natpath decode --summary`: the innermost 5-tuple of each IP packet (made
// symmetric so A→B and B→A are one flow, with the tunnel depth mixed in as Suricata does) is
// hashed twice, and the two 32-bit hashes are counted in an open-addressing table.
//
// One 32-bit word per slot, in one table of MAX_FLOW_SLOTS that never grows: hash `a` picks the
// home slot (its low 23 bits), hash `b` is the word stored there (0 marks an empty slot, so a `b`
// of 0 is stored as 1). Half the memory of storing both hashes, and no rehashing on growth: the
// rehashes and the second word cost ~25 ns of the ~50 ns per key (docs/performance.md). The OS
// hands out the table's pages on first touch, so a capture with few flows touches few of them.
//
// Accuracy (why one word is enough): two different flows are counted as one when a probe compares
// equal words, which for a stored word of another home happens with probability 2^-32 per
// comparison, and for the same home needs 23 + 32 equal hash bits. At ≤ 3/4 load a probe makes ~1–3
// comparisons, so the expected miscount is about packets × 3 / 2^32: < 0.01 flows for the bench's
// 10 M packets (7.6 M probes, 2.86 M flows), ~1 flow per billion packets. Both hashes are full
// avalanche chains (independent seeds, computed side by side), so structured keys — the same
// addresses with neighbouring ports — do not collide more often than random ones.

import { fmix32, Has, mix32, type PacketView } from '../decode/index.js';

/** Table size: 2^23 slots × 4 bytes = 32 MiB at most, only the touched pages resident. */
const SLOT_BITS = 23;
const SLOT_MASK = (1 << SLOT_BITS) - 1;
/** Linear probing slows down past 3/4 load; at that many flows the count stops (`saturated`). */
export const MAX_FLOWS = ((1 << SLOT_BITS) * 3) / 4;

/** Keys hashed before the table is probed for them together (see FlowCounter). */
const PROBE_BATCH = 16;

export class FlowCounter {
  private readonly slots = new Int32Array(1 << SLOT_BITS);
  private stored = 0;
  private full = false;
  // Keys wait here until PROBE_BATCH of them are known, then their slots are loaded in one pass
  // before any is probed. The table is far larger than the caches and a lone probe waits ~130 ns
  // for memory; loads that do not depend on each other are in flight together (~13 ns each
  // here), so the probes that follow find their lines in cache ("group prefetching"). Measured:
  // docs/performance.md.
  private readonly pendingA = new Int32Array(PROBE_BATCH);
  private readonly pendingB = new Int32Array(PROBE_BATCH);
  private pending = 0;
  /** Where the prefetching loads go, so that they are not optimised away. */
  private sink = 0;

  /** Distinct flows added so far. */
  get count(): number {
    this.flush();
    return this.stored;
  }

  /** True once the table holds MAX_FLOWS flows: `count` is then a lower bound. */
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
    // Two independent hashes of the same key (different seeds and word order); the two chains do
    // not depend on each other, so the CPU runs them side by side.
    const a = mix32(mix32(fmix32(lo ^ Math.imul(proto, 0x9e3779b1)), hi), ports);
    const b = mix32(mix32(fmix32(hi ^ Math.imul(proto, 0x85ebca77) ^ 0x5bd1e995), ports), lo);
    const n = this.pending;
    this.pendingA[n] = a;
    this.pendingB[n] = b === 0 ? 1 : b; // 0 marks an empty slot
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
    let touched = 0;
    for (let k = 0; k < n; k++) touched ^= slots[pendingA[k]! & SLOT_MASK]!;
    this.sink ^= touched;
    for (let k = 0; k < n; k++) this.insert(pendingA[k]! & SLOT_MASK, pendingB[k]!);
    this.pending = 0;
  }

  private insert(home: number, word: number): void {
    const slots = this.slots;
    let i = home;
    for (;;) {
      const cur = slots[i]!;
      if (cur === word) return;
      if (cur === 0) break;
      i = (i + 1) & SLOT_MASK;
    }
    if (this.full) return;
    slots[i] = word;
    if (++this.stored >= MAX_FLOWS) this.full = true;
  }
}
