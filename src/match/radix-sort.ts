// Orders sample indexes by a 32-bit key in linear time (LSD radix, three 11-bit passes): matching
// sorts every sampled packet of a case by fingerprint, millions of them, and a comparator sort
// of typed arrays costs several times more.

/** Returns the indexes 0..n-1 ordered by keys[i] (stable). */
export function orderByKey(keys: Uint32Array): Uint32Array {
  return sortByKey(keys).order;
}

/**
 * The indexes 0..n-1 ordered by keys[i] (stable), and the keys in that order. Three passes of
 * 11 bits (2 048 buckets fit in L1); each pass moves keys with their indexes, so it reads both
 * in sequence instead of looking keys up at random.
 */
export function sortByKey(keys: Uint32Array): { order: Uint32Array; sorted: Uint32Array } {
  const n = keys.length;
  let from = new Uint32Array(n);
  let to = new Uint32Array(n);
  let keyFrom = new Uint32Array(n);
  let keyTo = new Uint32Array(n);
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
  // First pass straight from the keys (the identity order), then from the previous pass.
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    const at = counts[k & 0x7ff]!++;
    from[at] = i;
    keyFrom[at] = k;
  }
  for (let pass = 1; pass < 3; pass++) {
    const base = pass * 2048;
    const shift = pass * 11;
    for (let i = 0; i < n; i++) {
      const k = keyFrom[i]!;
      const at = counts[base + ((k >>> shift) & 0x7ff)]!++;
      to[at] = from[i]!;
      keyTo[at] = k;
    }
    [from, to] = [to, from];
    [keyFrom, keyTo] = [keyTo, keyFrom];
  }
  return { order: from, sorted: keyFrom };
}
