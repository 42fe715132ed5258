// Hashes for the per-packet fingerprint: FNV-1a over the first bytes of the L4 payload, and a
// murmur3 finalizer to fold the NAT-invariant numbers of a packet into one 32-bit key.
//
// Why these fields: a NAT (kube-proxy DNAT/MASQUERADE, a cloud NAT gateway) rewrites addresses
// and ports, and the checksums that cover them, but not the IPv4 ID, TCP seq/ack, TCP timestamps,
// or the payload. Those let natpath recognise the same packet at two capture points.

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a (32-bit) of buf[off, end). */
export function fnv1a(buf: Uint8Array, off: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = off; i < end; i++) {
    h = Math.imul(h ^ buf[i]!, FNV_PRIME);
  }
  return h >>> 0;
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
