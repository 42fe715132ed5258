// Family-tagged addresses and prefixes for models built from text dumps (not for the per-packet
// path, which keeps raw numbers). One place decides how an address is parsed and shown.

import { formatIpv4, ipv4InPrefix, ipv4Mask, parseIpv4 } from './ipv4.js';
import { formatIpv6, ipv6InPrefix, parseIpv6 } from './ipv6.js';

export type Family = 'ipv4' | 'ipv6';

export type IpAddress = { family: 'ipv4'; value: number } | { family: 'ipv6'; words: Uint32Array };

export interface IpPrefix {
  address: IpAddress;
  length: number;
}

export function parseIpAddress(text: string): IpAddress | null {
  const v4 = parseIpv4(text);
  if (v4 !== null) return { family: 'ipv4', value: v4 };
  const v6 = text.includes(':') ? parseIpv6(text) : null;
  return v6 === null ? null : { family: 'ipv6', words: v6 };
}

/** "10.0.0.0/8", "fd00::/64", or a bare address (a host prefix). "default" is left to callers: its family depends on context. */
export function parsePrefix(text: string): IpPrefix | null {
  const slash = text.indexOf('/');
  const address = parseIpAddress(slash === -1 ? text : text.slice(0, slash));
  if (address === null) return null;
  const max = address.family === 'ipv4' ? 32 : 128;
  if (slash === -1) return { address, length: max };
  const lenText = text.slice(slash + 1);
  // iptables prints some masks dotted ("/255.255.255.0"); accept contiguous ones.
  if (address.family === 'ipv4' && lenText.includes('.')) {
    const mask = parseIpv4(lenText);
    if (mask === null) return null;
    const length = contiguousMaskLength(mask);
    return length === null ? null : { address, length };
  }
  if (lenText.length === 0 || lenText.length > 3) return null;
  const length = Number(lenText);
  if (!Number.isInteger(length) || length < 0 || length > max) return null;
  return { address, length };
}

function contiguousMaskLength(mask: number): number | null {
  let length = 0;
  while (length < 32 && ((mask >>> (31 - length)) & 1) === 1) length++;
  const rest = length === 32 ? 0 : (mask << length) >>> 0;
  return rest === 0 ? length : null;
}

export function formatIpAddress(addr: IpAddress): string {
  return addr.family === 'ipv4' ? formatIpv4(addr.value) : formatIpv6(addr.words);
}

export function formatPrefix(prefix: IpPrefix): string {
  return `${formatIpAddress(prefix.address)}/${prefix.length}`;
}

export function prefixContains(prefix: IpPrefix, addr: IpAddress): boolean {
  if (prefix.address.family !== addr.family) return false;
  if (prefix.address.family === 'ipv4' && addr.family === 'ipv4') {
    return ipv4InPrefix(addr.value, prefix.address.value, prefix.length);
  }
  if (prefix.address.family === 'ipv6' && addr.family === 'ipv6') {
    return ipv6InPrefix(addr.words, prefix.address.words, prefix.length);
  }
  return false;
}

export function sameAddress(a: IpAddress, b: IpAddress): boolean {
  if (a.family === 'ipv4' && b.family === 'ipv4') return a.value === b.value;
  if (a.family === 'ipv6' && b.family === 'ipv6') {
    return a.words[0] === b.words[0] && a.words[1] === b.words[1] && a.words[2] === b.words[2] && a.words[3] === b.words[3];
  }
  return false;
}

/** The prefix with its host bits cleared: 10.244.1.1/24 → 10.244.1.0/24. */
export function prefixNetwork(prefix: IpPrefix): IpPrefix {
  const a = prefix.address;
  if (a.family === 'ipv4') return { address: { family: 'ipv4', value: (a.value & ipv4Mask(prefix.length)) >>> 0 }, length: prefix.length };
  const words = new Uint32Array(4);
  for (let w = 0; w < 4; w++) {
    const bits = Math.min(32, Math.max(0, prefix.length - 32 * w));
    words[w] = bits === 0 ? 0 : (a.words[w]! & ((0xffffffff << (32 - bits)) >>> 0)) >>> 0;
  }
  return { address: { family: 'ipv6', words }, length: prefix.length };
}
