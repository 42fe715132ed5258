// Async driver: streams a capture file (plain, or gzip through node:zlib) into a CaptureParser and
// calls `onPacket` synchronously for each packet with one reused PacketRecord. Constant memory:
// plain files are read in 1 MiB chunks into one reused buffer (chunk-reader.ts); gzip output
// chunks are borrowed.
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
/**
 * Reading a file gives the event loop a turn after this many chunks (4 MiB at the default size), so
 * that what waits on it (a worker's message in parallel collection, a timer) is not held for long.
 */
const YIELD_EVERY_CHUNKS = 4;

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
    let chunk = reader.next();
    const gzip = chunk.length >= 2 && chunk[0] === 0x1f && chunk[1] === 0x8b;
    const parser = new CaptureParser({ file: path, decompressed: gzip });
    const control = new ReadControl(parser);
    if (gzip) {
      await pumpGzip(handle, parser, record, onPacket, control, chunkSize, path);
    } else {
      // Each chunk is parsed to its end (the parser copies a cut record into its carry buffer)
      // before the next one is read into the same buffer.
      let chunks = 0;
      while (chunk.length > 0) {
        parser.append(chunk);
        while (!control.stopped && parser.next(record)) onPacket(record, control);
        if (parser.stopped || control.stopped) break;
        if (++chunks % YIELD_EVERY_CHUNKS === 0) await new Promise(setImmediate);
        chunk = reader.next();
      }
    }
    return readResult(path, parser, gzip, control.stopped);
  } finally {
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
