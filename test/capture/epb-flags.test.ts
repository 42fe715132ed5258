// pcapng's epb_flags direction: a real dumpcap capture (the nodeport lab sample, no flags of its
// own) is rewritten with an epb_flags option on every Enhanced Packet Block, and natpath's
// direction must agree with tshark's reading of the same file, packet by packet.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { samplePath } from '../corpus.js';
import { runCli } from '../cli/run-cli.js';

const source = samplePath('nodeport/node1/capture.pcapng');
const scratch = mkdtempSync(join(tmpdir(), 'natpath-epb-flags-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Copies a little-endian pcapng with epb_flags on its Enhanced Packet Blocks: none, inbound, outbound, in turn. */
function withDirectionFlags(bytes: Buffer): Buffer {
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

describe.runIf(existsSync(source))('pcapng epb_flags', () => {
  it('gives each packet the direction tshark reads from the same file', () => {
    const file = join(scratch, 'flags.pcapng');
    writeFileSync(file, withDirectionFlags(readFileSync(source)));
    const tshark = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.packet_flags_direction'], { encoding: 'utf8' })
      .replace(/\n$/, '')
      .split('\n')
      .map((v) => (v === '' ? null : Number(v) === 1 ? 'in' : Number(v) === 2 ? 'out' : null));
    const r = runCli(['decode', file, '--format', 'ndjson']);
    expect(r.code).toBe(0);
    const ours = r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { direction: string | null }).direction);
    expect(ours).toEqual(tshark);
    expect(ours.filter((d) => d === 'in').length).toBeGreaterThan(10);
    expect(ours.filter((d) => d === 'out').length).toBeGreaterThan(10);
  });
});
