// Orders rows by a 32-bit key in linear time, stably, most significant bits first: matching
// sorts every sampled packet of a case by fingerprint, millions of them, with the columns a pair
// needs (leg, time, flags) moved along so that a group of equal prints is read in sequence.
//
// The caller files each row straight from where it lives into the bucket of its key's top 11
// bits (`topBucket`, counted first, placed with `bucketStarts`); `sortWithinBuckets` then sorts
// each bucket on the low 21 bits (two counting passes of 11 and 10 bits, through scratch the size
// of the largest bucket, back into place). Against three LSD passes over the whole array this
// keeps one copy of the rows instead of three (input, and two buffers the passes alternate
// between) and runs the last two passes on a bucket that fits in cache.

// Two element kinds only: the scatter loop stays fast when it sees few array types.
export type Column = Uint32Array | Float64Array;

/** Bits of the key that pick a row's bucket (2 048 buckets: their counters fit in L1). */
const TOP_BITS = 11;
export const BUCKETS = 1 << TOP_BITS;
const LOW_BITS = 32 - TOP_BITS;
/** Buckets this small are sorted by insertion: two counting passes cost more. */
const INSERTION_ROWS = 32;

/** The bucket of a key: its top 11 bits. */
export function topBucket(key: number): number {
  return key >>> LOW_BITS;
}

/**
 * Arrays a sort may reuse from one call to the next: matching sorts twice, and fresh buffers
 * the size of all samples cost page faults each time. A call's results live in these buffers,
 * valid until the next call with the same SortBuffers.
 */
export class SortBuffers {
  private readonly held: Column[] = [];

  /** The first n values of buffer `slot`, an array of the kind of `like` (grown when too small). */
  take<T extends Column>(slot: number, like: T, n: number): T {
    let buffer = this.held[slot];
    if (buffer === undefined || buffer.constructor !== like.constructor || buffer.length < n) {
      buffer = new (like.constructor as new (n: number) => Column)(n);
      this.held[slot] = buffer;
    }
    return buffer.subarray(0, n) as T;
  }
}

/**
 * Turns per-bucket row counts (`counts[b]`, BUCKETS of them) into each bucket's first row, in
 * place, and returns the starts with the end appended (BUCKETS + 1 values).
 */
export function bucketStarts(counts: Uint32Array): Uint32Array {
  const starts = new Uint32Array(BUCKETS + 1);
  let sum = 0;
  for (let b = 0; b < BUCKETS; b++) {
    starts[b] = sum;
    sum += counts[b]!;
    counts[b] = starts[b]!;
  }
  starts[BUCKETS] = sum;
  return starts;
}

/**
 * Files rows of `keys` (and matching's three row columns along: leg, time, flags) into the
 * buckets of their keys' top bits in place, keeping the order of rows within a bucket, and
 * returns the buckets' starts (as bucketStarts). The rows are moved along the cycles of the
 * permutation: the only extra memory is each row's destination (4 bytes a row), where filing
 * into a second set of arrays takes a row's size. The columns are named, not a list: a loop
 * over a list of arrays of two kinds ran at half the speed (~0.7 s for 3.5 M rows, matching's
 * loose pass on replayed traffic; docs/performance.md). `scratch`, when given (at least as long
 * as `keys`, its contents lost), holds the destinations: an array the caller no longer needs,
 * so that filing allocates nothing.
 */
export function fileInPlace(keys: Uint32Array, leg: Uint32Array, ts: Float64Array, flag: Uint32Array, scratch?: Uint32Array): Uint32Array {
  const n = keys.length;
  const counts = new Uint32Array(BUCKETS);
  for (let i = 0; i < n; i++) counts[topBucket(keys[i]!)]!++;
  const starts = bucketStarts(counts);
  const dest = scratch !== undefined && scratch.length >= n ? scratch : new Uint32Array(n);
  for (let i = 0; i < n; i++) dest[i] = counts[topBucket(keys[i]!)]!++;
  for (let i = 0; i < n; i++) {
    if (dest[i] === i) continue;
    // Row i's values travel to dest[i], whose values travel on, until the cycle comes back to i.
    let key = keys[i]!;
    let l = leg[i]!;
    let t = ts[i]!;
    let f = flag[i]!;
    let j = dest[i]!;
    dest[i] = i;
    while (j !== i) {
      const nextKey = keys[j]!;
      const nextLeg = leg[j]!;
      const nextTs = ts[j]!;
      const nextFlag = flag[j]!;
      keys[j] = key;
      leg[j] = l;
      ts[j] = t;
      flag[j] = f;
      key = nextKey;
      l = nextLeg;
      t = nextTs;
      f = nextFlag;
      const next = dest[j]!;
      dest[j] = j;
      j = next;
    }
    keys[i] = key;
    leg[i] = l;
    ts[i] = t;
    flag[i] = f;
  }
  return starts;
}

