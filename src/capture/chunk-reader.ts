// A plain file read in chunks into one reused buffer, on this thread. Reading the next chunk on
// libuv's thread pool while this one is parsed was measured slower on a quiet machine: the bytes
// the kernel copied on the other core reach the decoder slower than bytes this core copied itself,
// and the hand-off costs system calls (docs/performance.md, "Reading here again"). A read returns
// what the file has at its position, so pipes and FIFOs (`<(zcat …)`) are read in order too.

import { readSync } from 'node:fs';
import { CaptureFileError } from './capture-file-error.js';

export class ChunkReader {
  private readonly buffer: Buffer;

  constructor(
    private readonly fd: number,
    chunkSize: number,
    private readonly path: string,
  ) {
    this.buffer = Buffer.allocUnsafe(chunkSize);
  }

  /**
   * The next chunk of the file (empty at its end), in the buffer the previous one was in: the caller
   * must be done with the previous chunk's bytes (the parser copies a record cut at a chunk's end
   * into its own carry buffer before it asks for more).
   */
  next(): Buffer {
    try {
      return this.buffer.subarray(0, readSync(this.fd, this.buffer, 0, this.buffer.length, null));
    } catch (err) {
      throw new CaptureFileError(this.path, err);
    }
  }
}
