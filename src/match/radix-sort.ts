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
  // Pass one reads the inputs (left as they are) into one buffer per array; later passes move
  // each array between its two buffers.
  const identity = new Uint32Array(n);
  for (let i = 0; i < n; i++) identity[i] = i;
  const arrays: Column[] = [keys, identity, ...columns];
  const into: Column[] = arrays.map((a) => (a === identity ? a : new (a.constructor as new (n: number) => Column)(n)));
  into[1] = new Uint32Array(n);
  const dest = new Uint32Array(n);
  for (let pass = 0; pass < 3; pass++) {
    const base = pass * 2048;
    const shift = pass * 11;
    const key = arrays[0] as Uint32Array;
    for (let i = 0; i < n; i++) dest[i] = counts[base + ((key[i]! >>> shift) & 0x7ff)]!++;
    for (let a = 0; a < arrays.length; a++) {
      scatter(arrays[a]!, into[a]!, dest);
      const from = arrays[a]!;
      arrays[a] = into[a]!;
      // The input arrays are not ours to overwrite: their place goes to a new buffer once.
      into[a] = pass === 0 && from !== identity ? new (from.constructor as new (n: number) => Column)(n) : from;
    }
  }
  return { sorted: arrays[0] as Uint32Array, order: arrays[1] as Uint32Array, columns: arrays.slice(2) as C };
}

/** out[dest[i]] = values[i]. */
function scatter(values: Column, out: Column, dest: Uint32Array): void {
  for (let i = 0; i < values.length; i++) out[dest[i]!] = values[i]!;
}
