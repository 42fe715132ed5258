// Reading the report's endpoint texts ("10.0.0.1:80", "[2001:db8::1]:80", "10.0.0.1", "fe80::1").

/** The address without its port. */
export function addressOf(endpoint: string): string {
  if (endpoint.startsWith('[')) {
    const end = endpoint.indexOf(']');
    return end > 0 ? endpoint.slice(1, end) : endpoint;
  }
  const colon = endpoint.indexOf(':');
  return colon >= 0 && colon === endpoint.lastIndexOf(':') ? endpoint.slice(0, colon) : endpoint;
}

/** Capture points are named "host:interface" in the model; built the same way here, never split (a host name may hold a colon). */
export function pointName(host: string, iface: string): string {
  return `${host}:${iface}`;
}
