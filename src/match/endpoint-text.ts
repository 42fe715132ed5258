// The report's endpoint text — "IP:port", "[IPv6]:port", or a bare address for protocols without
// ports — made in one place, and read back in one place.

/** The address part of an endpoint text. */
export function addressOf(endpoint: string): string {
  if (endpoint.startsWith('[')) return endpoint.slice(1, endpoint.indexOf(']'));
  const colon = endpoint.indexOf(':');
  return colon !== -1 && endpoint.indexOf(':', colon + 1) === -1 ? endpoint.slice(0, colon) : endpoint;
}

/** The port of an endpoint text, or null when it has none (a bare address, IPv6 included). */
export function portOf(endpoint: string): number | null {
  const colon = endpoint.lastIndexOf(':');
  if (colon < 0 || (!endpoint.startsWith('[') && endpoint.indexOf(':') !== colon)) return null;
  const port = Number(endpoint.slice(colon + 1));
  return Number.isInteger(port) ? port : null;
}

/** TCP, UDP and SCTP have ports; ICMP echo ids are not shown as ports. */
export function hasPorts(proto: number): boolean {
  return proto === 6 || proto === 17 || proto === 132;
}

export function endpointWithPort(address: string, port: number | null): string {
  if (port === null) return address;
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
