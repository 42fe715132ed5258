// IPv4 addresses as unsigned 32-bit numbers (RFC 791). Parsing and formatting live here so the
// decoder never makes strings; only reports call `formatIpv4`.

/** Parses dotted-quad text ("10.0.0.1") into an unsigned 32-bit number, or null if it is not one. */
export function parseIpv4(text: string): number | null {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      // A leading zero would make inet_aton read octal; iproute2/iptables never print one.
      if (digits > 0 && octet === 0) return null;
      octet = octet * 10 + (c - 48);
      digits += 1;
      if (octet > 255 || digits > 3) return null;
    } else if (c === 46) {
      if (digits === 0 || dots === 3) return null;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots += 1;
    } else {
      return null;
    }
  }
  if (dots !== 3 || digits === 0) return null;
  return (value * 256 + octet) >>> 0;
}

export function formatIpv4(value: number): string {
  return `${(value >>> 24) & 255}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** The network mask of a prefix length as an unsigned number (0 → 0, 32 → 0xffffffff). */
export function ipv4Mask(prefixLen: number): number {
  return prefixLen <= 0 ? 0 : (0xffffffff << (32 - prefixLen)) >>> 0;
}

export function ipv4InPrefix(addr: number, network: number, prefixLen: number): boolean {
  const mask = ipv4Mask(prefixLen);
  return ((addr & mask) >>> 0) === ((network & mask) >>> 0);
}
