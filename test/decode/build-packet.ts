// Test-only packet builder: small functions that return header bytes, so a test reads like the
// packet it makes (`eth(0x0800, ipv4({...}, udp({...}, payload)))`). Lengths and the IPv4 header
// checksum are filled in unless a test overrides them to make a malformed packet.

import { parseIpv4 } from '../../src/net/ipv4.js';
import { parseIpv6 } from '../../src/net/ipv6.js';

export type Bytes = number[];

export function cat(...parts: Array<Bytes | Uint8Array>): Bytes {
  const out: Bytes = [];
  for (const p of parts) for (const b of p) out.push(b);
  return out;
}

export function be16(v: number): Bytes {
  return [(v >>> 8) & 0xff, v & 0xff];
}

export function be32(v: number): Bytes {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

export function le32(v: number): Bytes {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

export function ip4(text: string): number {
  const v = parseIpv4(text);
  if (v === null) throw new Error(`bad IPv4 ${text}`);
  return v;
}

export function ip6Bytes(text: string): Bytes {
  const w = parseIpv6(text);
  if (w === null) throw new Error(`bad IPv6 ${text}`);
  return cat(be32(w[0]!), be32(w[1]!), be32(w[2]!), be32(w[3]!));
}

export const MAC_A = [0x02, 0x00, 0x00, 0x00, 0x00, 0x0a];
export const MAC_B = [0x02, 0x00, 0x00, 0x00, 0x00, 0x0b];

export function eth(type: number, payload: Bytes, dst = MAC_A, src = MAC_B): Bytes {
  return cat(dst, src, be16(type), payload);
}

/** One 802.1Q/802.1ad tag: the tag's TCI and the type that follows it. */
export function vlanTag(vid: number, innerType: number, payload: Bytes, pcp = 0): Bytes {
  return cat(be16((pcp << 13) | (vid & 0x0fff)), be16(innerType), payload);
}

export interface Ipv4Options {
  src?: string;
  dst?: string;
  proto: number;
  id?: number;
  ttl?: number;
  tos?: number;
  df?: boolean;
  mf?: boolean;
  fragOffset?: number;
  /** Override the IHL (words) or total length to make malformed packets. */
  ihl?: number;
  totalLen?: number;
  version?: number;
  options?: Bytes;
}

export function ipv4(o: Ipv4Options, payload: Bytes): Bytes {
  const options = o.options ?? [];
  const ihl = o.ihl ?? 5 + options.length / 4;
  const headerLen = 20 + options.length;
  const totalLen = o.totalLen ?? headerLen + payload.length;
  const flags = (o.df ? 0x4000 : 0) | (o.mf ? 0x2000 : 0) | (((o.fragOffset ?? 0) / 8) & 0x1fff);
  const header = cat(
    [((o.version ?? 4) << 4) | (ihl & 0x0f), o.tos ?? 0],
    be16(totalLen),
    be16(o.id ?? 0x1234),
    be16(flags),
    [o.ttl ?? 64, o.proto],
    [0, 0],
    be32(ip4(o.src ?? '10.0.0.1')),
    be32(ip4(o.dst ?? '10.0.0.2')),
    options,
  );
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) sum += (header[i]! << 8) | (header[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  const checksum = ~sum & 0xffff;
  header[10] = checksum >>> 8;
  header[11] = checksum & 0xff;
  return cat(header, payload);
}

export interface Ipv6Options {
  src?: string;
  dst?: string;
  nextHeader: number;
  hopLimit?: number;
  trafficClass?: number;
  flowLabel?: number;
  payloadLen?: number;
  version?: number;
}

export function ipv6(o: Ipv6Options, payload: Bytes): Bytes {
  const first = (((o.version ?? 6) << 28) | ((o.trafficClass ?? 0) << 20) | (o.flowLabel ?? 0)) >>> 0;
  return cat(
    be32(first),
    be16(o.payloadLen ?? payload.length),
    [o.nextHeader, o.hopLimit ?? 64],
    ip6Bytes(o.src ?? 'fd00::1'),
    ip6Bytes(o.dst ?? 'fd00::2'),
    payload,
  );
}

/** A hop-by-hop / routing / destination options header (length padded to 8-byte units). */
export function ipv6Ext(nextHeader: number, body: Bytes): Bytes {
  const total = Math.ceil((body.length + 2) / 8) * 8;
  const padded = cat(body, new Array<number>(total - 2 - body.length).fill(0));
  return cat([nextHeader, total / 8 - 1], padded);
}

export function ipv6Frag(nextHeader: number, fragOffset: number, more: boolean, id: number): Bytes {
  return cat([nextHeader, 0], be16((fragOffset & 0xfff8) | (more ? 1 : 0)), be32(id));
}

export interface TcpOptions {
  sport?: number;
  dport?: number;
  seq?: number;
  ack?: number;
  flags?: number;
  window?: number;
  options?: Bytes;
  dataOffset?: number;
}

export function tcp(o: TcpOptions, payload: Bytes = []): Bytes {
  const options = o.options ?? [];
  const dataOffset = o.dataOffset ?? 5 + options.length / 4;
  return cat(
    be16(o.sport ?? 40000),
    be16(o.dport ?? 80),
    be32(o.seq ?? 1000),
    be32(o.ack ?? 0),
    [(dataOffset << 4) & 0xf0, o.flags ?? 0x02],
    be16(o.window ?? 65535),
    [0, 0, 0, 0],
    options,
    payload,
  );
}

export function udp(o: { sport?: number; dport?: number; length?: number }, payload: Bytes = []): Bytes {
  return cat(be16(o.sport ?? 40000), be16(o.dport ?? 53), be16(o.length ?? 8 + payload.length), [0, 0], payload);
}

export function icmp(type: number, code: number, rest: Bytes, payload: Bytes = []): Bytes {
  return cat([type, code, 0, 0], rest, payload);
}

export function vxlan(vni: number, payload: Bytes, flags = 0x08): Bytes {
  return cat([flags, 0, 0, 0], be32(vni << 8), payload);
}

export function geneve(vni: number, protocol: number, payload: Bytes, options: Bytes = [], version = 0): Bytes {
  return cat([(version << 6) | (options.length / 4), 0], be16(protocol), be32(vni << 8), options, payload);
}

export function gre(o: { protocol: number; key?: number; seq?: number; checksum?: boolean; version?: number }, payload: Bytes): Bytes {
  const flags = (o.checksum ? 0x8000 : 0) | (o.key !== undefined ? 0x2000 : 0) | (o.seq !== undefined ? 0x1000 : 0) | (o.version ?? 0);
  return cat(
    be16(flags),
    be16(o.protocol),
    o.checksum ? [0, 0, 0, 0] : [],
    o.key !== undefined ? be32(o.key) : [],
    o.seq !== undefined ? be32(o.seq) : [],
    payload,
  );
}

export function sll(packetType: number, protocol: number, payload: Bytes, hatype = 1): Bytes {
  return cat(be16(packetType), be16(hatype), be16(6), MAC_B, [0, 0], be16(protocol), payload);
}

export function sll2(packetType: number, ifIndex: number, protocol: number, payload: Bytes, hatype = 1): Bytes {
  return cat(be16(protocol), [0, 0], be32(ifIndex), be16(hatype), [packetType, 6], MAC_B, [0, 0], payload);
}

/** TCP options: MSS, SACK permitted, timestamps, NOP, window scale (a Linux SYN). */
export function linuxSynOptions(mss: number, tsVal: number, tsEcr: number, wscale: number): Bytes {
  return cat([2, 4], be16(mss), [4, 2], [8, 10], be32(tsVal), be32(tsEcr), [1], [3, 3, wscale]);
}

export function text(s: string): Bytes {
  return Array.from(Buffer.from(s, 'latin1'));
}
