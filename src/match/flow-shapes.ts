// Flows that differ only in what the answer does not read — client ports, packet counts, times —
// have the same path, translations, explanations and leaks: a case with 200 000 connections from
// a handful of pods to a handful of servers has a handful of shapes. Each flow's shape is a row of
// numbers, looked up exactly (no hash-only identity: two shapes never merge).

import { wayTowardServer } from '../flow/recorded-direction.js';
import type { CaptureOnHost } from './describe-flows.js';
import type { LinkedFlows } from './link-legs.js';
import type { LegIds } from './match-packets.js';
import { fmix32 } from '../decode/index.js';
import { u32 } from '../flow/columns.js';
import { KEY_WORDS } from '../flow/leg-table.js';

/** Words per leg in a shape row (see `shapeOf`). */
const LEG_WORDS = 16;

export class FlowShapes {
  count = 0;
  private readonly rows = u32(4096);
  private readonly rowStart = u32(1024);
  private readonly rowHash = u32(1024);
  private used = 0;
  private slots = new Int32Array(1024).fill(-1);
  private row = new Uint32Array(4 * LEG_WORDS);
  /** The client port of each leg of the flow being shaped (the row keeps only which legs share one). */
  private clientPorts = new Uint32Array(4);

  constructor(
    private readonly ids: LegIds,
    private readonly captures: CaptureOnHost[],
    /** Keep client ports in the shape: some host's rules look at source ports, so explanations may differ by them. */
    private readonly clientPortMatters: boolean,
  ) {}

  /** The shape number of flow i (a new number for a shape not seen before). */
  shapeOf(flows: LinkedFlows, i: number): number {
    const from = flows.start[i]!;
    const legs = flows.start[i + 1]! - from;
    if (this.row.length < legs * LEG_WORDS) {
      this.row = new Uint32Array(legs * LEG_WORDS * 2);
      this.clientPorts = new Uint32Array(legs * 2);
    }
    const row = this.row;
    const clientPorts = this.clientPorts;
    for (let k = 0; k < legs; k++) {
      const g = flows.legs[from + k]!;
      const capture = this.ids.capture[g]!;
      const leg = this.ids.leg[g]!;
      const t = this.captures[capture]!.legs.legs;
      const clientIsLow = flows.clientIsLow[from + k] === 1;
      const o = k * LEG_WORDS;
      // The key's words copied array to array (a word ≥ 2^31 returned by a call is a heap number).
      const key = t.keys.data;
      const at = leg * KEY_WORDS;
      row[o] = capture;
      // Point, version/proto/encapsulation, VNI.
      for (let w = 0; w < 3; w++) row[o + 1 + w] = key[at + w]!;
      // Client then server address (the key stores low then high).
      for (let w = 0; w < 4; w++) {
        row[o + 4 + w] = key[at + (clientIsLow ? 3 : 7) + w]!;
        row[o + 8 + w] = key[at + (clientIsLow ? 7 : 3) + w]!;
      }
      const ports = key[at + 11]!;
      row[o + 12] = clientIsLow ? ports & 0xffff : ports >>> 16;
      const clientPort = clientIsLow ? ports >>> 16 : ports & 0xffff;
      clientPorts[k] = clientPort;
      // Without rules on source ports only which legs share a client port matters (a port-only
      // SNAT): the first leg with this port labels it.
      let label = clientPort;
      if (!this.clientPortMatters) {
        label = k;
        for (let j = k - 1; j >= 0; j--) if (clientPorts[j] === clientPort) label = j;
      }
      row[o + 13] = label;
      // What the hop's description reads of its counters: packets towards the server or not, and the link direction.
      const toServer = clientIsLow ? 0 : 1;
      row[o + 14] = t.packets.data[2 * leg + toServer]! > 0 ? 1 : 0;
      row[o + 15] = wayTowardServer(this.captures[capture]!.legs.points, t, leg, toServer);
      // What oriented the flow (a guessed one answers apart), once, on its first leg.
      if (k === 0) row[o + 15] = row[o + 15]! | (flows.orientedBy[i]! << 2) | (flows.conntrackContradicted[i]! << 4);
    }
    return this.findOrAdd(row, legs * LEG_WORDS);
  }

  private findOrAdd(row: Uint32Array, length: number): number {
    // Each word times an odd constant of its own position, summed, then avalanched once: the
    // multiplies do not wait for each other as a chain of mixes would.
    let sum = length;
    for (let w = 0; w < length; w++) sum = (sum + Math.imul(row[w]!, (0x85ebca6b + 2 * w) | 1)) | 0;
    const hash = fmix32(sum);
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    for (;;) {
      const shape = this.slots[slot]!;
      if (shape < 0) break;
      if (this.rowHash.data[shape] === hash && this.sameRow(shape, row, length)) return shape;
      slot = (slot + 1) & mask;
    }
    const shape = this.count++;
    this.rowStart.ensure(shape + 1);
    this.rowHash.ensure(shape);
    this.rows.ensure(this.used + length);
    this.rows.data.set(row.subarray(0, length), this.used);
    this.rowStart.data[shape] = this.used;
    this.used += length;
    this.rowStart.data[shape + 1] = this.used;
    this.rowHash.data[shape] = hash;
    this.slots[slot] = shape;
    if (this.count * 2 > this.slots.length) this.rehash();
    return shape;
  }

  private sameRow(shape: number, row: Uint32Array, length: number): boolean {
    const start = this.rowStart.data[shape]!;
    if (this.rowStart.data[shape + 1]! - start !== length) return false;
    for (let w = 0; w < length; w++) if (this.rows.data[start + w] !== row[w]) return false;
    return true;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let shape = 0; shape < this.count; shape++) {
      let slot = this.rowHash.data[shape]! & mask;
      while (slots[slot]! >= 0) slot = (slot + 1) & mask;
      slots[slot] = shape;
    }
    this.slots = slots;
  }
}
