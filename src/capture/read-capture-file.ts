// Async driver: streams a capture file (plain, or gzip through node:zlib) into a CaptureParser and
// calls `onPacket` synchronously for each packet with one reused PacketRecord. Constant memory:
// plain files are read with synchronous 1 MiB reads into one reused buffer (yielding to the event
// loop every 64 MiB); gzip output chunks are borrowed.
//
// Malformed data never throws: it ends up in `diagnostics` and the packets before it are kept.
// Only I/O failures (missing file, permission, EISDIR) throw, as CaptureFileError.

import { readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Diagnostic } from '../text/diagnostic.js';
import { CaptureParser } from './capture-parser.js';
import { PacketRecord, type CaptureInterface } from './packet-record.js';
import type { BlockCounts } from './reader-context.js';

export const DEFAULT_CHUNK_BYTES = 1024 * 1024;
const GUNZIP_CHUNK_BYTES = 256 * 1024;
/** Reading a plain file gives the event loop a turn after this many bytes. */
const YIELD_EVERY_BYTES = 64 * 1024 * 1024;

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

/** An I/O failure reading a capture (not a format problem): carries the system error code. */
export class CaptureFileError extends Error {
  readonly code: string | undefined;

  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    const err = cause as NodeJS.ErrnoException;
    super(`cannot read capture file ${path}: ${err?.message ?? String(cause)}`, { cause });
    this.name = 'CaptureFileError';
    this.code = err?.code;
  }
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
  try {
    const buffer = Buffer.allocUnsafe(Math.max(chunkSize, 2));
    let n = await readChunk(handle, buffer, chunkSize, path);
    const gzip = n >= 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
    const parser = new CaptureParser({ file: path, decompressed: gzip });
    const control = new ReadControl(parser);
    if (gzip) {
      await pumpGzip(handle, parser, record, onPacket, control, chunkSize, path);
    } else {
      // Synchronous reads into the one reused buffer: the copy out of the page cache is done by
      // this thread, just before the bytes are decoded, so they are still in this core's cache;
      // an async read copies them on a thread-pool core and leaves this one idle meanwhile
      // (measured: docs/performance.md). The event loop gets a turn every YIELD_EVERY_BYTES.
      let sinceYield = 0;
      while (n > 0) {
        parser.append(buffer.subarray(0, n));
        while (!control.stopped && parser.next(record)) onPacket(record, control);
        if (parser.stopped || control.stopped) break;
        sinceYield += n;
        if (sinceYield >= YIELD_EVERY_BYTES) {
          sinceYield = 0;
          await new Promise(setImmediate);
        }
        n = readChunkSync(handle, buffer, chunkSize, path);
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

function readChunkSync(handle: FileHandle, buffer: Buffer, length: number, path: string): number {
  try {
    return readSync(handle.fd, buffer, 0, length, null);
  } catch (err) {
    throw new CaptureFileError(path, err);
  }
}

async function readChunk(handle: FileHandle, buffer: Buffer, length: number, path: string): Promise<number> {
  try {
    const { bytesRead } = await handle.read(buffer, 0, length, null);
    return bytesRead;
  } catch (err) {
    throw new CaptureFileError(path, err);
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
