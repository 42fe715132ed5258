// Mutations of a lab case for the fuzz tests (test/app/hostile-inputs.test.ts through the
// library, test/cli/cli-fuzz.test.ts through the CLI): its snapshots edited line by line (lines
// dropped, duplicated, swapped, hostile lines inserted, bytes flipped), its captures and archives
// edited byte by byte (flips, cuts, runs of one byte).

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { samplePath } from '../corpus.js';

export const CASE = samplePath('pod-egress-natgw');
export const HOSTS = ['node1', 'natgw', 'partner'];
export const files = new Map<string, Buffer>();
for (const host of HOSTS) for (const name of readdirSync(join(CASE, host))) files.set(`${host}/${name}`, readFileSync(join(CASE, host, name)));
export const textFiles = [...files.keys()].filter((f) => f.endsWith('.txt'));
export const captureFiles = [...files.keys()].filter((f) => f.endsWith('.pcap'));

const HOSTILE_LINES = [
  ':L1 - [0:0]', ':L2 - [0:0]', '-A L1 -j L2', '-A L2 -j L1', '-A FORWARD -j L1', '-A POSTROUTING -j POSTROUTING',
  '100:\tfrom all goto 100', '200:\tfrom all goto 50', '4294967295:\tfrom all lookup 4294967295',
  'default via 999.1.1.1 dev eth0 metric 99999999999999999999', '-A PREROUTING -m statistic --mode random --probability 0.5 -j DNAT --to-destination 10.0.0.1',
  `-A OUTPUT -m comment --comment "${'x'.repeat(70_000)}" -j ACCEPT`, 'eth0\u0000\u0007\u001b[31m', '*nat', 'COMMIT', '*filter',
  '2: x@y: <UP> mtu -1', 'tcp 6 -1 ESTABLISHED src=1 dst=2 sport=99999 dport=0',
];

/** One edit of a text: a line dropped, duplicated, swapped, replaced by a hostile one, or bytes flipped. */
export const textEdit = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dup' as const), at: fc.nat(), times: fc.integer({ min: 1, max: 50 }) }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), line: fc.constantFrom(...HOSTILE_LINES) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
);
export type TextEdit = typeof textEdit extends fc.Arbitrary<infer T> ? T : never;

export function editText(bytes: Buffer, edits: TextEdit[]): Buffer {
  let lines = bytes.toString('latin1').split('\n');
  for (const e of edits) {
    const n = Math.max(1, lines.length);
    switch (e.kind) {
      case 'drop': lines.splice(e.at % n, 1); break;
      case 'dup': lines.splice(e.at % n, 0, ...Array<string>(e.times).fill(lines[e.at % n] ?? '')); break;
      case 'swap': { const a = e.at % n; const b = e.with % n; [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? '']; break; }
      case 'insert': lines.splice(e.at % n, 0, e.line); break;
      case 'flip': {
        const buf = Buffer.from(lines.join('\n'), 'latin1');
        if (buf.length > 0) buf[e.at % buf.length] = e.byte;
        lines = buf.toString('latin1').split('\n');
        break;
      }
    }
  }
  return Buffer.from(lines.join('\n'), 'latin1');
}

/** Byte edits of a binary: flips, a cut, a run of one byte value. */
export const byteEdit = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('fill' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }), byte: fc.constantFrom(0, 0xff, 0x7f) }),
);
export type ByteEdit = typeof byteEdit extends fc.Arbitrary<infer T> ? T : never;

export function editBytes(bytes: Buffer, edits: ByteEdit[]): Buffer {
  let b = Buffer.from(bytes);
  for (const e of edits) {
    if (b.length === 0) break;
    const at = e.at % b.length;
    if (e.kind === 'flip') b[at] = e.byte;
    else if (e.kind === 'cut') b = b.subarray(0, at);
    else b.fill(e.byte, at, Math.min(b.length, at + e.length));
  }
  return b;
}

