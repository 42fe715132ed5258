// IPv6 addresses as four big-endian 32-bit words (RFC 4291), kept in caller-owned typed arrays so
// the decoder reuses one buffer; text only through `formatIpv6` (RFC 5952 canonical form).

export type Ipv6Words = Uint32Array;

/** Parses IPv6 text (incl. `::` and a trailing dotted IPv4) into `out[off..off+4)`. Returns false if invalid. */
export function parseIpv6Into(text: string, out: Uint32Array, off = 0): boolean {
  const groups = new Array<number>(8).fill(0);
  const doubleColon = text.indexOf('::');
  if (doubleColon !== -1 && text.indexOf('::', doubleColon + 1) !== -1) return false;
  const head = doubleColon === -1 ? text : text.slice(0, doubleColon);
  const tail = doubleColon === -1 ? '' : text.slice(doubleColon + 2);
  const headGroups = parseGroups(head);
  const tailGroups = parseGroups(tail);
  if (headGroups === null || tailGroups === null) return false;
  const total = headGroups.length + tailGroups.length;
  if (doubleColon === -1 ? total !== 8 : total > 7) return false;
  for (let i = 0; i < headGroups.length; i++) groups[i] = headGroups[i]!;
  for (let i = 0; i < tailGroups.length; i++) groups[8 - tailGroups.length + i] = tailGroups[i]!;
  for (let w = 0; w < 4; w++) out[off + w] = ((groups[2 * w]! << 16) | groups[2 * w + 1]!) >>> 0;
  return true;
}

function parseGroups(part: string): number[] | null {
  if (part === '') return [];
  const pieces = part.split(':');
  const groups: number[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (i === pieces.length - 1 && piece.includes('.')) {
      const v4 = parseDottedTail(piece);
      if (v4 === null) return null;
      groups.push(v4 >>> 16, v4 & 0xffff);
      continue;
    }
    if (piece.length === 0 || piece.length > 4) return null;
    let value = 0;
    for (let j = 0; j < piece.length; j++) {
      const nibble = hexValue(piece.charCodeAt(j));
      if (nibble < 0) return null;
      value = value * 16 + nibble;
    }
    groups.push(value);
  }
  return groups;
}

function parseDottedTail(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const p of parts) {
    if (p.length === 0 || p.length > 3) return null;
    const n = Number(p);
    if (!Number.isInteger(n) || n > 255) return null;
    value = value * 256 + n;
  }
  return value >>> 0;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

export function parseIpv6(text: string): Ipv6Words | null {
  const out = new Uint32Array(4);
  return parseIpv6Into(text, out) ? out : null;
}

/** RFC 5952: lower-case hex, leading zeros dropped, the longest run (≥2) of zero groups as `::`. */
export function formatIpv6(words: ArrayLike<number>, off = 0): string {
  const groups = new Array<number>(8);
  for (let w = 0; w < 4; w++) {
    const word = words[off + w]! >>> 0;
    groups[2 * w] = word >>> 16;
    groups[2 * w + 1] = word & 0xffff;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestStart = -1;
  // IPv4-mapped (::ffff:a.b.c.d) keeps the dotted tail people recognise.
  if (bestStart === 0 && bestLen === 5 && groups[5] === 0xffff) {
    return `::ffff:${groups[6]! >>> 8}.${groups[6]! & 255}.${groups[7]! >>> 8}.${groups[7]! & 255}`;
  }
  let text = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      text += i === 0 ? '::' : ':';
      i += bestLen - 1;
      continue;
    }
    text += groups[i]!.toString(16);
    if (i < 7) text += ':';
  }
  return text;
}

export function ipv6InPrefix(addr: ArrayLike<number>, network: ArrayLike<number>, prefixLen: number): boolean {
  for (let w = 0; w < 4; w++) {
    const bits = Math.min(32, Math.max(0, prefixLen - 32 * w));
    if (bits === 0) return true;
    const mask = (0xffffffff << (32 - bits)) >>> 0;
    if (((addr[w]! & mask) >>> 0) !== ((network[w]! & mask) >>> 0)) return false;
  }
  return true;
}
