// Orders sample indexes by a 32-bit key in linear time (LSD radix, four 8-bit passes): matching
// sorts every sampled packet of a case by fingerprint, millions of them, and a comparator sort
// of typed arrays costs several times more.

/** Returns the indexes 0..n-1 ordered by keys[i] (stable). */
export function orderByKey(keys: Uint32Array): Uint32Array {
  const n = keys.length;
  let from = new Uint32Array(n);
  let to = new Uint32Array(n);
  for (let i = 0; i < n; i++) from[i] = i;
  const counts = new Uint32Array(256);
  for (let shift = 0; shift < 32; shift += 8) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(keys[from[i]!]! >>> shift) & 0xff]!++;
    let sum = 0;
    for (let b = 0; b < 256; b++) {
      const c = counts[b]!;
      counts[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const index = from[i]!;
      to[counts[(keys[index]! >>> shift) & 0xff]!++] = index;
    }
    const swap = from;
    from = to;
    to = swap;
  }
  return from;
}
