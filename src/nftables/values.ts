// What an nft expression evaluates to for one packet, and how the constants of a rule (`10.0.0.0/8`,
// `tcp`, `"eth*"`, `80-90`, `established`) compare with it. The constant's meaning depends on what
// it meets — `tcp` is protocol 6 next to `meta l4proto`, a flag name next to `ct state` — so
// constants are read against the value's kind. `null` from a comparison means "cannot tell"
// (an unknown symbol), which the simulator turns into an unknown branch, never a guess.

import { formatIpAddress, parseIpAddress, prefixContains, type IpAddress } from '../net/address.js';
import { ipProtocolNumber } from '../net/ip-protocol-names.js';
import type { NftExpr } from './model.js';

export type NftValue =
  | { t: 'addr'; a: IpAddress }
  /** Ports, protocol numbers, marks, numgen results, ICMP types. */
  | { t: 'int'; n: number }
  /** Interface names (constants may end in `*`). */
  | { t: 'name'; s: string }
  /** Symbols compared as text: fib type (`local`), nfproto (`ipv4`), pkttype, ct direction. */
  | { t: 'sym'; s: string }
  /** Bit sets by name: ct state, ct status, tcp flags. */
  | { t: 'flags'; s: readonly string[] }
  /** `fib … oif` presence (exists / missing). */
  | { t: 'bool'; b: boolean }
  | { t: 'concat'; parts: NftValue[] };

/** Service names nft may print with `-S` (numbers otherwise); the common ones only — others are "cannot tell". */
const SERVICES: Readonly<Record<string, number>> = {
  ftp: 21, ssh: 22, telnet: 23, smtp: 25, domain: 53, bootps: 67, bootpc: 68, tftp: 69, http: 80, pop3: 110, ntp: 123,
  imap: 143, snmp: 161, bgp: 179, ldap: 389, https: 443, microsoft_ds: 445, isakmp: 500, syslog: 514, submission: 587,
  ldaps: 636, imaps: 993, pop3s: 995, openvpn: 1194, mysql: 3306, 'ipsec-nat-t': 4500, postgresql: 5432,
};

const ICMP_TYPES: Readonly<Record<string, number>> = {
  'echo-reply': 0, 'destination-unreachable': 3, 'source-quench': 4, redirect: 5, 'echo-request': 8, 'router-advertisement': 9,
  'router-solicitation': 10, 'time-exceeded': 11, 'parameter-problem': 12, 'timestamp-request': 13, 'timestamp-reply': 14,
  'packet-too-big': 2, 'nd-router-solicit': 133, 'nd-router-advert': 134, 'nd-neighbor-solicit': 135, 'nd-neighbor-advert': 136,
};

/** A symbolic integer constant: protocol, service or ICMP type name, or a number written as text. */
function symbolNumber(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  if (/^0x[0-9a-f]+$/i.test(s)) return parseInt(s, 16);
  // Protocol names as nft prints them for `meta l4proto`, `ip protocol`, `ip6 nexthdr` (getprotobynumber).
  return ipProtocolNumber(s) ?? SERVICES[s] ?? ICMP_TYPES[s] ?? null;
}

function unwrap(c: NftExpr): NftExpr {
  return typeof c === 'object' && c !== null && !Array.isArray(c) && 'elem' in c ? c.elem.val : c;
}

/** Does the value equal / fall within the constant (immediate, prefix, range, concatenation)? null: cannot tell. */
export function constantMatches(v: NftValue, raw: NftExpr): boolean | null {
  const c = unwrap(raw);
  if (v.t === 'concat') {
    if (typeof c !== 'object' || c === null || Array.isArray(c) || !('concat' in c) || c.concat.length !== v.parts.length) return null;
    let all: boolean | null = true;
    for (let i = 0; i < v.parts.length; i++) {
      const m = constantMatches(v.parts[i]!, c.concat[i]!);
      if (m === false) return false;
      if (m === null) all = null;
    }
    return all;
  }
  if (typeof c === 'object' && c !== null && !Array.isArray(c)) {
    if ('prefix' in c) {
      const addr = typeof c.prefix.addr === 'string' ? parseIpAddress(c.prefix.addr) : null;
      if (v.t !== 'addr' || addr === null) return null;
      return prefixContains({ address: addr, length: c.prefix.len }, v.a);
    }
    if ('range' in c) {
      const lo = c.range[0];
      const hi = c.range[1];
      if (v.t === 'addr') {
        const a = typeof lo === 'string' ? parseIpAddress(lo) : null;
        const b = typeof hi === 'string' ? parseIpAddress(hi) : null;
        if (a === null || b === null) return null;
        return compareAddresses(v.a, a) >= 0 && compareAddresses(v.a, b) <= 0;
      }
      if (v.t === 'int') {
        const a = intOf(lo);
        const b = intOf(hi);
        if (a === null || b === null) return null;
        return v.n >= a && v.n <= b;
      }
      return null;
    }
    if ('set' in c) {
      const items = Array.isArray(c.set) ? c.set : [c.set];
      return anyMatches(v, items);
    }
    return null;
  }
  if (Array.isArray(c)) return anyMatches(v, c);
  switch (v.t) {
    case 'addr': {
      const a = typeof c === 'string' ? parseIpAddress(c) : null;
      return a === null ? null : compareAddresses(v.a, a) === 0;
    }
    case 'int': {
      const n = intOf(c);
      return n === null ? null : n === v.n;
    }
    case 'name':
      return typeof c === 'string' ? interfaceNameMatches(v.s, c) : null;
    case 'sym':
      return typeof c === 'string' ? c === v.s : null;
    case 'flags':
      return typeof c === 'string' ? v.s.includes(c) : null;
    case 'bool':
      if (typeof c === 'boolean') return c === v.b;
      if (c === 'exists' || c === 'missing') return (c === 'exists') === v.b;
      return null;
  }
}

function anyMatches(v: NftValue, items: readonly NftExpr[]): boolean | null {
  let result: boolean | null = false;
  for (const item of items) {
    const m = constantMatches(v, item);
    if (m === true) return true;
    if (m === null) result = null;
  }
  return result;
}

export function intOf(c: NftExpr): number | null {
  if (typeof c === 'number') return c;
  if (typeof c === 'string') return symbolNumber(c);
  return null;
}

/** nft's interface wildcard: a trailing `*` matches any suffix (`\*` is a literal star). */
export function interfaceNameMatches(actual: string, pattern: string): boolean {
  if (pattern.endsWith('*') && !pattern.endsWith('\\*')) return actual.startsWith(pattern.slice(0, -1));
  return actual === pattern.replace(/\\\*/g, '*');
}

export function compareAddresses(a: IpAddress, b: IpAddress): number {
  if (a.family !== b.family) return a.family < b.family ? -1 : 1;
  if (a.family === 'ipv4' && b.family === 'ipv4') return a.value === b.value ? 0 : a.value < b.value ? -1 : 1;
  const x = (a as { words: Uint32Array }).words;
  const y = (b as { words: Uint32Array }).words;
  for (let i = 0; i < 4; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return 0;
}

/** A value as a constant expression, for explanations (`10.0.0.1 . tcp . 80` style, numbers for protocols). */
export function formatValue(v: NftValue): string {
  switch (v.t) {
    case 'addr':
      return formatIpAddress(v.a);
    case 'int':
      return String(v.n);
    case 'name':
      return `"${v.s}"`;
    case 'sym':
      return v.s;
    case 'flags':
      return v.s.join(',');
    case 'bool':
      return v.b ? 'exists' : 'missing';
    case 'concat':
      return v.parts.map(formatValue).join(' . ');
  }
}
