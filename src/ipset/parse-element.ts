// Reads one ipset element (`10.0.0.1,tcp:80,10.1.0.0/16`) into one value per dimension of the
// set's type, the way `ipset add` reads it: dimensions separated by commas, `proto:port` for
// ports (tcp when no protocol is given), `A-B` address ranges split into the CIDR blocks the
// kernel stores. A range therefore yields several part lists (one entry each).

import { parseIpAddress, parsePrefix, type IpAddress, type IpPrefix } from '../net/address.js';
import { ipProtocolNumber } from '../net/ip-protocol-names.js';
import type { DimensionKind, EntryPart } from './model.js';

/** ICMP type/code names as ipset's lib/icmp.c and lib/icmpv6.c spell them, as type·256+code. */
const ICMP_NAMES: Record<string, number> = icmpTable([
  ['echo-reply', 0, 0], ['pong', 0, 0], ['network-unreachable', 3, 0], ['host-unreachable', 3, 1],
  ['protocol-unreachable', 3, 2], ['port-unreachable', 3, 3], ['fragmentation-needed', 3, 4],
  ['source-route-failed', 3, 5], ['network-unknown', 3, 6], ['host-unknown', 3, 7], ['network-prohibited', 3, 9],
  ['host-prohibited', 3, 10], ['TOS-network-unreachable', 3, 11], ['TOS-host-unreachable', 3, 12],
  ['communication-prohibited', 3, 13], ['host-precedence-violation', 3, 14], ['precedence-cutoff', 3, 15],
  ['source-quench', 4, 0], ['network-redirect', 5, 0], ['host-redirect', 5, 1], ['TOS-network-redirect', 5, 2],
  ['TOS-host-redirect', 5, 3], ['echo-request', 8, 0], ['ping', 8, 0], ['router-advertisement', 9, 0],
  ['router-solicitation', 10, 0], ['ttl-zero-during-transit', 11, 0], ['ttl-zero-during-reassembly', 11, 1],
  ['ip-header-bad', 12, 0], ['required-option-missing', 12, 1], ['timestamp-request', 13, 0],
  ['timestamp-reply', 14, 0], ['address-mask-request', 17, 0], ['address-mask-reply', 18, 0],
]);
const ICMPV6_NAMES: Record<string, number> = icmpTable([
  ['no-route', 1, 0], ['communication-prohibited', 1, 1], ['address-unreachable', 1, 3], ['port-unreachable', 1, 4],
  ['packet-too-big', 2, 0], ['ttl-zero-during-transit', 3, 0], ['ttl-zero-during-reassembly', 3, 1],
  ['bad-header', 4, 0], ['unknown-header-type', 4, 1], ['unknown-option', 4, 2], ['echo-request', 128, 0],
  ['ping', 128, 0], ['echo-reply', 129, 0], ['pong', 129, 0], ['router-solicitation', 133, 0],
  ['router-advertisement', 134, 0], ['neighbour-solicitation', 135, 0], ['neighbour-advertisement', 136, 0],
  ['redirect', 137, 0],
]);

function icmpTable(rows: Array<[string, number, number]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, type, code] of rows) out[name.toLowerCase()] = (type << 8) | code;
  return out;
}

/** A range bigger than this many blocks is refused (the kernel refuses huge ranges too). */
const MAX_RANGE_BLOCKS = 64;

export type ElementResult = { parts: EntryPart[][] } | { error: string };

export interface ElementContext {
  family: 'ipv4' | 'ipv6' | null;
  /** `netmask N` of hash:ip / bitmap:ip: stored addresses are masked to it. */
  netmask: number | null;
  /** bitmap:ip,mac: an address without a MAC yet is a valid entry. */
  macOptional: boolean;
}

export function parseElement(text: string, dims: DimensionKind[], ctx: ElementContext): ElementResult {
  const fields = text.split(',');
  if (ctx.macOptional && fields.length === dims.length - 1) fields.push('');
  if (fields.length !== dims.length) {
    return { error: `"${text}" has ${fields.length} part(s), the set type has ${dims.length} (${dims.join(',')})` };
  }
  let combos: EntryPart[][] = [[]];
  for (let i = 0; i < dims.length; i++) {
    const options = parseDimension(fields[i]!, dims[i]!, ctx);
    if (typeof options === 'string') return { error: `"${text}": ${options}` };
    const next: EntryPart[][] = [];
    for (const c of combos) for (const o of options) next.push([...c, o]);
    combos = next;
  }
  return { parts: combos };
}

