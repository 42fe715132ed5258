// The capture behind the epb_flags test: a real dumpcap capture (the nodeport lab sample, no flags
// of its own) rewritten with an epb_flags option on every Enhanced Packet Block. Shared by the test
// and the tshark recorder (scripts/record-tshark.ts), which must read the very same bytes.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { samplePath } from '../corpus.js';

export const EPB_FLAGS_SOURCE = samplePath('nodeport/node1/capture.pcapng');

/** Copies a little-endian pcapng with epb_flags on its Enhanced Packet Blocks: none, inbound, outbound, in turn. */
export function withDirectionFlags(bytes: Buffer): Buffer {
  const out: Buffer[] = [];
  let packet = 0;
  for (let off = 0; off < bytes.length; ) {
    const type = bytes.readUInt32LE(off);
    const total = bytes.readUInt32LE(off + 4);
    const block = bytes.subarray(off, off + total);
    off += total;
    if (type !== 6) {
      out.push(block);
      continue;
    }
    const direction = packet++ % 3; // 0: no option, 1: inbound, 2: outbound
    if (direction === 0) {
      out.push(block);
      continue;
    }
    const capLength = block.readUInt32LE(20);
    const dataEnd = 28 + ((capLength + 3) & ~3);
    // Options: epb_flags (code 2, length 4), then opt_endofopt; the block's own options, if any, are dropped.
    const options = Buffer.alloc(12);
    options.writeUInt16LE(2, 0);
    options.writeUInt16LE(4, 2);
    options.writeUInt32LE(direction, 4);
    const length = dataEnd + options.length + 4;
    const rebuilt = Buffer.concat([block.subarray(0, dataEnd), options, Buffer.alloc(4)]);
    rebuilt.writeUInt32LE(length, 4);
    rebuilt.writeUInt32LE(length, length - 4);
    out.push(rebuilt);
  }
  return Buffer.concat(out);
}

/** Writes the flagged copy of the nodeport capture into `dir` and returns its path. */
export function writeEpbFlagsCapture(dir: string): string {
  const file = join(dir, 'flags.pcapng');
  writeFileSync(file, withDirectionFlags(readFileSync(EPB_FLAGS_SOURCE)));
  return file;
}
