// Async driver: streams a capture file (plain, or gzip through node:zlib) into a CaptureParser and
// calls `onPacket` synchronously for each packet with one reused PacketRecord. Constant memory:
// plain files are read in 1 MiB chunks into two reused buffers (chunk-reader.ts), of large packets
// the next chunk read on the thread pool while this one is parsed; gzip output chunks are borrowed.
//
// Malformed data never throws: it ends up in `diagnostics` and the packets before it are kept.
// Only I/O failures (missing file, permission, EISDIR) throw, as CaptureFileError.

import { open, type FileHandle } from 'node:fs/promises';
import type { Diagnostic } from '../text/diagnostic.js';
import { CaptureFileError } from './capture-file-error.js';
import { CaptureParser } from './capture-parser.js';
import { PacketRecord, type CaptureInterface } from './packet-record.js';
import { ChunkReader } from './chunk-reader.js';
import type { BlockCounts } from './reader-context.js';

export { CaptureFileError };

export const DEFAULT_CHUNK_BYTES = 1024 * 1024;
const GUNZIP_CHUNK_BYTES = 256 * 1024;
/** Reading a file on this thread gives the event loop a turn after this many bytes. */
const YIELD_EVERY_BYTES = 64 * 1024 * 1024;
/**
 * Records of at least this many bytes on average: the next chunk is read on the thread pool while
 * this one is parsed. The decoder reads a few header lines of each record, so moving the kernel's
 * copy (~0.17 s per GB) to the other core pays. Smaller ones: it reads nearly every line, and
 * lines copied by another core reach this one slower than lines this core copied itself
 * (docs/performance.md: 1 GB of ~2 KB records and 10 M records of ~90 B, both ways). The bench's
 * files are at ~90, ~1 200 and ~2 000 bytes; this bound lies between, not at a measured crossover.
 */
export const READ_AHEAD_MIN_RECORD_BYTES = 512;

/** Whether to read the next chunk ahead, given the records so far (see READ_AHEAD_MIN_RECORD_BYTES). */
export function readsAhead(bytesConsumed: number, packets: number): boolean {
  return bytesConsumed >= READ_AHEAD_MIN_RECORD_BYTES * packets;
}

export interface CaptureReadOptions {
  /** Bytes per file read (default 1 MiB). Tests use tiny values to exercise chunk boundaries. */
  chunkSize?: number;
  /** The record to fill; by default one is made per call. */
  record?: PacketRecord;
}

/** Given to `onPacket` with each packet: what the reader knows so far, and a way to stop early. */
export interface CaptureReadControl {
  /** Interfaces described so far (pcapng IDBs before this packet; the one of a pcap file). */
  readonly interfaces: readonly CaptureInterface[];
  /** Stops reading after this packet (e.g. a --limit was reached); the result says `stoppedEarly`. */
  stop(): void;
}

export interface CaptureReadResult {
  file: string;
  format: 'pcap' | 'pcapng' | null;
  compression: 'gzip' | null;
  /** `mixed` when pcapng sections differ. */
  byteOrder: 'le' | 'be' | 'mixed' | null;
  /** pcap header version, or the first pcapng section's version. */
  version: string | null;
  sections: number;
  interfaces: CaptureInterface[];
  packets: number;
  /** pcapng custom blocks (Wireshark 4.0 counts them as frames). */
  customBlocks: number;
  blockCounts: BlockCounts;
  /** Bytes consumed as whole records (of the decompressed stream for gzip). */
  bytesRead: number;
  diagnostics: Diagnostic[];
  /** True when the whole file was read with no error-severity problem. */
  complete: boolean;
  /** True when the caller stopped reading (CaptureReadControl.stop) before the end of the file. */
  stoppedEarly: boolean;
}

/** What a finished (or stopped) read says about the file; shared by the file and stream readers. */
export function readResult(file: string, parser: CaptureParser, gzip: boolean, stopped: boolean): CaptureReadResult {
  if (!stopped) parser.finish();
  return {
    file,
    format: parser.format,
    compression: gzip ? 'gzip' : null,
    byteOrder: parser.byteOrder,
    version: parser.version,
    sections: parser.sections,
    interfaces: [...parser.interfaces],
    packets: parser.packets,
    customBlocks: parser.customBlocks,
    blockCounts: { ...parser.blockCounts },
    bytesRead: parser.bytesConsumed,
    diagnostics: parser.diagnostics(),
    complete: !parser.hasErrors() && !stopped,
    stoppedEarly: stopped,
  };
}