/**
 * Sorts each bucket [starts[b], starts[b + 1]) of `keys` (filed by topBucket, in the order rows
 * should keep among equal keys) on the remaining bits, moving `columns` along. Stable.
 */
export function sortWithinBuckets(starts: Uint32Array, keys: Uint32Array, columns: Column[], scratch: SortBuffers): void {
  let largest = 0;
  for (let b = 0; b < BUCKETS; b++) largest = Math.max(largest, starts[b + 1]! - starts[b]!);
  const all: Column[] = [keys, ...columns];
  const temp = all.map((like, i) => scratch.take(i, like, largest));
  const dest = scratch.take(all.length, keys, largest);
  const counts = new Uint32Array(2048);
  for (let b = 0; b < BUCKETS; b++) {
    const from = starts[b]!;
    const to = starts[b + 1]!;
    if (to - from < 2 || allEqual(keys, from, to)) continue;
    if (to - from <= INSERTION_ROWS) {
      insertionSort(keys, all, from, to);
      continue;
    }
    // Bits 0–10 into temp, then bits 11–20 back into place.
    countingPass(keys, from, to, 0, 0x7ff, counts, dest);
    for (let k = 0; k < all.length; k++) scatterOut(all[k]!, from, to, temp[k]!, dest);
    countingPass(temp[0] as Uint32Array, 0, to - from, 11, 0x3ff, counts, dest);
    for (let k = 0; k < all.length; k++) scatterIn(temp[k]!, to - from, all[k]!, from, dest);
  }
}

/** dest[i − from] = where row i goes (relative to the bucket) when ordered by (key >>> shift) & mask. */
function countingPass(keys: Uint32Array, from: number, to: number, shift: number, mask: number, counts: Uint32Array, dest: Uint32Array): void {
  counts.fill(0, 0, mask + 1);
  for (let i = from; i < to; i++) counts[(keys[i]! >>> shift) & mask]!++;
  let sum = 0;
  for (let d = 0; d <= mask; d++) {
    const c = counts[d]!;
    counts[d] = sum;
    sum += c;
  }
  for (let i = from; i < to; i++) dest[i - from] = counts[(keys[i]! >>> shift) & mask]!++;
}

/** out[dest[i − from]] = values[i] for i in [from, to). */
function scatterOut(values: Column, from: number, to: number, out: Column, dest: Uint32Array): void {
  for (let i = from; i < to; i++) out[dest[i - from]!] = values[i]!;
}

/** out[at + dest[i]] = values[i] for i in [0, n). */
function scatterIn(values: Column, n: number, out: Column, at: number, dest: Uint32Array): void {
  for (let i = 0; i < n; i++) out[at + dest[i]!] = values[i]!;
}

function allEqual(keys: Uint32Array, from: number, to: number): boolean {
  const first = keys[from]!;
  for (let i = from + 1; i < to; i++) if (keys[i] !== first) return false;
  return true;
}

/** Stable insertion sort of rows [from, to) by key; all[0] is the keys. */
function insertionSort(keys: Uint32Array, all: Column[], from: number, to: number): void {
  for (let i = from + 1; i < to; i++) {
    const key = keys[i]!;
    let j = i;
    while (j > from && keys[j - 1]! > key) j--;
    if (j === i) continue;
    for (const column of all) {
      const value = column[i]!;
      column.copyWithin(j + 1, j, i);
      column[j] = value;
    }
  }
}
