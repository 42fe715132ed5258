// What matching found for each pair of legs, column-wise: a busy case has hundreds of thousands
// of pairs, and one object (plus two arrays) per pair made the garbage collector the largest
// item of analyze. Pairs are numbered in the order they were first seen; that order is part of
// the result (ties between equally good links are decided by it).

import { Column, OneBuffer, ReleasableColumn } from '../flow/columns.js';
import { mix32 } from '../decode/index.js';

/** Time differences kept per leg pair and direction (clock offsets and ordering take medians). */
export const DELTAS_KEPT = 32;

/** Pairs per leg found through the leg's chain; a leg's further pairs through a hash table. */
const PAIRS_PER_LEG_CHAIN = 16;
/** The chain link of a pair kept in the overflow table (a chain ends with -1). */
const OVERFLOW = -2;

/**
 * Pairs presized per sampled packet: a packet seen at two points makes one pair per connection
 * from two samples (0.5 per sample, the most of one-packet connections); replayed traffic at six
 * points made 0.28 (docs/performance.md). Above this the columns grow as before.
 */
const PAIRS_PER_SAMPLE = 0.5;
/** Rows presized at most (16 M pairs: ~1.5 GB of address space, none of it touched until used). */
const MAX_PRESIZED = 1 << 24;
/**
 * Time differences kept in the pair's row per direction after the first: replayed traffic at six
 * points kept 2–4 (docs/performance.md), which in the pool took 8 bytes each and a chain.
 */
const INLINE_DELTAS = 4;
/**
 * The running counts of a pair while matching, side by side (TALLY words of 4 bytes): one packet
 * updates one place, where a column per count made it read and write four (each a cache miss on
 * replayed traffic, whose groups visit every pair once). Copied into the pair's columns when
 * matching ends.
 */
const TALLY = 8;
const SAME_ORIENTATION = 0;
/** + 0 sent by a's low endpoint, + 1 by its high one (so are the next two). */
const SENT = 1;
const TTL_VOTES = 3;
/** The newest pooled difference per direction (-1: none). */
const DELTA_HEAD = 5;
/** a (4 bytes), loose (1), tally (TALLY × 4), firstDelta (2 × 8), inlineDelta (2 × INLINE_DELTAS × 4), chain (b and a link, 2 × 4). */
const BYTES_PER_PAIR = 4 + 1 + TALLY * 4 + 16 + 2 * INLINE_DELTAS * 4 + 8;
/** Kept differences the pool holds in place at most (beyond, it moves to a larger buffer). */
const MAX_POOLED = 1 << 28;

export class PairEvidence {
  count = 0;
  /**
   * Per host (index), pairs of sampled packets matching did not take for one packet because the
   * directions recorded there refute it (match-packets.ts directionsRefute).
   */
  readonly refutedByDirection: number[] = [];
  /** The pair's legs (global ids), a < b; b (like the counts below) is filled when matching ends (computeMedians; empty before). */
  readonly a: Column<Int32Array>;
  readonly b = new Column(Int32Array, 0);
  /** Packets seen in both legs. */
  readonly shared = new Column(Uint32Array, 0);
  /** Shared packets going the same way relative to each leg's low/high endpoints. */
  readonly sameOrientation = new Column(Uint32Array, 0);
  /** Shared packets sent by a's low endpoint / by a's high endpoint. */
  readonly fromLow = new Column(Uint32Array, 0);
  readonly fromHigh = new Column(Uint32Array, 0);
  /** Σ sign(ttl(a) − ttl(b)) of shared packets sent by a's low / high endpoint: > 0 means a saw them first (routers only lower TTLs). */
  readonly ttlVotesFromLow = new Column(Int32Array, 0);
  readonly ttlVotesFromHigh = new Column(Int32Array, 0);
  /** 1 when found only without TCP sequence numbers (weaker evidence). */
  readonly loose: Column<Uint8Array>;

  // ts(b) − ts(a) of the first DELTAS_KEPT shared packets per direction: medians need a sample,
  // not every packet. The first in the pair's row (most pairs of a busy case share one packet
  // per direction), the next INLINE_DELTAS there too, the others as chains in one pool (entry →
  // next entry, -1 ends a chain); all but the first as their difference from the first in single
  // precision: the packets of one pair and direction differ by jitter, not by the clock offset,
  // so 24 bits keep them to well under a microsecond up to seconds apart (docs/performance.md).
  // The pool grows in place and is released at once with the medians (ReleasableColumn).
  private readonly tally: Column<Int32Array>;
  private readonly firstDelta: Column<Float64Array>;
  private readonly inlineDelta: Column<Float32Array>;
  private readonly deltaValue = new ReleasableColumn(Float32Array, 0, MAX_POOLED);
  private readonly deltaNext = new ReleasableColumn(Int32Array, 0, MAX_POOLED);
  private deltas = 0;
  private readonly scratch = new Float64Array(DELTAS_KEPT);

