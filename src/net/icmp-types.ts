// ICMP message types by what they are (RFC 792, RFC 4443), for the decoders, leg collection and
// trace alike: an error quotes the datagram it is about; a query carries an identifier.

/** ICMPv4 errors: destination unreachable, source quench, redirect, time exceeded, parameter problem. */
export function isIcmpv4Error(type: number): boolean {
  return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}

/** ICMPv6 errors: destination unreachable, packet too big, time exceeded, parameter problem. */
export function isIcmpv6Error(type: number): boolean {
  return type >= 1 && type <= 4;
}

/** ICMPv4 queries with an identifier and sequence: echo, timestamp, information, address mask (requests and replies). */
export function isIcmpv4Query(type: number): boolean {
  return type === 0 || type === 8 || (type >= 13 && type <= 18);
}
