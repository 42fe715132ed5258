// Community ID v1 (https://github.com/corelight/community-id-spec): a flow hash Zeek, Suricata
// and Wireshark agree on, so a leg found here can be looked up in their logs. Report-time only.

import { createHash } from 'node:crypto';
import { isLowEndpoint } from './flow-key.js';

/**
 * `1:<base64 sha1>` of seed, the endpoints ordered low to high, protocol and ports. Addresses are
 * 4 words (IPv4 in word 0). Returns null for protocols without ports (ICMP needs type/code
 * pairs natpath does not keep per leg).
 */
export function communityId(version: number, proto: number, src: ArrayLike<number>, sport: number, dst: ArrayLike<number>, dport: number, seed = 0): string | null {
  if (proto !== 6 && proto !== 17 && proto !== 132) return null;
  const a = addressBytes(version, src);
  const b = addressBytes(version, dst);
  // The spec orders by the addresses' bytes, then ports: the flow key's order (flow-key.ts).
  const srcFirst = isLowEndpoint(src, sport, dst, dport, version === 4 ? 1 : 4);
  const size = 2 + a.length * 2 + 2 + 4;
  const buf = Buffer.alloc(size);
  let off = buf.writeUInt16BE(seed, 0);
  (srcFirst ? a : b).copy(buf, off);
  off += a.length;
  (srcFirst ? b : a).copy(buf, off);
  off += a.length;
  off = buf.writeUInt8(proto, off);
  off = buf.writeUInt8(0, off);
  off = buf.writeUInt16BE(srcFirst ? sport : dport, off);
  buf.writeUInt16BE(srcFirst ? dport : sport, off);
  return `1:${createHash('sha1').update(buf).digest('base64')}`;
}

function addressBytes(version: number, words: ArrayLike<number>): Buffer {
  const count = version === 4 ? 1 : 4;
  const buf = Buffer.alloc(count * 4);
  for (let i = 0; i < count; i++) buf.writeUInt32BE(words[i]! >>> 0, i * 4);
  return buf;
}