  // Finding a pair: each leg's first PAIRS_PER_LEG_CHAIN pairs (those where it is the lower
  // leg) are chained from the leg, the rest go to an open-addressing table. Matching meets one
  // connection's pairs together, and a connection's legs and pairs are numbered together, so the
  // chains are read from nearby memory; a hash probe per packet missed the cache every time
  // (the largest item of matching replayed traffic). A chain's links hold the pair's b beside
  // the next pair: a step reads one place. A chain is a ring read from where the leg's last
  // lookup left it (chainCursor: the pair after the one found): matching asks for a leg's pairs
  // in the same order for every print the connection repeats, so the first pair read is nearly
  // always the one asked for (a chain from its newest pair read half of it per lookup on
  // replayed traffic, each link elsewhere in memory).
  private readonly chainCursor: Int32Array;
  private readonly chainLength: Uint8Array;
  /** Per pair: [2·pair] its b, [2·pair + 1] the next pair of a's ring (OVERFLOW: in no ring). */
  private readonly chain: Column<Int32Array>;
  // Overflow: pair numbers by hash of (a, b); -1 marks an empty slot.
  private slots = new Int32Array(16).fill(-1);
  private overflow = 0;

  /**
   * `legCount`: legs are numbered 0 … legCount − 1. `samples`, the sampled packets matching
   * will pair, sizes the columns for the pairs and kept differences such samples usually make
   * (PAIRS_PER_SAMPLE, DELTAS_PER_SAMPLE): growing them by steps left each step's old arrays
   * with the process, at matching's peak. Rows never written cost no memory.
   */
  constructor(legCount: number, samples = 0) {
    this.chainCursor = new Int32Array(legCount).fill(-1);
    this.chainLength = new Uint8Array(legCount);
    const pairs = Math.min(MAX_PRESIZED, Math.max(1024, Math.ceil(samples * PAIRS_PER_SAMPLE)));
    const perPair = new OneBuffer(pairs, BYTES_PER_PAIR, 6);
    this.a = perPair.column(Int32Array);
    this.loose = perPair.column(Uint8Array);
    this.tally = perPair.column(Int32Array, TALLY);
    this.firstDelta = perPair.column(Float64Array, 2);
    this.inlineDelta = perPair.column(Float32Array, 2 * INLINE_DELTAS);
    this.chain = perPair.column(Int32Array, 2);
  }

  /** The pair's number, or -1. */
  find(a: number, b: number): number {
    const chain = this.chain.data;
    const start = this.chainCursor[a]!;
    if (start >= 0) {
      let pair = start;
      do {
        const next = chain[2 * pair + 1]!;
        if (chain[2 * pair] === b) {
          this.chainCursor[a] = next;
          return pair;
        }
        pair = next;
      } while (pair !== start);
    }
    return this.chainLength[a] === PAIRS_PER_LEG_CHAIN ? this.findOverflow(a, b) : -1;
  }

  private findOverflow(a: number, b: number): number {
    const mask = this.slots.length - 1;
    for (let slot = hashPair(a, b) & mask; ; slot = (slot + 1) & mask) {
      const pair = this.slots[slot]!;
      if (pair < 0) return -1;
      if (this.a.data[pair] === a && this.chain.data[2 * pair] === b) return pair;
    }
  }

  /** A new, empty pair (a < b, not yet present). */
  add(a: number, b: number, loose: boolean): number {
    const pair = this.count++;
    if (pair >= this.a.data.length) this.grow(pair);
    this.a.data[pair] = a;
    this.chain.data[2 * pair] = b;
    this.loose.data[pair] = loose ? 1 : 0;
    const tally = this.tally.data;
    const at = pair * TALLY;
    // Stores, not TypedArray.fill: the builtin's call cost ~50 ns a pair (~50 ms of matching
    // 960 000 pairs of replayed traffic).
    tally[at + SAME_ORIENTATION] = 0;
    tally[at + SENT] = 0;
    tally[at + SENT + 1] = 0;
    tally[at + TTL_VOTES] = 0;
    tally[at + TTL_VOTES + 1] = 0;
    tally[at + DELTA_HEAD] = -1;
    tally[at + DELTA_HEAD + 1] = -1;
    if (this.chainLength[a]! < PAIRS_PER_LEG_CHAIN) {
      this.joinRing(a, pair);
      this.chainLength[a]!++;
      return pair;
    }
    this.chain.data[2 * pair + 1] = OVERFLOW;
    if (++this.overflow * 2 > this.slots.length) this.rehash();
    else this.place(pair, this.slots);
    return pair;
  }

