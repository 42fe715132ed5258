// The push/pull capture parser (foxglove/mcap style): `append(chunk)` bytes as they arrive, then
// call `next(record)` until it returns false (needs more bytes, or reading has stopped); call
// `finish()` at the end of the stream. Synchronous, no I/O, no per-packet allocation.
//
// Memory: the parser BORROWS each appended chunk and decodes records straight out of it. Only a
// record that straddles the end of a chunk is copied — its start into `carry` when the chunk runs
// out, then just the bytes it still needs from the next chunk. So memory is one chunk plus one
// record (≤ 16 MiB by the sanity limit), whatever the file size.
//
// Contract: a chunk given to `append` must stay unchanged until `next` has returned false; the
// record's `data` is valid until the next call on the parser.

import { Problem } from './capture-problems.js';
import type { Diagnostic } from '../text/diagnostic.js';
import type { CaptureInterface, PacketRecord } from './packet-record.js';
import { PcapDecoder, PcapMagic } from './pcap-decoder.js';
import { PcapngDecoder } from './pcapng-decoder.js';
import { ReaderContext, STOP, type BlockCounts, type RecordDecoder } from './reader-context.js';

const EMPTY = new Uint8Array(0);
const EMPTY_VIEW = new DataView(EMPTY.buffer);
const MAGIC_BYTES = 4;
const INITIAL_CARRY_BYTES = 64 * 1024;

export interface CaptureParserOptions {
  /** File name for diagnostics. */
  file?: string;
  /** The bytes are a decompressed stream: diagnostics say their offsets count decompressed bytes. */
  decompressed?: boolean;
}

export class CaptureParser {
  private readonly ctx: ReaderContext;
  private decoder: RecordDecoder | null = null;

  // Carried-over bytes of a record that straddles chunks: carry[carryStart, carryEnd).
  private carry = new Uint8Array(INITIAL_CARRY_BYTES);
  private carryView = new DataView(this.carry.buffer);
  private carryStart = 0;
  private carryEnd = 0;
  // The borrowed chunk: chunk[chunkStart, chunkEnd) not yet consumed. Its bytes come after carry's.
  private chunk: Uint8Array = EMPTY;
  private chunkView: DataView = EMPTY_VIEW;
  private chunkStart = 0;
  private chunkEnd = 0;

  /** Stream offset of the first byte not yet consumed. */
  private consumed = 0;
  private received = 0;
  private packetCount = 0;
  private stoppedFlag = false;
  private finished = false;

  constructor(options: CaptureParserOptions = {}) {
    const note = options.decompressed ? ' (byte offsets count the decompressed stream)' : '';
    this.ctx = new ReaderContext(options.file ?? '<capture>', note);
  }

  /** Adds the next bytes of the stream. Borrowed: keep `chunk` unchanged until `next` returns false. */
  append(chunk: Uint8Array): void {
    this.received += chunk.length;
    if (this.stoppedFlag || this.finished || chunk.length === 0) return;
    // Appending again before draining: the unread rest of the previous chunk must be kept.
    if (this.chunkStart < this.chunkEnd) this.moveToCarry(this.chunkEnd - this.chunkStart);
    // Records borrow either this chunk or `carry`; both must be plain Uint8Arrays. A Node Buffer
    // is a Uint8Array subclass with its own hidden class, and two classes make every byte read of
    // every decoder polymorphic (measured: docs/performance.md).
    this.chunk = Object.getPrototypeOf(chunk) === Uint8Array.prototype ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.chunkView = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.chunkStart = 0;
    this.chunkEnd = chunk.length;
  }

