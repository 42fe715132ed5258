// Orders sample indexes by a 32-bit key in linear time (LSD radix, three 11-bit passes): matching
// sorts every sampled packet of a case by fingerprint, millions of them, and a comparator sort
// of typed arrays costs several times more.

// Two element kinds only: the scatter loop stays fast when it sees few array types.
type Column = Uint32Array | Float64Array;

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
 * The indexes 0..n-1 ordered by keys[i] (stable; empty with `withOrder: false`), the keys in
 * that order, and each of `columns` (values per index) in that order; the inputs are left as
 * they are. Three passes of 11 bits
 * (2 048 buckets fit in L1); each pass moves keys, indexes and columns together, so everything
 * is read in sequence, never looked up at random.
 */
export function sortByKey<C extends Column[]>(
  keys: Uint32Array,
  columns: C = [] as unknown as C,
  buffers = new SortBuffers(),
  { withOrder = true } = {},
): { order: Uint32Array; sorted: Uint32Array; columns: C } {
  const n = keys.length;
  const counts = new Uint32Array(3 * 2048);
  // All three histograms in one read of the keys.
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    counts[k & 0x7ff]!++;
    counts[2048 + ((k >>> 11) & 0x7ff)]!++;
    counts[4096 + (k >>> 22)]!++;
  }
  for (let pass = 0; pass < 3; pass++) {
    const base = pass * 2048;
    let sum = 0;
    for (let b = 0; b < 2048; b++) {
      const c = counts[base + b]!;
      counts[base + b] = sum;
      sum += c;
    }
  }
  // Per array two buffers, A and B: pass one moves the input into A, pass two A into B, pass
  // three B into A. The indexes (unless not wanted: they cost 8 bytes per key) start as 0..n-1
  // in B, free until pass two.
  const inputs: Column[] = withOrder ? [keys, keys, ...columns] : [keys, ...columns];
  const a = inputs.map((like, i) => buffers.take(2 * i, like, n));
  const b = inputs.map((like, i) => buffers.take(2 * i + 1, like, n));
  if (withOrder) {
    const identity = b[1]!;
    for (let i = 0; i < n; i++) identity[i] = i;
    inputs[1] = identity;
  }
  const dest = buffers.take(2 * inputs.length, keys, n);
  const passes: Array<[Column[], Column[]]> = [
    [inputs, a],
    [a, b],
    [b, a],
  ];
  for (const [pass, [from, to]] of passes.entries()) {
    const base = pass * 2048;
    const shift = pass * 11;
    const key = from[0] as Uint32Array;
    for (let i = 0; i < n; i++) dest[i] = counts[base + ((key[i]! >>> shift) & 0x7ff)]!++;
    for (let k = 0; k < from.length; k++) scatter(from[k]!, to[k]!, dest);
  }
  const first = withOrder ? 2 : 1;
  return { sorted: a[0] as Uint32Array, order: withOrder ? (a[1] as Uint32Array) : new Uint32Array(0), columns: a.slice(first) as C };
}

/** out[dest[i]] = values[i]. */
function scatter(values: Column, out: Column, dest: Uint32Array): void {
  for (let i = 0; i < values.length; i++) out[dest[i]!] = values[i]!;
}
