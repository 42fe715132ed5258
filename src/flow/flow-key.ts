// The flow key: what makes two packets one flow, shared by flow counting (`decode --summary`,
// flow-counter.ts), leg collection (`analyze`, leg-table.ts) and Community ID (community-id.ts).
//
// A flow is the innermost IP header's IP version, protocol and two endpoints (address, port),
// put in one canonical order so that both directions of a connection give the same key: the
// *low* endpoint first, the one with the smaller address, compared as unsigned 32-bit words from
// the most significant (IPv4 in word 0; the same order as comparing the addresses' bytes in
// network order, which the Community ID spec does), then the smaller port. The two ports go into
// one word in the same order, the low endpoint's in the upper half.
//
// What each user adds, because it means something more:
// - flow counting mixes in the tunnel depth (Suricata's flow hash does), counts a packet without
//   a decoded transport header under protocol 255, and uses a 32-bit digest for an IPv6 address
//   (its order is then the digests' order: any fixed order makes both directions one key);
// - a leg is a flow at one capture point: the point, the encapsulation and its VNI join the key,
//   and an ICMP echo's identifier stands in for both ports (conntrack and NAT treat it so);
// - Community ID prefixes its seed and has no id for protocols without ports.
//
// Everything here takes and returns 32-bit integers: nothing is allocated per packet.

/** True when endpoint a comes first: a's address (`words` words) is smaller, or equal with a port ≤ b's. */
export function isLowEndpoint(a: ArrayLike<number>, aPort: number, b: ArrayLike<number>, bPort: number, words = 4): boolean {
  for (let i = 0; i < words; i++) {
    // `>>> 0`: a Uint32Array holds them so already; plain arrays of signed words compare the same.
    const x = a[i]! >>> 0;
    const y = b[i]! >>> 0;
    if (x !== y) return x < y;
  }
  return aPort <= bPort;
}

/**
 * isLowEndpoint for one-word addresses (IPv4, or the flow counter's IPv6 digests) given as
 * signed 32-bit integers: flipping the sign bit turns the unsigned order into the signed one,
 * so the comparison stays on small integers (no heap number on the hot path).
 */
export function isLowWord(a: number, aPort: number, b: number, bPort: number): boolean {
  const x = a ^ 0x80000000;
  const y = b ^ 0x80000000;
  return x < y || (x === y && aPort <= bPort);
}

/** Both ports in one word, the low endpoint's in the upper 16 bits (a signed 32-bit integer). */
export function portsWord(lowPort: number, highPort: number): number {
  return (lowPort << 16) | highPort;
}
