// Hashes for the per-packet fingerprint: MurmurHash3 (x86, 32-bit) over the first bytes of the L4
// payload, and murmur3's finalizer to fold the NAT-invariant numbers of a packet into one 32-bit key.
//
// Why these fields: a NAT (kube-proxy DNAT/MASQUERADE, a cloud NAT gateway) rewrites addresses
// and ports, and the checksums that cover them, but not the IPv4 ID, TCP seq/ack, TCP timestamps,
// or the payload. Those let natpath recognise the same packet at two capture points.
//
// Why MurmurHash3 and not byte-wise FNV-1a (used until 2026-11): FNV-1a is one multiply per byte
// in a single dependency chain (~4 cycles/byte, 7-11 % of decoding small packets); murmur3 takes
// a 32-bit word per step (~1.5 cycles/byte) with full avalanche. Both are deterministic; hashes
// are only compared within one natpath version, so changing the function changes no match.

/** MurmurHash3_x86_32 of buf[off, end) (words read little-endian, as the reference does), as a signed 32-bit integer. */
export function murmur3(buf: Uint8Array, off: number, end: number, seed = 0): number {
  let h = seed | 0;
  let i = off;
  for (const last = end - 3; i < last; i += 4) {
    let k = buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = end - i;
  if (tail > 0) {
    let k = buf[i]!;
    if (tail > 1) k |= buf[i + 1]! << 8;
    if (tail > 2) k |= buf[i + 2]! << 16;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
  }
  // Signed (same bits as the reference's unsigned result): no heap number per call (fmix32i).
  return fmix32i(h ^ (end > off ? end - off : 0));
}

/** murmur3 fmix32: spreads the bits of a 32-bit value. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Mixes one more 32-bit value into a running hash (order-sensitive). */
export function mix32(h: number, value: number): number {
  return fmix32((h ^ Math.imul(value >>> 0, 0xcc9e2d51)) + 0x9e3779b9);
}

/**
 * fmix32 and mix32 in the int32 domain: the same bits, returned signed. V8 keeps a signed 32-bit
 * result as a small integer; an unsigned one ≥ 2^31 is a heap number, allocated on every call
 * that is not inlined — two or three per packet on analyze's path (measured: ~80 bytes/packet of
 * young garbage).
 */
export function fmix32i(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export function mix32i(h: number, value: number): number {
  // `| 0` on the sum (same low 32 bits): the argument stays an integer, not a heap number.
  return fmix32i(((h ^ Math.imul(value, 0xcc9e2d51)) + 0x9e3779b9) | 0);
}