  /**
   * Fills `out` with the next packet and returns true, or returns false when more bytes are needed
   * (or reading stopped on a fatal problem, see `stopped`). Non-packet records are consumed silently.
   */
  next(out: PacketRecord): boolean {
    if (this.stoppedFlag) return false;
    if (this.decoder === null && !this.detectFormat()) return false;
    const decoder = this.decoder!;
    for (;;) {
      let r: number;
      if (this.carryStart < this.carryEnd) {
        r = decoder.read(this.carry, this.carryView, this.carryStart, this.carryEnd, this.consumed, out);
        if (r > 0) {
          this.carryStart += r;
          this.consumed += r;
          if (this.carryStart === this.carryEnd) this.carryStart = this.carryEnd = 0;
          if (decoder.gotPacket) return this.emit(out);
          continue;
        }
        if (r === STOP) return this.stop();
        // NEED_MORE: complete the carried record with just the bytes it still lacks.
        const available = this.chunkEnd - this.chunkStart;
        if (available === 0) {
          this.releaseChunk();
          return false;
        }
        const missing = decoder.need - (this.carryEnd - this.carryStart);
        this.moveToCarry(missing < available ? missing : available);
        continue;
      }
      if (this.chunkStart < this.chunkEnd) {
        r = decoder.read(this.chunk, this.chunkView, this.chunkStart, this.chunkEnd, this.consumed, out);
        if (r > 0) {
          this.chunkStart += r;
          this.consumed += r;
          if (decoder.gotPacket) return this.emit(out);
          continue;
        }
        if (r === STOP) return this.stop();
        // NEED_MORE at the chunk's end: carry the partial record over, release the chunk.
        this.moveToCarry(this.chunkEnd - this.chunkStart);
      }
      this.releaseChunk();
      return false;
    }
  }