  /** Puts a new pair last in a's ring: just before the cursor, where a first lookup ends. */
  private joinRing(a: number, pair: number): void {
    const chain = this.chain.data;
    const cursor = this.chainCursor[a]!;
    if (cursor < 0) {
      chain[2 * pair + 1] = pair;
      this.chainCursor[a] = pair;
      return;
    }
    let last = cursor;
    while (chain[2 * last + 1] !== cursor) last = chain[2 * last + 1]!;
    chain[2 * last + 1] = pair;
    chain[2 * pair + 1] = cursor;
  }

  /** One packet seen in both legs: sent by a's low endpoint or not, same orientation in b or not, ts(b) − ts(a), sign(ttl(a) − ttl(b)). */
  addPacket(pair: number, aFromLow: boolean, sameOrientation: boolean, delta: number, ttlVote: number): void {
    const tally = this.tally.data;
    const at = pair * TALLY;
    if (sameOrientation) tally[at + SAME_ORIENTATION]!++;
    const direction = aFromLow ? 0 : 1;
    const sent = tally[at + SENT + direction]!++;
    tally[at + TTL_VOTES + direction]! += ttlVote;
    if (sent === 0) {
      this.firstDelta.data[2 * pair + direction] = delta;
      return;
    }
    if (sent >= DELTAS_KEPT) return;
    if (sent <= INLINE_DELTAS) {
      this.inlineDelta.data[(2 * pair + direction) * INLINE_DELTAS + sent - 1] = delta - this.firstDelta.data[2 * pair + direction]!;
      return;
    }
    const entry = this.deltas++;
    if (entry >= this.deltaValue.data.length) {
      this.deltaValue.ensure(entry);
      this.deltaNext.ensure(entry);
    }
    this.deltaValue.data[entry] = delta - this.firstDelta.data[2 * pair + direction]!;
    this.deltaNext.data[entry] = tally[at + DELTA_HEAD + direction]!;
    tally[at + DELTA_HEAD + direction] = entry;
  }

  /** Shared packets sent by a's low endpoint (`fromLow`) or by its high one. */
  sentBy(pair: number, fromLow: boolean): number {
    return fromLow ? this.fromLow.data[pair]! : this.fromHigh.data[pair]!;
  }

  /**
   * Per pair and direction (2·pair: sent by a's low endpoint, 2·pair + 1: by its high one), the
   * median of the kept time differences, NaN without any. Filled by `computeMedians` once
   * matching is done; read in place, as a call returning a fraction would make a heap number.
   */
  medians: Float64Array = new Float64Array(0);

  /**
   * Ends matching: each pair's medians are written over its first differences (same shape, and
   * each median reads only its own pair and direction), and the other kept differences are let
   * go. A new array for them came on top of everything matching still held, at its peak
   * (docs/performance.md). The counts go from the tally to their columns, in the place of the
   * differences kept in the pairs' rows, no longer needed: no memory on top either. No packet
   * can be added afterwards.
   */
  computeMedians(): void {
    const first = this.firstDelta.data;
    const tally = this.tally.data;
    const inline = this.inlineDelta.data;
    for (let at = 0; at < 2 * this.count; at++) {
      // at = 2·pair + direction; each median reads its own pair and direction only.
      const sent = tally[(at >> 1) * TALLY + SENT + (at & 1)]!;
      const f = first[at]!;
      const i = at * INLINE_DELTAS;
      // Up to INLINE_DELTAS + 1 values (most pairs of a busy case) all in the pair's row: their
      // median by compare-exchanges on locals. Differences of timestamps are never −0 nor NaN,
      // so min and max order them as the insertion sort of medianWithPool does, to the bit.
      if (sent <= 1) first[at] = sent === 0 ? NaN : f;
      else if (sent === 2) first[at] = (f + (f + inline[i]!)) / 2;
      else if (sent === 3) first[at] = median3(f, f + inline[i]!, f + inline[i + 1]!);
      else if (sent === 4) first[at] = median4(f, f + inline[i]!, f + inline[i + 1]!, f + inline[i + 2]!);
      else if (sent === 5) first[at] = median5(f, f + inline[i]!, f + inline[i + 1]!, f + inline[i + 2]!, f + inline[i + 3]!);
      else first[at] = this.medianWithPool(at, sent);
    }
    this.medians = first.subarray(0, 2 * this.count);
    this.deltaValue.release();
    this.deltaNext.release();
    this.deltas = 0;
    this.countsFromTally();
  }

