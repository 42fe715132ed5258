// Endpoint text and protocol names from a leg's numbers (address words, port, protocol number):
// what describe-flows.ts and related-errors.ts write into flows.

import { endpointWithPort, hasPorts } from './endpoint-text.js';
import { addressKey } from './host-knowledge.js';

/** An endpoint from its words and port, as the report writes it (no port for portless protocols). */
export function endpointText(version: number, words: ArrayLike<number>, port: number, proto: number): string {
  return endpointWithPort(addressKey(version, words), hasPorts(proto) ? port : null);
}

/** The protocol's name in flows and answers. */
export function protoName(proto: number): string {
  switch (proto) {
    case 6:
      return 'tcp';
    case 17:
      return 'udp';
    case 1:
      return 'icmp';
    case 58:
      return 'icmpv6';
    case 132:
      return 'sctp';
    default:
      return `ip-proto-${proto}`;
  }
}
