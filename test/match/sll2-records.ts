// Test tooling: rewrites a real Linux cooked v2 capture (`tcpdump -i any`, little-endian µs pcap)
// without changing its packets. Keeping only some records gives what a narrower capture of the
// same traffic would have written (`tcpdump -Q in` keeps the records whose packet type is not
// OUTGOING); the pcapng copy gives each interface index its own interface block, named as the
// host's `ip link` names it, its frames behind an Ethernet header, with epb_flags (inbound /
// outbound) from the packet type or without them: the same packets with and without the direction
// the capture recorded.

import { readFileSync, writeFileSync } from 'node:fs';

const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;
const SLL2_HEADER = 20;
const LINKTYPE_LINUX_SLL2 = 276;
const LINKTYPE_ETHERNET = 1;
/** SLL packet type of a packet the host sent. */
export const PACKET_OUTGOING = 4;

export interface Sll2Record {
  seconds: number;
  micros: number;
  ifIndex: number;
  /** SLL packet type: 0 to this host, 4 outgoing, … */
  pktType: number;
  /** The record as it is in the file: record header and frame. */
  bytes: Buffer;
}

export interface Sll2Capture {
  header: Buffer;
  records: Sll2Record[];
}

export function readSll2Capture(file: string): Sll2Capture {
  const bytes = readFileSync(file);
  if (bytes.readUInt32LE(0) !== 0xa1b2c3d4 || bytes.readUInt32LE(20) !== LINKTYPE_LINUX_SLL2) throw new Error(`${file}: little-endian µs pcap of LINUX_SLL2 only`);
  const records: Sll2Record[] = [];
  for (let off = GLOBAL_HEADER; off < bytes.length; ) {
    const end = off + RECORD_HEADER + bytes.readUInt32LE(off + 8);
    if (end > bytes.length) throw new Error(`${file}: record cut at byte ${off}`);
    const frame = off + RECORD_HEADER;
    records.push({
      seconds: bytes.readUInt32LE(off),
      micros: bytes.readUInt32LE(off + 4),
      ifIndex: bytes.readUInt32BE(frame + 4),
      pktType: bytes[frame + 10]!,
      bytes: bytes.subarray(off, end),
    });
    off = end;
  }
  return { header: bytes.subarray(0, GLOBAL_HEADER), records };
}

/** The capture with only the records `keep` accepts, byte for byte. */
export function writeSll2Capture(target: string, capture: Sll2Capture, keep: (r: Sll2Record) => boolean = () => true): void {
  writeFileSync(target, Buffer.concat([capture.header, ...capture.records.filter(keep).map((r) => r.bytes)]));
}

/** The records `keep` accepts, each one's packet type replaced by `pktType(r)` (bad input: flags that contradict themselves). */
export function writeSll2WithPacketTypes(target: string, capture: Sll2Capture, pktType: (r: Sll2Record, i: number) => number, keep: (r: Sll2Record) => boolean = () => true): void {
  const records = capture.records.filter(keep).map((r, i) => {
    const copy = Buffer.from(r.bytes);
    copy[RECORD_HEADER + 10] = pktType(r, i);
    return copy;
  });
  writeFileSync(target, Buffer.concat([capture.header, ...records]));
}

/**
 * epb_flags for a record: 1 inbound, 2 outbound, 0 none (no option at all). `recorded` takes
 * them from the packet type, `none` writes none.
 */
export type FlagsOf = 'recorded' | 'none' | ((r: Sll2Record, i: number) => number);

/**
 * The capture as little-endian pcapng: one Ethernet interface per interface index (if_name from
 * `names`), frames behind an Ethernet header (destination zero, source the cooked header's link
 * address, the cooked header's protocol), timestamps in µs as recorded.
 */
export function writeEthernetPcapng(target: string, capture: Sll2Capture, names: Map<number, string>, flagsOf: FlagsOf, keep: (r: Sll2Record) => boolean = () => true): void {
  const blocks: Buffer[] = [sectionHeader()];
  const interfaceOf = new Map<number, number>();
  capture.records.forEach((r, i) => {
    if (!keep(r)) return;
    let id = interfaceOf.get(r.ifIndex);
    if (id === undefined) {
      id = interfaceOf.size;
      interfaceOf.set(r.ifIndex, id);
      blocks.push(interfaceBlock(names.get(r.ifIndex) ?? `if${r.ifIndex}`));
    }
    const flags = flagsOf === 'recorded' ? (r.pktType === PACKET_OUTGOING ? 2 : 1) : flagsOf === 'none' ? 0 : flagsOf(r, i);
    blocks.push(packetBlock(id, r, flags));
  });
  writeFileSync(target, Buffer.concat(blocks));
}

/** Interface index → name, from an `ip link` dump ("5: veth62608e08@if2: <…>"). */
export function interfaceNames(ipLink: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const m of ipLink.matchAll(/^(\d+): ([^:@\s]+)[@:]/gm)) names.set(Number(m[1]), m[2]!);
  return names;
}

function sectionHeader(): Buffer {
  const b = Buffer.alloc(28);
  b.writeUInt32LE(0x0a0d0d0a, 0);
  b.writeUInt32LE(28, 4);
  b.writeUInt32LE(0x1a2b3c4d, 8);
  b.writeUInt16LE(1, 12);
  b.writeUInt16LE(0, 14);
  b.writeBigInt64LE(-1n, 16);
  b.writeUInt32LE(28, 24);
  return b;
}

function option(code: number, value: Buffer): Buffer {
  const b = Buffer.alloc(4 + ((value.length + 3) & ~3));
  b.writeUInt16LE(code, 0);
  b.writeUInt16LE(value.length, 2);
  value.copy(b, 4);
  return b;
}

function block(type: number, body: Buffer): Buffer {
  const total = 12 + body.length;
  const b = Buffer.alloc(total);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(total, 4);
  body.copy(b, 8);
  b.writeUInt32LE(total, total - 4);
  return b;
}

function interfaceBlock(name: string): Buffer {
  const fixed = Buffer.alloc(8);
  fixed.writeUInt16LE(LINKTYPE_ETHERNET, 0);
  fixed.writeUInt32LE(262144, 4);
  return block(1, Buffer.concat([fixed, option(2, Buffer.from(name)), Buffer.alloc(4)]));
}

function packetBlock(id: number, r: Sll2Record, flags: number): Buffer {
  const frame = r.bytes.subarray(RECORD_HEADER);
  const ethernet = Buffer.alloc(14);
  const addrLen = Math.min(frame[11]!, 6);
  frame.copy(ethernet, 6, 12, 12 + addrLen);
  frame.copy(ethernet, 12, 0, 2);
  const data = Buffer.concat([ethernet, frame.subarray(SLL2_HEADER)]);
  const origLength = r.bytes.readUInt32LE(12) - SLL2_HEADER + 14;
  const micros = BigInt(r.seconds) * 1_000_000n + BigInt(r.micros);
  const fixed = Buffer.alloc(20);
  fixed.writeUInt32LE(id, 0);
  fixed.writeUInt32LE(Number(micros >> 32n), 4);
  fixed.writeUInt32LE(Number(micros & 0xffffffffn), 8);
  fixed.writeUInt32LE(data.length, 12);
  fixed.writeUInt32LE(origLength, 16);
  const padded = Buffer.alloc((data.length + 3) & ~3);
  data.copy(padded);
  const flagsOption = flags === 0 ? Buffer.alloc(0) : Buffer.concat([option(2, u32(flags)), Buffer.alloc(4)]);
  return block(6, Buffer.concat([fixed, padded, flagsOption]));
}

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v, 0);
  return b;
}
