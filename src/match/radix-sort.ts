// Orders sample indexes by a 32-bit key in linear time (LSD radix, three 11-bit passes): matching
// sorts every sampled packet of a case by fingerprint, millions of them, and a comparator sort
// of typed arrays costs several times more.

/** Returns the indexes 0..n-1 ordered by keys[i] (stable). Three passes of 11 bits (2 048 buckets fit in L1). */
export function orderByKey(keys: Uint32Array): Uint32Array {
  const n = keys.length;
  let from = new Uint32Array(n);
  let to = new Uint32Array(n);
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
  for (let i = 0; i < n; i++) from[counts[keys[i]! & 0x7ff]!++] = i;
  for (let pass = 1; pass < 3; pass++) {
    const base = pass * 2048;
    const shift = pass * 11;
    for (let i = 0; i < n; i++) {
      const index = from[i]!;
      to[counts[base + ((keys[index]! >>> shift) & 0x7ff)]!++] = index;
    }
    const swap = from;
    from = to;
    to = swap;
  }
  return from;
}
