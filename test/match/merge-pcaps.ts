// Test tooling: merges two little-endian microsecond pcap files into one, records in time order
// (the earlier file first on equal times), as `mergecap -F pcap` does — so the tests need no
// Wireshark tools. Both files must have the same global header (link type, snaplen).

import { readFileSync, writeFileSync } from 'node:fs';

const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;

export interface PcapRecord {
  seconds: number;
  micros: number;
  bytes: Buffer;
}

export function readRecords(file: string, bytes: Buffer): PcapRecord[] {
  if (bytes.length < GLOBAL_HEADER || bytes.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error(`${file}: little-endian µs pcap only`);
  const records: PcapRecord[] = [];
  for (let off = GLOBAL_HEADER; off < bytes.length; ) {
    if (off + RECORD_HEADER > bytes.length) throw new Error(`${file}: record header cut at byte ${off}`);
    const end = off + RECORD_HEADER + bytes.readUInt32LE(off + 8);
    if (end > bytes.length) throw new Error(`${file}: record cut at byte ${off}`);
    records.push({ seconds: bytes.readUInt32LE(off), micros: bytes.readUInt32LE(off + 4), bytes: bytes.subarray(off, end) });
    off = end;
  }
  return records;
}

export function mergePcapFiles(first: string, second: string, target: string): void {
  const a = readFileSync(first);
  const b = readFileSync(second);
  if (!a.subarray(0, GLOBAL_HEADER).equals(b.subarray(0, GLOBAL_HEADER))) throw new Error(`${first} and ${second} have different pcap headers`);
  const ra = readRecords(first, a);
  const rb = readRecords(second, b);
  const merged: Buffer[] = [a.subarray(0, GLOBAL_HEADER)];
  let i = 0;
  let j = 0;
  while (i < ra.length || j < rb.length) {
    const takeB = i >= ra.length || (j < rb.length && (rb[j]!.seconds < ra[i]!.seconds || (rb[j]!.seconds === ra[i]!.seconds && rb[j]!.micros < ra[i]!.micros)));
    merged.push(takeB ? rb[j++]!.bytes : ra[i++]!.bytes);
  }
  writeFileSync(target, Buffer.concat(merged));
}