function parseDimension(field: string, dim: DimensionKind, ctx: ElementContext): EntryPart[] | string {
  switch (dim) {
    case 'ip':
    case 'net': {
      const prefixes = parseAddressField(field, ctx, dim === 'ip' ? ctx.netmask : null);
      return typeof prefixes === 'string' ? prefixes : prefixes.map((prefix) => ({ kind: 'address', prefix }));
    }
    case 'port': {
      const port = parsePortField(field);
      return typeof port === 'string' ? port : [port];
    }
    case 'mac':
      if (field === '' && ctx.macOptional) return [{ kind: 'mac', text: '' }];
      return /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(field) ? [{ kind: 'mac', text: field.toLowerCase() }] : `"${field}" is not a MAC address`;
    case 'mark': {
      const value = parseNumber(field);
      return value === null || value > 0xffffffff ? `"${field}" is not a 32-bit mark` : [{ kind: 'mark', value }];
    }
    case 'iface': {
      const physdev = field.startsWith('physdev:');
      const name = physdev ? field.slice('physdev:'.length) : field;
      return name === '' || name.length > 15 ? `"${field}" is not an interface name` : [{ kind: 'iface', name, physdev }];
    }
    case 'set':
      return field === '' ? 'empty set name' : [{ kind: 'set', name: field }];
  }
}

function parseAddressField(field: string, ctx: ElementContext, netmask: number | null): IpPrefix[] | string {
  const dash = field.indexOf('-');
  if (dash !== -1 && !field.includes('/')) {
    const from = parseIpAddress(field.slice(0, dash));
    const to = parseIpAddress(field.slice(dash + 1));
    if (from === null || to === null || from.family !== to.family) return `"${field}" is not an address range`;
    if (from.family !== 'ipv4' || to.family !== 'ipv4') return `"${field}": IPv6 ranges are not accepted by ipset`;
    if (from.value > to.value) return `"${field}": the range ends before it starts`;
    const blocks = splitRange(from.value, to.value);
    if (blocks === null) return `"${field}": range too fragmented (more than ${MAX_RANGE_BLOCKS} CIDR blocks)`;
    return blocks.map((b) => mask(b, netmask));
  }
  const prefix = parsePrefix(field);
  if (prefix === null) return `"${field}" is not an address or prefix`;
  if (ctx.family !== null && prefix.address.family !== ctx.family) {
    return `"${field}" is ${prefix.address.family === 'ipv4' ? 'IPv4' : 'IPv6'} in a set of family ${ctx.family === 'ipv4' ? 'inet' : 'inet6'}`;
  }
  return [mask(prefix, netmask)];
}

/** The netmask option stores addresses as their network; a wider CIDR in the element stays wider. */
function mask(prefix: IpPrefix, netmask: number | null): IpPrefix {
  if (netmask === null || prefix.length <= netmask) return prefix;
  return { address: prefix.address, length: netmask };
}

/** The CIDR blocks of an IPv4 range, largest aligned block first (as ip_set_range_to_cidr splits it). */
function splitRange(from: number, to: number): IpPrefix[] | null {
  const out: IpPrefix[] = [];
  let start = from;
  for (;;) {
    let length = 32;
    // Grow the block while it stays aligned at `start` and inside the range.
    while (length > 0) {
      const size = 2 ** (32 - (length - 1));
      if (start % size !== 0 || start + size - 1 > to) break;
      length--;
    }
    const address: IpAddress = { family: 'ipv4', value: start };
    out.push({ address, length });
    if (out.length > MAX_RANGE_BLOCKS) return null;
    const next = start + 2 ** (32 - length);
    if (next > to) return out;
    start = next;
  }
}

/** `80`, `80-90`, `tcp:80`, `udp:53-60`, `6:443`, `icmp:8/0`, `icmp:echo-request`, `vrrp:0`. */
function parsePortField(field: string): EntryPart | string {
  const colon = field.indexOf(':');
  let protocol = 6;
  let rest = field;
  if (colon !== -1) {
    const name = field.slice(0, colon).toLowerCase();
    // ipset reads the name with getprotobyname() (taking `icmpv6` for `ipv6-icmp`), else a number.
    const number = ipProtocolNumber(name);
    if (number === null) return `"${name}" is not a protocol ipset knows`;
    protocol = number;
    rest = field.slice(colon + 1);
  }
  if (protocol === 1 || protocol === 58) {
    const named = (protocol === 1 ? ICMP_NAMES : ICMPV6_NAMES)[rest.toLowerCase()];
    if (named !== undefined) return { kind: 'port', protocol, from: named, to: named };
    const m = /^(\d{1,3})\/(\d{1,3})$/.exec(rest);
    if (m === null || Number(m[1]) > 255 || Number(m[2]) > 255) return `"${rest}" is not an ICMP type/code`;
    const value = (Number(m[1]) << 8) | Number(m[2]);
    return { kind: 'port', protocol, from: value, to: value };
  }
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(rest);
  if (m === null) return `"${rest}" is not a port or port range`;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from > 65535 || to > 65535 || from > to) return `"${rest}" is not a port or port range`;
  return { kind: 'port', protocol, from, to };
}

export function parseNumber(text: string): number | null {
  if (/^0x[0-9a-fA-F]{1,8}$/.test(text) || /^\d{1,10}$/.test(text)) return Number(text);
  return null;
}
