// A plain file read in chunks into two reused buffers, in one of two ways per chunk:
// - ahead (`next(true)`): while the caller parses one chunk, the next is read into the other
//   buffer on libuv's thread pool, so the kernel's copy out of the page cache runs on the other
//   core at the same time as decoding;
// - here (`nextHere()`): read now, on this thread, so the bytes arrive in this core's cache.
// Which pays depends on how much of each chunk the decoder touches (read-capture-file.ts picks;
// numbers in docs/performance.md). One read is in flight at a time, at the file's current
// position, so pipes and FIFOs (`<(zcat …)`) are read in order like regular files.

import { read, readSync } from 'node:fs';
import { CaptureFileError } from './capture-file-error.js';

export class ChunkReader {
  private readonly buffers: [Buffer, Buffer];
  /** The buffer the next chunk is (being) read into. */
  private turn = 0;
  private inFlight: Promise<number> | null = null;

  constructor(
    private readonly fd: number,
    private readonly chunkSize: number,
    private readonly path: string,
  ) {
    this.buffers = [Buffer.allocUnsafe(chunkSize), Buffer.allocUnsafe(chunkSize)];
  }

  /** True while a chunk read ahead is in flight: the next chunk must then come from `next`. */
  get reading(): boolean {
    return this.inFlight !== null;
  }

  /**
   * The next chunk of the file (empty at its end). With `readAhead`, reading the chunk after it
   * starts at once, into the other buffer: the returned bytes stay unchanged only until the next
   * call, so the caller must be done with them by then.
   */
  async next(readAhead: boolean): Promise<Buffer> {
    const buffer = this.buffers[this.turn]!;
    const n = await (this.inFlight ?? this.readInto(buffer));
    this.inFlight = null;
    this.turn ^= 1;
    if (readAhead && n > 0) this.inFlight = this.readInto(this.buffers[this.turn]!);
    return buffer.subarray(0, n);
  }

  /** The next chunk, read on this thread (empty at the end of the file). Not while `reading`. */
  nextHere(): Buffer {
    if (this.inFlight !== null) throw new Error('ChunkReader.nextHere with a read in flight');
    const buffer = this.buffers[this.turn]!;
    this.turn ^= 1;
    try {
      return buffer.subarray(0, readSync(this.fd, buffer, 0, this.chunkSize, null));
    } catch (err) {
      throw new CaptureFileError(this.path, err);
    }
  }

  /** Waits for a read still in flight, ignoring its outcome: the file must not be closed under it. */
  async settle(): Promise<void> {
    if (this.inFlight === null) return;
    await this.inFlight.catch(() => undefined);
    this.inFlight = null;
  }

  private readInto(buffer: Buffer): Promise<number> {
    const pending = new Promise<number>((resolve, reject) => {
      read(this.fd, buffer, 0, this.chunkSize, null, (err, bytesRead) => (err === null ? resolve(bytesRead) : reject(new CaptureFileError(this.path, err))));
    });
    // A read that fails while the caller's callback throws is reported by that throw, not as an
    // unhandled rejection; awaiting `pending` still throws.
    pending.catch(() => undefined);
    return pending;
  }
}