  /**
   * Call once at the end of the stream, after `next` returned false. Reports an empty stream or a
   * partial record ("truncated dump file"); zero bytes left at a record boundary is a clean end.
   */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.stoppedFlag) return;
    const left = this.carryEnd - this.carryStart + (this.chunkEnd - this.chunkStart);
    const problems = this.ctx.problems;
    if (this.received === 0) {
      problems.report(Problem.Empty, 0);
    } else if (this.decoder === null) {
      problems.report(Problem.TruncatedHeader, 0, MAGIC_BYTES, left);
    } else if (left > 0) {
      const need = this.decoder.need;
      problems.report(this.decoder.pendingIsHeader ? Problem.TruncatedHeader : Problem.TruncatedRecord, this.consumed, need, left);
    }
    this.releaseChunk();
  }

  /** Reports a problem found outside the byte stream (e.g. the gzip layer), at the current offset. */
  reportGzipError(detail: string): void {
    this.ctx.problems.report(Problem.GzipError, this.received, 0, 0, 0, detail);
  }

  /** True once a fatal problem was found: no more packets will come, the caller may stop reading. */
  get stopped(): boolean {
    return this.stoppedFlag;
  }

  get format(): 'pcap' | 'pcapng' | null {
    return this.ctx.format;
  }

  get version(): string | null {
    return this.ctx.version;
  }

  get byteOrder(): 'le' | 'be' | 'mixed' | null {
    return this.ctx.byteOrder();
  }

  get interfaces(): readonly CaptureInterface[] {
    return this.ctx.interfaces;
  }

  get sections(): number {
    return this.ctx.sections;
  }

  get packets(): number {
    return this.packetCount;
  }

  get customBlocks(): number {
    return this.ctx.customBlocks;
  }

  get blockCounts(): Readonly<BlockCounts> {
    return this.ctx.blockCounts;
  }

  /** Bytes of the stream consumed as whole records (decompressed bytes for gzip). */
  get bytesConsumed(): number {
    return this.consumed;
  }

  /** Size of the carry-over buffer: stays at 64 KiB unless a single record is larger (memory model). */
  get carryCapacity(): number {
    return this.carry.length;
  }

  /** Problems so far, repeats folded; complete after `finish()`. */
  diagnostics(): Diagnostic[] {
    return this.ctx.problems.list();
  }

  /** True when an error-severity problem was found (the file was not read whole and clean). */
  hasErrors(): boolean {
    return this.ctx.problems.hasErrors();
  }

  private emit(out: PacketRecord): boolean {
    out.frameNumber = ++this.packetCount;
    out.customBlocksBefore = this.ctx.customBlocks;
    return true;
  }

  private stop(): boolean {
    this.stoppedFlag = true;
    this.chunkStart = this.chunkEnd;
    this.releaseChunk();
    this.carryStart = this.carryEnd = 0;
    return false;
  }

  private releaseChunk(): void {
    if (this.chunkStart < this.chunkEnd) return;
    this.chunk = EMPTY;
    this.chunkView = EMPTY_VIEW;
    this.chunkStart = this.chunkEnd = 0;
  }

  /** Picks the decoder from the first 4 bytes (gathered into carry if they straddle chunks). */
  private detectFormat(): boolean {
    const carried = this.carryEnd - this.carryStart;
    const available = this.chunkEnd - this.chunkStart;
    if (carried + available < MAGIC_BYTES) {
      this.moveToCarry(available);
      this.releaseChunk();
      return false;
    }
    if (carried > 0 && carried < MAGIC_BYTES) this.moveToCarry(MAGIC_BYTES - carried);
    const head = carried > 0 ? this.carry : this.chunk;
    const at = carried > 0 ? this.carryStart : this.chunkStart;
    const b0 = head[at]!, b1 = head[at + 1]!, b2 = head[at + 2]!, b3 = head[at + 3]!;
    const be = ((b0 << 24) | (b1 << 16) | (b2 << 8) | b3) >>> 0;
    const le = ((b3 << 24) | (b2 << 16) | (b1 << 8) | b0) >>> 0;
    if (be === 0x0a0d0d0a) {
      this.decoder = new PcapngDecoder(this.ctx);
      return true;
    }
    if (isPcapMagic(be) || isPcapMagic(le)) {
      this.decoder = new PcapDecoder(this.ctx);
      return true;
    }
    const compression = compressionOf(b0, b1, b2, b3);
    if (compression >= 0) this.ctx.problems.report(Problem.UnsupportedCompression, 0, compression);
    else this.ctx.problems.report(Problem.UnknownFormat, 0, be);
    this.stop();
    return false;
  }

  /** Moves n bytes from the front of the chunk to the end of carry, compacting or growing carry. */
  private moveToCarry(n: number): void {
    if (n <= 0) return;
    const carried = this.carryEnd - this.carryStart;
    if (this.carryEnd + n > this.carry.length) {
      if (carried + n <= this.carry.length) {
        this.carry.copyWithin(0, this.carryStart, this.carryEnd);
      } else {
        let size = this.carry.length * 2;
        while (size < carried + n) size *= 2;
        const bigger = new Uint8Array(size);
        bigger.set(this.carry.subarray(this.carryStart, this.carryEnd));
        this.carry = bigger;
        this.carryView = new DataView(bigger.buffer);
      }
      this.carryStart = 0;
      this.carryEnd = carried;
    }
    this.carry.set(this.chunk.subarray(this.chunkStart, this.chunkStart + n), this.carryEnd);
    this.carryEnd += n;
    this.chunkStart += n;
  }
}

function isPcapMagic(magic: number): boolean {
  return magic === PcapMagic.MICROSECONDS || magic === PcapMagic.NANOSECONDS || magic === PcapMagic.MODIFIED;
}

/** Index into the compression names of capture-problems (zstd, bzip2, xz, gzip), or -1. */
function compressionOf(b0: number, b1: number, b2: number, b3: number): number {
  if (b0 === 0x28 && b1 === 0xb5 && b2 === 0x2f && b3 === 0xfd) return 0;
  if (b0 === 0x42 && b1 === 0x5a && b2 === 0x68) return 1;
  if (b0 === 0xfd && b1 === 0x37 && b2 === 0x7a && b3 === 0x58) return 2;
  if (b0 === 0x1f && b1 === 0x8b) return 3;
  return -1;
}
