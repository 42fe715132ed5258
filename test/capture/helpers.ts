// Runs the push parser over bytes in chunks and snapshots each record (copying what the record borrows).

import { CaptureParser } from '../../src/capture/capture-parser.js';
import { PacketRecord } from '../../src/capture/packet-record.js';
import type { Diagnostic } from '../../src/text/diagnostic.js';

export interface SeenPacket {
  frameNumber: number;
  customBlocksBefore: number;
  fileOffset: number;
  interfaceIndex: number;
  interfaceId: number;
  sectionIndex: number;
  linkType: number;
  hasTimestamp: boolean;
  tsSeconds: number;
  tsFraction: number;
  tsUnitsPerSecond: number;
  tsNanos: number;
  capLength: number;
  origLength: number;
  dataHex: string;
}

export function snapshot(r: PacketRecord): SeenPacket {
  return {
    frameNumber: r.frameNumber,
    customBlocksBefore: r.customBlocksBefore,
    fileOffset: r.fileOffset,
    interfaceIndex: r.interfaceIndex,
    interfaceId: r.interfaceId,
    sectionIndex: r.sectionIndex,
    linkType: r.linkType,
    hasTimestamp: r.hasTimestamp,
    tsSeconds: r.tsSeconds,
    tsFraction: r.tsFraction,
    tsUnitsPerSecond: r.tsUnitsPerSecond,
    tsNanos: r.tsNanos,
    capLength: r.capLength,
    origLength: r.origLength,
    dataHex: Buffer.from(r.viewData()).toString('hex'),
  };
}

export interface ParsedBytes {
  packets: SeenPacket[];
  parser: CaptureParser;
  diagnostics: Diagnostic[];
}

/**
 * Feeds `bytes` to a parser `chunkSize` bytes at a time. Each chunk is a fresh copy that is
 * overwritten with junk after the parser has drained it, to prove nothing keeps pointing into it.
 */
export function parseBytes(bytes: Uint8Array, chunkSize = Math.max(1, bytes.length), file = 'test.cap'): ParsedBytes {
  const parser = new CaptureParser({ file });
  const record = new PacketRecord();
  const packets: SeenPacket[] = [];
  const scratch = new Uint8Array(chunkSize);
  for (let at = 0; at < bytes.length; at += chunkSize) {
    const n = Math.min(chunkSize, bytes.length - at);
    scratch.set(bytes.subarray(at, at + n));
    parser.append(scratch.subarray(0, n));
    while (parser.next(record)) packets.push(snapshot(record));
    scratch.fill(0xee);
    if (parser.stopped) break;
  }
  parser.finish();
  return { packets, parser, diagnostics: parser.diagnostics() };
}

export function codes(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => d.code);
}
