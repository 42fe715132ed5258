// Growable typed-array columns: per-packet and per-leg facts are stored column-wise so that
// collecting them allocates only when a column doubles, never per packet.

type TypedArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float32Array | Float64Array;
type TypedArrayConstructor<T extends TypedArray> = { new (length: number): T };

export class Column<T extends TypedArray> {
  data: T;

  constructor(
    private readonly make: TypedArrayConstructor<T>,
    capacity: number,
    /** Values per row (e.g. 4 for an IPv6 address). */
    readonly width = 1,
  ) {
    this.data = new make(capacity * width);
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
export const f32 = (capacity: number, width = 1) => new Column(Float32Array, capacity, width);
export const f64 = (capacity: number, width = 1) => new Column(Float64Array, capacity, width);
