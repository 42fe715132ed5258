// Big-endian reads from a Uint8Array at absolute offsets. Callers check bounds first (every
// decoder validates lengths before reading), so these never see an offset past the captured end.

export function u8(buf: Uint8Array, off: number): number {
  return buf[off]!;
}

export function u16(buf: Uint8Array, off: number): number {
  return (buf[off]! << 8) | buf[off + 1]!;
}

export function u24(buf: Uint8Array, off: number): number {
  return (buf[off]! << 16) | (buf[off + 1]! << 8) | buf[off + 2]!;
}

export function u32(buf: Uint8Array, off: number): number {
  return ((buf[off]! << 24) | (buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!) >>> 0;
}

export function u32le(buf: Uint8Array, off: number): number {
  return ((buf[off + 3]! << 24) | (buf[off + 2]! << 16) | (buf[off + 1]! << 8) | buf[off]!) >>> 0;
}