  /** The tally's counts and the chains' b into their columns, which take the place of the inline differences (room for 2 × INLINE_DELTAS words a pair, 7 needed). */
  private countsFromTally(): void {
    const n = this.count;
    const { buffer, byteOffset } = this.inlineDelta.data;
    const columns = [this.shared, this.sameOrientation, this.fromLow, this.fromHigh, this.ttlVotesFromLow, this.ttlVotesFromHigh, this.b] as const;
    columns.forEach((column, k) => (column.data = new (column.data.constructor as Int32ArrayConstructor)(buffer, byteOffset + 4 * k * n, n) as never));
    const shared = this.shared.data;
    const same = this.sameOrientation.data;
    const fromLow = this.fromLow.data;
    const fromHigh = this.fromHigh.data;
    const ttlLow = this.ttlVotesFromLow.data;
    const ttlHigh = this.ttlVotesFromHigh.data;
    const tally = this.tally.data;
    const b = this.b.data;
    const chain = this.chain.data;
    for (let pair = 0, at = 0; pair < n; pair++, at += TALLY) {
      b[pair] = chain[2 * pair]!;
      same[pair] = tally[at + SAME_ORIENTATION]!;
      fromLow[pair] = tally[at + SENT]!;
      fromHigh[pair] = tally[at + SENT + 1]!;
      shared[pair] = fromLow[pair]! + fromHigh[pair]!;
      ttlLow[pair] = tally[at + TTL_VOTES]!;
      ttlHigh[pair] = tally[at + TTL_VOTES + 1]!;
    }
  }

  /**
   * The median of direction `at` (2·pair + direction) when it kept more differences than its row
   * holds (`sent` > INLINE_DELTAS + 1): the row's, then the pool's chain, sorted as they come.
   */
  private medianWithPool(at: number, sent: number): number {
    const first = this.firstDelta.data[at]!;
    const values = this.scratch;
    values[0] = first;
    let n = 1;
    const inline = Math.min(sent - 1, INLINE_DELTAS);
    for (let k = 0; k < inline; k++) n = insertSorted(values, n, first + this.inlineDelta.data[at * INLINE_DELTAS + k]!);
    for (let e = this.tally.data[(at >> 1) * TALLY + DELTA_HEAD + (at & 1)]!; e >= 0; e = this.deltaNext.data[e]!) n = insertSorted(values, n, first + this.deltaValue.data[e]!);
    const mid = n >> 1;
    return n % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
  }

  /** Whether at least half the shared packets kept their orientation (low → high stayed low → high). */
  sameWay(pair: number): boolean {
    return this.sameOrientation.data[pair]! * 2 >= this.shared.data[pair]!;
  }

  /** Every per-pair column grows together (same initial rows, doubled together). */
  private grow(pair: number): void {
    for (const column of [this.a, this.loose, this.tally, this.firstDelta, this.inlineDelta, this.chain]) {
      column.ensure(pair);
    }
  }

  private place(pair: number, slots: Int32Array): void {
    const mask = slots.length - 1;
    let slot = hashPair(this.a.data[pair]!, this.chain.data[2 * pair]!) & mask;
    while (slots[slot]! >= 0) slot = (slot + 1) & mask;
    slots[slot] = pair;
  }

  /** Twice the overflow slots; only pairs past their leg's chain live there. */
  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    for (let pair = 0; pair < this.count; pair++) if (this.chain.data[2 * pair + 1] === OVERFLOW) this.place(pair, slots);
    this.slots = slots;
  }
}

function median3(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}

/** The mean of the middle two of four values. */
function median4(a: number, b: number, c: number, d: number): number {
  return (Math.max(Math.min(a, b), Math.min(c, d)) + Math.min(Math.max(a, b), Math.max(c, d))) / 2;
}

/** The middle of five values: the smallest of the two lowest of two sorted pairs is below three others and goes, e takes its place, the second smallest of the four left is the median. */
function median5(a: number, b: number, c: number, d: number, e: number): number {
  let p = Math.min(a, b);
  let q = Math.max(a, b);
  let r = Math.min(c, d);
  let s = Math.max(c, d);
  if (p < r) {
    p = Math.min(e, q);
    q = Math.max(e, q);
  } else {
    r = Math.min(e, s);
    s = Math.max(e, s);
  }
  return p < r ? Math.min(q, r) : Math.min(s, p);
}

/** Puts v among the first n values (sorted) and returns n + 1: an insertion sort as the values come, at most DELTAS_KEPT of them. */
function insertSorted(values: Float64Array, n: number, v: number): number {
  let i = n;
  while (i > 0 && values[i - 1]! > v) {
    values[i] = values[i - 1]!;
    i--;
  }
  values[i] = v;
  return n + 1;
}

function hashPair(a: number, b: number): number {
  return mix32(mix32(0x9e3779b9, a), b);
}
