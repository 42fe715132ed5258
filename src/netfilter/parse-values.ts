// Small value grammars shared by matches and targets: port ranges, marks, NAT ranges.

import { parseIpAddress, type Family } from '../net/address.js';
import type { MarkValue, NatRange, PortRange } from './model.js';

/** `80`, `1024:65535`, `1024:` and `:1024` (iptables), or `a-b` when `dash` (NAT targets). */
export function parsePortRange(text: string, dash = false): PortRange | null {
  const sep = text.indexOf(dash ? '-' : ':');
  const lo = sep === -1 ? text : text.slice(0, sep);
  const hi = sep === -1 ? text : text.slice(sep + 1);
  const min = lo === '' ? 0 : parsePort(lo);
  const max = hi === '' ? 65535 : parsePort(hi);
  if (min === null || max === null || min > max) return null;
  return { min, max };
}

function parsePort(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null;
  const n = Number(text);
  return n <= 65535 ? n : null;
}

/** Parses a 32-bit unsigned number written in decimal or 0x hex. */
export function parseUint32(text: string): number | null {
  if (!/^(0x[0-9a-fA-F]{1,8}|\d{1,10})$/.test(text)) return null;
  const n = Number(text);
  return n <= 0xffffffff ? n >>> 0 : null;
}

/** `value[/mask]`; the mask defaults to all ones. */
export function parseMarkValue(text: string): MarkValue | null {
  const slash = text.indexOf('/');
  const value = parseUint32(slash === -1 ? text : text.slice(0, slash));
  const mask = slash === -1 ? 0xffffffff : parseUint32(text.slice(slash + 1));
  if (value === null || mask === null) return null;
  return { value, mask };
}

/**
 * A NAT range as `--to-source`/`--to-destination` write it: `A`, `A-B`, `A:P`, `A:P1-P2`, `:P`,
 * and for IPv6 `[A]`, `[A]:P`, `[A-B]:P1-P2`.
 */
export function parseNatRange(text: string, family: Family): NatRange | null {
  let addrText: string;
  let portText: string | null = null;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) return null;
    addrText = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest.length > 0) {
      if (!rest.startsWith(':')) return null;
      portText = rest.slice(1);
    }
  } else if (family === 'ipv6') {
    addrText = text;
  } else {
    const colon = text.indexOf(':');
    addrText = colon === -1 ? text : text.slice(0, colon);
    portText = colon === -1 ? null : text.slice(colon + 1);
  }
  let minAddress = null;
  let maxAddress = null;
  if (addrText.length > 0) {
    const dash = addrText.indexOf('-');
    minAddress = parseIpAddress(dash === -1 ? addrText : addrText.slice(0, dash));
    maxAddress = dash === -1 ? minAddress : parseIpAddress(addrText.slice(dash + 1));
    if (minAddress === null || maxAddress === null || minAddress.family !== family || maxAddress.family !== family) return null;
  }
  let ports: PortRange | null = null;
  if (portText !== null) {
    ports = parsePortRange(portText, true);
    if (ports === null) return null;
  }
  if (minAddress === null && ports === null) return null;
  return { minAddress, maxAddress, ports };
}
