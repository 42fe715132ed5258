// Test tooling: copies a real capture with every timestamp moved by a whole number of seconds,
// as if the host's clock had been off. natpath's own reader finds each record (file offset and
// timestamp units); the copy's timestamp fields are rewritten in place. gzip stays gzip.

import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { readCaptureFile } from '../../src/capture/index.js';

const PCAPNG_SECTION = 0x0a0d0d0a;

export async function writeShiftedCapture(source: string, target: string, shiftSeconds: number): Promise<void> {
  if (!Number.isInteger(shiftSeconds)) throw new Error('shift by whole seconds');
  const raw = readFileSync(source);
  const gzipped = raw[0] === 0x1f && raw[1] === 0x8b;
  const copy = Buffer.from(gzipped ? gunzipSync(raw) : raw);
  const pcapng = copy.readUInt32LE(0) === PCAPNG_SECTION;
  const pcapLittle = !pcapng && [0xa1b2c3d4, 0xa1b23c4d].includes(copy.readUInt32LE(0));
  await readCaptureFile(source, (r) => {
    const off = r.fileOffset;
    if (!pcapng) {
      const sec = pcapLittle ? copy.readUInt32LE(off) : copy.readUInt32BE(off);
      const shifted = (sec + shiftSeconds) >>> 0;
      if (pcapLittle) copy.writeUInt32LE(shifted, off);
      else copy.writeUInt32BE(shifted, off);
      return;
    }
    // Enhanced Packet Block: type, total length, interface id, timestamp (high, low) in if_tsresol units.
    const little = copy.readUInt32LE(off) === 6;
    const read = (at: number) => BigInt(little ? copy.readUInt32LE(at) : copy.readUInt32BE(at));
    const value = (read(off + 12) << 32n) + read(off + 16) + BigInt(shiftSeconds) * BigInt(r.tsUnitsPerSecond);
    const high = Number(value >> 32n);
    const low = Number(value & 0xffffffffn);
    if (little) {
      copy.writeUInt32LE(high, off + 12);
      copy.writeUInt32LE(low, off + 16);
    } else {
      copy.writeUInt32BE(high, off + 12);
      copy.writeUInt32BE(low, off + 16);
    }
  });
  writeFileSync(target, gzipped ? gzipSync(copy) : copy);
}