export async function readCaptureFile(
  path: string,
  onPacket: (record: PacketRecord, control: CaptureReadControl) => void,
  options: CaptureReadOptions = {},
): Promise<CaptureReadResult> {
  const chunkSize = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_BYTES);
  const record = options.record ?? new PacketRecord();
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new CaptureFileError(path, err);
  }
  const reader = new ChunkReader(handle.fd, chunkSize, path);
  try {
    // No read-ahead for the first chunk: it may say gzip, which is read another way.
    let chunk = await reader.next(false);
    const gzip = chunk.length >= 2 && chunk[0] === 0x1f && chunk[1] === 0x8b;
    const parser = new CaptureParser({ file: path, decompressed: gzip });
    const control = new ReadControl(parser);
    if (gzip) {
      await pumpGzip(handle, parser, record, onPacket, control, chunkSize, path);
    } else {
      // Each chunk is parsed to its end (the parser carries a cut record over) before the next
      // one is asked for, which may refill its buffer. Decided per chunk, so a file whose packets
      // change size on the way switches. Reading ahead awaits a read per chunk (a turn for the
      // event loop); reading here yields every YIELD_EVERY_BYTES.
      let sinceYield = 0;
      while (chunk.length > 0) {
        parser.append(chunk);
        while (!control.stopped && parser.next(record)) onPacket(record, control);
        if (parser.stopped || control.stopped) break;
        const ahead = readsAhead(parser.bytesConsumed, parser.packets);
        if (ahead || reader.reading) {
          chunk = await reader.next(ahead);
        } else {
          sinceYield += chunk.length;
          if (sinceYield >= YIELD_EVERY_BYTES) {
            sinceYield = 0;
            await new Promise(setImmediate);
          }
          chunk = reader.nextHere();
        }
      }
    }
    return readResult(path, parser, gzip, control.stopped);
  } finally {
    await reader.settle();
    await handle.close();
  }
}

/** The control handed to `onPacket` (interfaces so far, stop()); shared by the file and stream readers. */
export class ReadControl implements CaptureReadControl {
  stopped = false;

  constructor(private readonly parser: CaptureParser) {}

  get interfaces(): readonly CaptureInterface[] {
    return this.parser.interfaces;
  }

  stop(): void {
    this.stopped = true;
  }
}

/**
 * Streams the file through gunzip. Decompression errors (corrupt or cut gzip) become a diagnostic
 * with the decompressed offset; read errors of the file itself are rethrown as I/O errors.
 */
async function pumpGzip(
  handle: FileHandle,
  parser: CaptureParser,
  record: PacketRecord,
  onPacket: (record: PacketRecord, control: CaptureReadControl) => void,
  control: ReadControl,
  chunkSize: number,
  path: string,
): Promise<void> {
  const source = handle.createReadStream({ start: 0, highWaterMark: chunkSize, autoClose: false });
  // node:zlib loaded only for gzip: importing it cost every run a few ms of CPU (docs/performance.md).
  const { createGunzip } = await import('node:zlib');
  const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES });
  let readError: unknown = null;
  source.on('error', (err) => {
    readError = err;
    gunzip.destroy(err);
  });
  source.pipe(gunzip);
  const chunks = gunzip[Symbol.asyncIterator]();
  try {
    for (;;) {
      let step: IteratorResult<Buffer>;
      try {
        step = await chunks.next();
      } catch (err) {
        if (readError !== null) throw new CaptureFileError(path, readError);
        parser.reportGzipError((err as Error).message ?? String(err));
        break;
      }
      if (step.done) break;
      parser.append(step.value);
      while (!control.stopped && parser.next(record)) onPacket(record, control);
      if (parser.stopped || control.stopped) break;
    }
  } finally {
    source.unpipe(gunzip);
    source.destroy();
    gunzip.destroy();
  }
}
