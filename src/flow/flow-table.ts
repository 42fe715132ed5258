// The set of distinct flows behind `natpath decode --summary`'s flow count. A flow arrives as its
// canonical tuple (FlowCounter makes it: lower address first, ports in the same order, protocol,
// version and tunnel depth in one word); it is hashed twice (`a`, `b`: 32 bits each) and counted in
// an open-addressing table, on the main thread or in the flow worker (flow-ring.ts).
//
// Two stages. Up to SMALL_MAX_FLOWS flows: a small table of both words per slot (home slot from
// `a`), doubling when 3/4 full, so a capture with few flows stays in a few cache-friendly pages.
// Beyond: its keys move once into the large table, one 32-bit word per slot in 2^23 slots that never
// grows: `a` picks the home slot (its low 23 bits), `b` is the word stored there (0 marks an empty
// slot, so a `b` of 0 is stored as 1). Half the memory of storing both words, and no rehashing at
// millions of flows: the rehashes and the second word cost ~25 of the ~50 ns per key
// (docs/performance.md). A new table's pages are faulted in once, in order (freshTable).
//
// Accuracy of the large table (why one word is enough): two different flows are counted as one
// when a probe compares equal words, which for a stored word of another home happens with
// probability 2^-32 per comparison, and for the same home needs 23 + 32 equal hash bits. At ≤ 3/4
// load a probe makes ~1–3 comparisons, so the expected miscount is about packets × 3 / 2^32:
// < 0.01 flows for the bench's 10 M packets (7.6 M probes, 2.86 M flows), ~1 flow per billion
// packets. Both hashes are full avalanche chains (independent seeds), so structured keys — the
// same addresses with neighbouring ports — do not collide more often than random ones.

import { fmix32i, mix32i } from '../decode/index.js';

/** Large table: 2^23 slots × 4 bytes = 32 MiB. */
const SLOT_BITS = 23;
const SLOT_MASK = (1 << SLOT_BITS) - 1;
/** Small table: from 2^12 slots (32 KiB) up to 2^19 (4 MiB, 393 216 flows). */
const SMALL_FIRST_SLOTS = 1 << 12;
const SMALL_MAX_SLOTS = 1 << 19;
/** The most flows the small stage holds before it moves to the large one (3/4 of its slots). */
const SMALL_MAX_FLOWS = (SMALL_MAX_SLOTS * 3) / 4;
/** Linear probing slows down past 3/4 load; at that many flows the count stops (`saturated`). */
export const MAX_FLOWS = ((1 << SLOT_BITS) * 3) / 4;

/** Keys hashed before the table is probed for them together (see FlowTable). */
const PROBE_BATCH = 16;

export interface FlowTotal {
  /** Distinct flows. */
  count: number;
  /** True once the table held MAX_FLOWS flows: `count` is then a lower bound. */
  saturated: boolean;
}

export class FlowTable {
  /** The small stage: `a` and `b` of slot i at [2i, 2i + 1] (one cache line per probe); null once large. */
  private small: Int32Array | null = new Int32Array(2 * SMALL_FIRST_SLOTS);
  private smallMask = SMALL_FIRST_SLOTS - 1;
  /** The large stage: `b` at the home slot of `a`; empty until the small stage is outgrown. */
  private large = new Int32Array(0);
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

  /** The flows added so far. */
  total(): FlowTotal {
    this.flush();
    return { count: this.stored, saturated: this.full };
  }

  /**
   * Adds one flow by its canonical tuple: `lo`/`hi` the two addresses (IPv6: 32-bit hashes),
   * `ports` both ports in the addresses' order (0 without ports), `proto` protocol | depth << 8 |
   * IP version << 12.
   */
  addTuple(lo: number, hi: number, ports: number, proto: number): void {
    // Two independent hashes of the same key (different seeds and word order); the two chains do
    // not depend on each other, so the CPU runs them side by side. Signed 32-bit results (`…i`):
    // no heap number per call where V8 does not inline.
    const a = mix32i(mix32i(fmix32i(lo ^ Math.imul(proto, 0x9e3779b1)), hi), ports);
    const b = mix32i(mix32i(fmix32i(hi ^ Math.imul(proto, 0x85ebca77) ^ 0x5bd1e995), ports), lo);
    const n = this.pending;
    this.pendingA[n] = a === 0 ? 1 : a; // the small stage marks empty slots with an `a` of 0
    this.pendingB[n] = b === 0 ? 1 : b; // 0 marks an empty slot
    this.pending = n + 1;
    if (n + 1 === PROBE_BATCH) this.flush();
  }

