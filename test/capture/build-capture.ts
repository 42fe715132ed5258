// Builds small pcap / pcapng byte arrays for tests, field by field, in either byte order.

export type Order = 'le' | 'be';

export class Bytes {
  private readonly parts: number[] = [];

  constructor(readonly order: Order = 'le') {}

  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }

  u16(v: number): this {
    const b = [(v >>> 8) & 0xff, v & 0xff];
    if (this.order === 'le') b.reverse();
    this.parts.push(...b);
    return this;
  }

  u32(v: number): this {
    const b = [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
    if (this.order === 'le') b.reverse();
    this.parts.push(...b);
    return this;
  }

  /** Unsigned 64-bit from a bigint, as the file's two 32-bit words (high first for timestamps is NOT implied). */
  u64(v: bigint): this {
    const high = Number((v >> 32n) & 0xffffffffn);
    const low = Number(v & 0xffffffffn);
    return this.order === 'le' ? this.u32(low).u32(high) : this.u32(high).u32(low);
  }

  raw(bytes: ArrayLike<number>): this {
    for (let i = 0; i < bytes.length; i++) this.parts.push(bytes[i]!);
    return this;
  }

  pad4(): this {
    while (this.parts.length % 4 !== 0) this.parts.push(0);
    return this;
  }

  get length(): number {
    return this.parts.length;
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export function concat(...arrays: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

export function payload(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

// ---- pcap ----

export interface PcapHeaderFields {
  order?: Order;
  magic?: number;
  major?: number;
  minor?: number;
  snaplen?: number;
  linkType?: number;
}

export function pcapHeader(f: PcapHeaderFields = {}): Uint8Array {
  return new Bytes(f.order ?? 'le')
    .u32(f.magic ?? 0xa1b2c3d4)
    .u16(f.major ?? 2)
    .u16(f.minor ?? 4)
    .u32(0)
    .u32(0)
    .u32(f.snaplen ?? 65535)
    .u32(f.linkType ?? 1)
    .bytes();
}

export interface PcapRecordFields {
  order?: Order;
  seconds?: number;
  fraction?: number;
  data?: Uint8Array;
  capLength?: number;
  origLength?: number;
  /** Extra header bytes of the modified (Kuznetzov) format. */
  modified?: boolean;
}

export function pcapRecord(f: PcapRecordFields = {}): Uint8Array {
  const data = f.data ?? payload(20);
  const b = new Bytes(f.order ?? 'le')
    .u32(f.seconds ?? 1_700_000_000)
    .u32(f.fraction ?? 0)
    .u32(f.capLength ?? data.length)
    .u32(f.origLength ?? data.length);
  if (f.modified) b.u32(3).u16(0x0800).u8(0).u8(0);
  return b.raw(data).bytes();
}

// ---- pcapng ----

export interface BlockFields {
  order?: Order;
  /** Override the header's total length. */
  totalLength?: number;
  /** Override the trailer's total length. */
  trailerLength?: number;
}

/** A generic block: type, total length, body (padded to 4), total length. */
export function block(type: number, body: Uint8Array, f: BlockFields = {}): Uint8Array {
  const order = f.order ?? 'le';
  const padded = new Bytes(order).raw(body).pad4().bytes();
  const total = 12 + padded.length;
  return new Bytes(order)
    .u32(type)
    .u32(f.totalLength ?? total)
    .raw(padded)
    .u32(f.trailerLength ?? f.totalLength ?? total)
    .bytes();
}

export function option(order: Order, code: number, value: Uint8Array): Uint8Array {
  return new Bytes(order).u16(code).u16(value.length).raw(value).pad4().bytes();
}

export const endOfOptions = (order: Order): Uint8Array => new Bytes(order).u16(0).u16(0).bytes();

export function shb(f: BlockFields & { major?: number; minor?: number } = {}): Uint8Array {
  const order = f.order ?? 'le';
  const body = new Bytes(order)
    .u32(0x1a2b3c4d)
    .u16(f.major ?? 1)
    .u16(f.minor ?? 0)
    .u32(0xffffffff)
    .u32(0xffffffff)
    .bytes();
  return block(0x0a0d0d0a, body, f);
}

export interface IdbFields extends BlockFields {
  linkType?: number;
  snaplen?: number;
  name?: string;
  description?: string;
  tsresol?: number;
  tsoffset?: bigint;
  /** Raw option bytes appended after the named ones (before end-of-options). */
  extraOptions?: Uint8Array;
}

export function idb(f: IdbFields = {}): Uint8Array {
  const order = f.order ?? 'le';
  const b = new Bytes(order)
    .u16(f.linkType ?? 1)
    .u16(0)
    .u32(f.snaplen ?? 0);
  const enc = new TextEncoder();
  let hasOptions = false;
  if (f.name !== undefined) {
    b.raw(option(order, 2, enc.encode(f.name)));
    hasOptions = true;
  }
  if (f.description !== undefined) {
    b.raw(option(order, 3, enc.encode(f.description)));
    hasOptions = true;
  }
  if (f.tsresol !== undefined) {
    b.raw(option(order, 9, Uint8Array.of(f.tsresol)));
    hasOptions = true;
  }
  if (f.tsoffset !== undefined) {
    b.raw(option(order, 14, new Bytes(order).u64(BigInt.asUintN(64, f.tsoffset)).bytes()));
    hasOptions = true;
  }
  if (f.extraOptions !== undefined) {
    b.raw(f.extraOptions);
    hasOptions = true;
  }
  if (hasOptions) b.raw(endOfOptions(order));
  return block(1, b.bytes(), f);
}

export interface EpbFields extends BlockFields {
  interfaceId?: number;
  /** Timestamp in the interface's units. */
  timestamp?: bigint;
  data?: Uint8Array;
  capLength?: number;
  origLength?: number;
}

export function epb(f: EpbFields = {}): Uint8Array {
  const order = f.order ?? 'le';
  const data = f.data ?? payload(20);
  const ts = f.timestamp ?? 1_700_000_000_000_000n;
  const body = new Bytes(order)
    .u32(f.interfaceId ?? 0)
    .u32(Number(ts >> 32n))
    .u32(Number(ts & 0xffffffffn))
    .u32(f.capLength ?? data.length)
    .u32(f.origLength ?? data.length)
    .raw(data)
    .bytes();
  return block(6, body, f);
}

export function spb(f: BlockFields & { data?: Uint8Array; origLength?: number } = {}): Uint8Array {
  const order = f.order ?? 'le';
  const data = f.data ?? payload(20);
  const body = new Bytes(order)
    .u32(f.origLength ?? data.length)
    .raw(data)
    .bytes();
  return block(3, body, f);
}

/** Obsolete Packet Block (type 2): 16-bit interface id and drops count. */
export function pb(f: EpbFields = {}): Uint8Array {
  const order = f.order ?? 'le';
  const data = f.data ?? payload(20);
  const ts = f.timestamp ?? 1_700_000_000_000_000n;
  const body = new Bytes(order)
    .u16(f.interfaceId ?? 0)
    .u16(0)
    .u32(Number(ts >> 32n))
    .u32(Number(ts & 0xffffffffn))
    .u32(f.capLength ?? data.length)
    .u32(f.origLength ?? data.length)
    .raw(data)
    .bytes();
  return block(2, body, f);
}
