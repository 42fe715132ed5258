// Whether an address can be a source on the public Internet. A packet that leaves the captured
// hosts with a private source toward a public destination must be translated again before it
// gets there (nobody routes RFC 1918 / ULA / CGNAT sources on the Internet): that is how natpath
// knows, without a capture further on, that the server does not see the last captured source.

import { parsePrefix, prefixContains, type IpAddress, type IpPrefix } from './address.js';

interface NamedRange {
  prefix: IpPrefix;
  name: string;
}

function ranges(list: Array<[string, string]>): NamedRange[] {
  return list.map(([text, name]) => ({ prefix: parsePrefix(text)!, name }));
}

/** Ranges that are never routed on the Internet as sources, by the name people know them by. */
const PRIVATE_RANGES = ranges([
  ['10.0.0.0/8', 'RFC 1918'],
  ['172.16.0.0/12', 'RFC 1918'],
  ['192.168.0.0/16', 'RFC 1918'],
  ['100.64.0.0/10', 'CGNAT, RFC 6598'],
  ['169.254.0.0/16', 'link-local'],
  ['127.0.0.0/8', 'loopback'],
  ['fc00::/7', 'ULA, RFC 4193'],
  ['fe80::/10', 'link-local'],
  ['::1/128', 'loopback'],
]);

/** The private range an address falls in ("RFC 1918", "ULA, RFC 4193", …), or null when it is not private. */
export function privateRangeOf(address: IpAddress): string | null {
  for (const r of PRIVATE_RANGES) if (prefixContains(r.prefix, address)) return r.name;
  return null;
}

/** Multicast, broadcast and unspecified addresses are not servers. */
const NOT_UNICAST = ranges([
  ['0.0.0.0/8', ''],
  ['224.0.0.0/3', ''],
  ['ff00::/8', ''],
  ['::/128', ''],
]);

/**
 * A public unicast address: what a server on the Internet has. The documentation ranges
 * (RFC 5737, RFC 3849) count as public: examples and the lab use them in that role.
 */
export function isPublicAddress(address: IpAddress): boolean {
  return privateRangeOf(address) === null && !NOT_UNICAST.some((r) => prefixContains(r.prefix, address));
}
