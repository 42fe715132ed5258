// Leg pairs that shared a print matching could not assign: the print repeats (replayed or
// generated traffic) and neither time nor per-point counts single out which copy is which. They
// are no evidence for linking, but they say which connections a fragment may belong to, so the
// report can call the flow ambiguous with its candidates instead of splitting it into answers
// that contradict each other (docs/analyze.md §3). Kept as a set of (a, b) leg ids, a < b, in
// typed arrays with open addressing, like PairEvidence.

import { i32, u8 } from '../flow/columns.js';
import { mix32 } from '../decode/index.js';

/**
 * At most this many candidate pairs in a case. Each copy of an ambiguous print adds at most
 * MAX_PAIRS_PER_COPY, and they repeat across a connection's prints, so real cases stay far below;
 * past it (a hostile or enormous case) later ambiguities are not recorded and their fragments are
 * reported as fragments, which `full` says.
 */
export const MAX_CANDIDATE_PAIRS = 1 << 20;

/**
 * A copy of an ambiguous print is recorded with the copies nearest to it at the other point — this
 * many on each side of the nearest in time (or of its own rank) — not with every copy: with
 * hundreds of copies that would be quadratic, and the neighbours already say "one of these".
 */
export const CANDIDATE_NEIGHBOURS = 2;

/** Leg pairs one copy of an ambiguous print adds at most (its legs × its neighbours' legs). */
export const MAX_PAIRS_PER_COPY = 64;

export class CandidatePairs {
  count = 0;
  /** Set when MAX_CANDIDATE_PAIRS was reached and later candidates were dropped. */
  full = false;
  readonly a = i32(256);
  readonly b = i32(256);
  /** 1 when the shared print was an echo's (its request and reply alike; match-packets.ts pairEcho). */
  readonly echo = u8(256);
  private slots = new Int32Array(512).fill(-1);

  /** Records that legs x and y (global ids, x ≠ y) may be one connection; repeats are kept once. `echo`: see `this.echo`. */
  add(x: number, y: number, echo = false): void {
    const a = x < y ? x : y;
    const b = x < y ? y : x;
    const mask = this.slots.length - 1;
    let slot = hashPair(a, b) & mask;
    for (;;) {
      const pair = this.slots[slot]!;
      if (pair < 0) break;
      if (this.a.data[pair] === a && this.b.data[pair] === b) {
        if (echo) this.echo.data[pair] = 1;
        return;
      }
      slot = (slot + 1) & mask;
    }
    if (this.count >= MAX_CANDIDATE_PAIRS) {
      this.full = true;
      return;
    }
    const pair = this.count++;
    this.a.ensure(pair);
    this.b.ensure(pair);
    this.echo.ensure(pair);
    this.a.data[pair] = a;
    this.b.data[pair] = b;
    this.echo.data[pair] = echo ? 1 : 0;
    this.slots[slot] = pair;
    if (this.count * 2 > this.slots.length) this.rehash();
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let pair = 0; pair < this.count; pair++) {
      let slot = hashPair(this.a.data[pair]!, this.b.data[pair]!) & mask;
      while (slots[slot]! >= 0) slot = (slot + 1) & mask;
      slots[slot] = pair;
    }
    this.slots = slots;
  }
}

function hashPair(a: number, b: number): number {
  return mix32(mix32(0x85ebca6b, a), b);
}
