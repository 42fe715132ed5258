// Orders sample indexes by a 32-bit key in linear time (LSD radix, three 11-bit passes): matching
// sorts every sampled packet of a case by fingerprint, millions of them, and a comparator sort
// of typed arrays costs several times more.

/** Returns the indexes 0..n-1 ordered by keys[i] (stable). */
export function orderByKey(keys: Uint32Array): Uint32Array {
  return sortByKey(keys).order;
}

// Two element kinds only: the scatter loop stays fast when it sees few array types.
type Column = Uint32Array | Float64Array;

/**
 * The indexes 0..n-1 ordered by keys[i] (stable), the keys in that order, and each of `columns`
 * (values per index) in that order. Three passes of 11 bits (2 048 buckets fit in L1); each pass
 * moves keys, indexes and columns together, so everything is read in sequence, never looked up
 * at random.
 */
export function sortByKey<C extends Column[]>(keys: Uint32Array, ...columns: C): { order: Uint32Array; sorted: Uint32Array; columns: C } {
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
  let key = keys;
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let moved = columns.slice() as C;
  const dest = new Uint32Array(n);
  for (let pass = 0; pass < 3; pass++) {
    const base = pass * 2048;
    const shift = pass * 11;
    for (let i = 0; i < n; i++) dest[i] = counts[base + ((key[i]! >>> shift) & 0x7ff)]!++;
    key = scatter(key, dest);
    order = scatter(order, dest);
    moved = moved.map((c) => scatter(c, dest)) as C;
  }
  return { order, sorted: key, columns: moved };
}

/** A copy of `values` with values[i] at dest[i]. */
function scatter<T extends Column>(values: T, dest: Uint32Array): T {
  const out = new (values.constructor as new (n: number) => T)(values.length);
  for (let i = 0; i < values.length; i++) out[dest[i]!] = values[i]!;
  return out;
}
