// Growable typed-array columns: per-packet and per-leg facts are stored column-wise so that
// collecting them allocates only when a column doubles, never per packet.

type TypedArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float32Array | Float64Array;
type TypedArrayConstructor<T extends TypedArray> = {
  new (length: number): T;
  new (buffer: ArrayBuffer, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
};

export class Column<T extends TypedArray> {
  data: T;

  constructor(
    private readonly make: TypedArrayConstructor<T>,
    capacity: number,
    /** Values per row (e.g. 4 for an IPv6 address). */
    readonly width = 1,
    /** Where its rows live when not in an array of its own (OneBuffer). */
    place?: { buffer: ArrayBuffer; byteOffset: number },
  ) {
    this.data = place === undefined ? new make(capacity * width) : new make(place.buffer, place.byteOffset, capacity * width);
  }

  /**
   * Makes room for row `row` (0-based), quadrupling the storage when needed. The kernel maps the
   * unused part only when it is first written, so a larger step costs no resident memory, while
   * each step copies what was written so far into fresh pages: ×4 copies a third of the final
   * size, ×2 all of it. Measured on two 1 GB captures of one-packet connections: peak RSS of
   * collecting 150 → 131 MB, time unchanged.
   */
  ensure(row: number): void {
    const need = (row + 1) * this.width;
    if (need <= this.data.length) return;
    let size = this.data.length || this.width;
    while (size < need) size *= 4;
    const grown = new this.make(size);
    grown.set(this.data as never);
    this.data = grown;
  }
}

export const u8 = (capacity: number, width = 1) => new Column(Uint8Array, capacity, width);
export const u32 = (capacity: number, width = 1) => new Column(Uint32Array, capacity, width);
export const i32 = (capacity: number, width = 1) => new Column(Int32Array, capacity, width);
export const f64 = (capacity: number, width = 1) => new Column(Float64Array, capacity, width);

/**
 * The columns of one table carved out of one ArrayBuffer, for tables presized for more rows
 * than they may fill. glibc serves an allocation from fresh mapped pages, untouched (and so not
 * resident) until written, only above its mmap threshold, which rises to the size of each large
 * block the process frees (up to 32 MiB); below it, the block comes from the heap and is
 * cleared, every page touched. One buffer for a table's columns is above it wherever presizing
 * matters (docs/performance.md). A column that outgrows its rows moves to an array of its own.
 */
export class OneBuffer {
  private readonly buffer: ArrayBuffer;
  private used = 0;

  /** Room for `rows` rows of `bytesPerRow` bytes in `columns` columns (each starts 8-byte aligned). */
  constructor(
    private readonly rows: number,
    bytesPerRow: number,
    columns: number,
  ) {
    this.buffer = new ArrayBuffer(rows * bytesPerRow + 8 * columns);
  }

  column<T extends TypedArray>(make: TypedArrayConstructor<T>, width = 1): Column<T> {
    const bytes = this.rows * width * make.BYTES_PER_ELEMENT;
    if (this.used + bytes > this.buffer.byteLength) throw new Error('OneBuffer: more columns than its size was given for');
    const column = new Column(make, this.rows, width, { buffer: this.buffer, byteOffset: this.used });
    this.used += Math.ceil(bytes / 8) * 8;
    return column;
  }
}

/** ES2024's resizable ArrayBuffer (in Node 20; the project's type library is ES2022). */
interface ResizableBuffer extends ArrayBuffer {
  readonly maxByteLength: number;
  readonly resizable?: boolean;
  resize(byteLength: number): void;
}
const ResizableBuffer = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => ResizableBuffer;

/**
 * A column whose memory can be given back at once: it lives in a resizable ArrayBuffer, which
 * grows in place (no copy, no old array left behind) and `release()` shrinks to nothing, its
 * pages returned to the system there and then. An ordinary array's memory waits for the garbage
 * collector, which V8 may not run for seconds while matching, the peak, fills its own arrays
 * (docs/performance.md). Two costs: reading and writing such a view costs more (V8 11 checks
 * its length on every access: ~2.5× a plain array's in a tight loop), so it suits columns
 * written once per sampled packet and read once; and shrinking clears every byte of the length
 * given up, touching pages never written (128 MB of untouched length made 128 MB of peak), so
 * the length follows the rows written in steps of an eighth, never a presized guess.
 */
export class ReleasableColumn<T extends TypedArray> {
  data: T;
  private buffer: ResizableBuffer;

  /** Room for `rows` rows at first, growing in place (reserved, not resident) up to `maxRows`. */
  constructor(
    private readonly make: TypedArrayConstructor<T>,
    rows: number,
    maxRows: number,
  ) {
    const bytes = make.BYTES_PER_ELEMENT;
    this.buffer = new ResizableBuffer(rows * bytes, { maxByteLength: Math.max(rows, maxRows, 1) * bytes });
    this.data = new make(this.buffer, 0, rows);
  }

  /**
   * Makes room for row `row`: an eighth more rows (GROW_ROWS at least), in place up to the
   * maximum, past it in a larger buffer. The step depends on rows only, so that columns of one
   * table grown together keep the same length whatever their element size.
   */
  ensure(row: number): void {
    if (row < this.data.length) return;
    const bytes = this.make.BYTES_PER_ELEMENT;
    const rows = Math.max(row + 1, Math.ceil(this.data.length * 1.125), this.data.length + GROW_ROWS);
    if (rows * bytes <= this.buffer.maxByteLength) {
      this.buffer.resize(rows * bytes);
      this.data = new this.make(this.buffer, 0, rows);
      return;
    }
    const bigger = new ResizableBuffer(rows * bytes, { maxByteLength: rows * 4 * bytes });
    const data = new this.make(bigger, 0, rows);
    data.set(this.data as never);
    this.buffer.resize(0);
    this.buffer = bigger;
    this.data = data;
  }

  /**
   * Takes over rows made by another table's column (`data` handed from a worker thread with its
   * resizable buffer transferred, not copied): they keep growing in place and release as before.
   */
  adopt(data: T): void {
    const buffer = data.buffer as ResizableBuffer;
    if (buffer.resizable === true) {
      this.buffer = buffer;
      this.data = data;
      return;
    }
    // A copy made without transfer (structured clone of a fixed buffer): into a resizable one.
    this.buffer = new ResizableBuffer(data.byteLength, { maxByteLength: Math.max(data.byteLength, 1) });
    this.data = new this.make(this.buffer, 0, data.length);
    this.data.set(data as never);
  }

  /** Gives the memory back now; the column is empty afterwards. */
  release(): void {
    this.buffer.resize(0);
    this.data = new this.make(this.buffer, 0, 0);
  }
}

/** The least a ReleasableColumn grows by, in rows: a resize is a system call. */
const GROW_ROWS = 8192;
