// Capture magic numbers (pcap: libpcap savefile.c; pcapng: Section Header Block type 0x0A0D0D0A).

export interface CaptureMagic {
  format: 'pcap' | 'pcapng';
  byteOrder: 'le' | 'be';
  precision: 'us' | 'ns' | 'per-interface';
}

export function sniffCaptureMagic(head: Uint8Array): CaptureMagic | null {
  if (head.length < 4) return null;
  const b0 = head[0]!, b1 = head[1]!, b2 = head[2]!, b3 = head[3]!;
  if (b0 === 0x0a && b1 === 0x0d && b2 === 0x0d && b3 === 0x0a) {
    if (head.length < 12) return { format: 'pcapng', byteOrder: 'le', precision: 'per-interface' };
    const le = head[8] === 0x4d && head[9] === 0x3c && head[10] === 0x2b && head[11] === 0x1a;
    return { format: 'pcapng', byteOrder: le ? 'le' : 'be', precision: 'per-interface' };
  }
  const be = ((b0 << 24) | (b1 << 16) | (b2 << 8) | b3) >>> 0;
  const le = ((b3 << 24) | (b2 << 16) | (b1 << 8) | b0) >>> 0;
  for (const [value, order] of [[le, 'le'], [be, 'be']] as const) {
    if (value === 0xa1b2c3d4 || value === 0xa1b2cd34) return { format: 'pcap', byteOrder: order, precision: 'us' };
    if (value === 0xa1b23c4d) return { format: 'pcap', byteOrder: order, precision: 'ns' };
  }
  return null;
}
