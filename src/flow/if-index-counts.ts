// Packets per kernel interface index (Linux cooked v2 and NFLOG records carry one), counted on the
// packet path without allocating: an open-addressing table of typed arrays. An index is any
// 32-bit number in hostile input, so the table is bounded: past MAX_INDEXES distinct indexes the
// rest are counted as `overflow`, not stored (a host has tens to a few thousand interfaces).

const MAX_INDEXES = 4096;
const SLOTS = MAX_INDEXES * 2; // load ≤ 0.5: short probes
const EMPTY = -1;

export class IfIndexCounts {
  private readonly keys = new Int32Array(SLOTS).fill(EMPTY);
  private readonly counts = new Float64Array(SLOTS);
  /** The slots in use, in the order they were filled: list() reads these, not all SLOTS (8 192 empty slots cost a fresh process ~1-10 ms). */
  private readonly filled = new Int32Array(MAX_INDEXES);
  private used = 0;
  /** Packets whose index found no room. */
  overflow = 0;

  add(ifIndex: number): void {
    // Fibonacci hashing of the index into SLOTS (a power of two).
    let slot = (Math.imul(ifIndex, 0x9e3779b1) >>> 0) & (SLOTS - 1);
    for (;;) {
      const key = this.keys[slot]!;
      if (key === ifIndex) {
        this.counts[slot]!++;
        return;
      }
      if (key === EMPTY) break;
      slot = (slot + 1) & (SLOTS - 1);
    }
    if (this.used >= MAX_INDEXES) {
      this.overflow++;
      return;
    }
    this.keys[slot] = ifIndex;
    this.counts[slot] = 1;
    this.filled[this.used++] = slot;
  }

  /** Every counted index, most packets first (ties: lower index first). */
  list(): Array<{ ifIndex: number; packets: number }> {
    const out: Array<{ ifIndex: number; packets: number }> = [];
    for (let i = 0; i < this.used; i++) {
      const slot = this.filled[i]!;
      out.push({ ifIndex: this.keys[slot]!, packets: this.counts[slot]! });
    }
    return out.sort((a, b) => b.packets - a.packets || a.ifIndex - b.ifIndex);
  }
}