  /** Inserts the waiting keys: first touches each one's home slot, then probes. */
  private flush(): void {
    const n = this.pending;
    if (n === 0) return;
    this.pending = 0;
    const pendingA = this.pendingA;
    const pendingB = this.pendingB;
    let touched = 0;
    if (this.small === null) {
      const large = this.large;
      for (let k = 0; k < n; k++) touched ^= large[pendingA[k]! & SLOT_MASK]!;
      this.sink ^= touched;
      for (let k = 0; k < n; k++) this.insertLarge(pendingA[k]! & SLOT_MASK, pendingB[k]!);
    } else {
      const small = this.small;
      const mask = this.smallMask;
      for (let k = 0; k < n; k++) touched ^= small[2 * (pendingA[k]! & mask)]!;
      this.sink ^= touched;
      for (let k = 0; k < n; k++) {
        // The small table may be outgrown in the middle of a batch.
        if (this.small !== null) this.insertSmall(pendingA[k]!, pendingB[k]!);
        else this.insertLarge(pendingA[k]! & SLOT_MASK, pendingB[k]!);
      }
    }
  }

  private insertLarge(home: number, word: number): void {
    const large = this.large;
    let i = home;
    for (;;) {
      const cur = large[i]!;
      if (cur === word) return;
      if (cur === 0) break;
      i = (i + 1) & SLOT_MASK;
    }
    if (this.full) return;
    large[i] = word;
    if (++this.stored >= MAX_FLOWS) this.full = true;
  }

  private insertSmall(a: number, b: number): void {
    const small = this.small!;
    const mask = this.smallMask;
    let i = a & mask;
    for (;;) {
      const cur = small[2 * i]!;
      if (cur === 0) break;
      if (cur === a && small[2 * i + 1] === b) return;
      i = (i + 1) & mask;
    }
    small[2 * i] = a;
    small[2 * i + 1] = b;
    if (++this.stored * 4 >= (mask + 1) * 3) this.outgrowSmall();
  }

  /**
   * Sizes the table once for `flows` flows in all (an estimate; more still fit): the small stage
   * grows straight to the slots they need, or the keys move to the large stage now if they will not
   * fit the small one. Each doubling rehashes every flow so far into fresh pages; on a capture of
   * ~300 000 flows the seven of them cost ~10 % of `decode --summary` (docs/performance.md).
   */
  reserve(flows: number): void {
    if (this.small === null) return;
    this.flush();
    if (flows >= SMALL_MAX_FLOWS) {
      this.moveToLarge();
      return;
    }
    let size = this.smallMask + 1;
    while (flows * 4 >= size * 3) size *= 2;
    if (size > this.smallMask + 1) this.rehashSmall(size);
  }

  /** Doubles the small table, or moves its keys into the large one once it is SMALL_MAX_SLOTS. */
  private outgrowSmall(): void {
    const size = (this.smallMask + 1) * 2;
    if (size > SMALL_MAX_SLOTS) this.moveToLarge();
    else this.rehashSmall(size);
  }

  private rehashSmall(size: number): void {
    const old = this.small!;
    this.stored = 0;
    this.small = freshTable(2 * size);
    this.smallMask = size - 1;
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0) this.insertSmall(old[i]!, old[i + 1]!);
  }

  private moveToLarge(): void {
    const old = this.small!;
    this.stored = 0;
    this.small = null;
    this.large = freshTable(1 << SLOT_BITS);
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0) this.insertLarge(old[i]! & SLOT_MASK, old[i + 1]!);
  }
}

/**
 * A zeroed table whose pages are already the process's. The OS hands out a fresh page on its first
 * touch; a hash table touches its pages in random order, and a probe reads before it writes, so a
 * page is first mapped to the shared zero page and then replaced, which makes the kernel flush the
 * TLBs of the other CPUs the process runs on by interrupt (~10 µs in a virtual machine). Written
 * once from start to end, every page costs one fault, in order: 4 MiB took ~2 ms instead of 20
 * (docs/performance.md, "Fresh tables written in order").
 */
function freshTable(ints: number): Int32Array<ArrayBuffer> {
  const table = new Int32Array(ints);
  table.fill(0);
  return table;
}
