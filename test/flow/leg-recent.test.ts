// LegTable.add tries each capture point's previous leg before hashing and probing. That shortcut
// must give the leg the probe gives, always: across the slot table's rehash (the remembered slot
// moves), when a SYN on the remembered leg starts a new connection (the key's leg changes), and
// when two points see the same 5-tuple. findLeg probes without the shortcut, so after every packet
// it must name the leg add returned.

import { describe, expect, it } from 'vitest';
import { LegInput, LegTable } from '../../src/flow/leg-table.js';

const client = 0x0a000b01;
const server = 0xc6336405;

function segment(input: LegInput, point: number, clientPort: number, ts: number, flags: number, seq: number, fromClient = true): void {
  input.point = point;
  input.ipVersion = 4;
  input.proto = 6;
  input.src.set([fromClient ? client : server, 0, 0, 0]);
  input.dst.set([fromClient ? server : client, 0, 0, 0]);
  input.srcPort = fromClient ? clientPort : 80;
  input.dstPort = fromClient ? 80 : clientPort;
  input.ts = ts;
  input.tcpFlags = flags;
  input.tcpSeq = seq;
  input.fingerprint = (clientPort * 7919 + seq) | 0;
  input.looseFingerprint = input.fingerprint;
  input.ipId = -1;
  input.matchable = true;
}

/** Adds the packet and checks it against a probe that does not use the shortcut. */
function addChecked(table: LegTable, input: LegInput): number {
  const leg = table.add(input);
  expect(table.findLeg(input.point, 4, 6, 0, 0, input.src, input.srcPort, input.dst, input.dstPort)).toBe(leg);
  return leg;
}

describe("a capture point's previous leg, tried before the probe", () => {
  it('gives the probed leg while thousands of new legs rehash the slots under a long connection', () => {
    const table = new LegTable();
    const input = new LegInput();
    segment(input, 0, 40000, 1, 0x02, 1);
    const long = addChecked(table, input);
    for (let i = 1; i <= 5000; i++) {
      // The long connection, then a new one, twice at its point: every rehash happens between them.
      segment(input, 0, 40000, 1 + i * 1e-3, 0x10, 1 + i, i % 2 === 0);
      expect(addChecked(table, input)).toBe(long);
      segment(input, 0, 40000 + i, 1 + i * 1e-3, 0x02, 7);
      const opened = addChecked(table, input);
      segment(input, 0, 40000 + i, 1 + i * 1e-3, 0x12, 9, false);
      expect(addChecked(table, input)).toBe(opened);
    }
    expect(table.count).toBe(5001);
    expect(table.packets.data[2 * long]! + table.packets.data[2 * long + 1]!).toBe(5001);
  });

  it('a SYN with another sequence number on the remembered leg opens a new leg, which the next packet finds', () => {
    const table = new LegTable();
    const input = new LegInput();
    segment(input, 0, 40000, 1, 0x02, 100);
    const first = addChecked(table, input);
    segment(input, 0, 40000, 1.1, 0x10, 101);
    expect(addChecked(table, input)).toBe(first);
    segment(input, 0, 40000, 2, 0x02, 500);
    const second = addChecked(table, input);
    expect(second).not.toBe(first);
    expect(table.superseded.data[first]).toBe(1);
    segment(input, 0, 40000, 2.1, 0x12, 900, false);
    expect(addChecked(table, input)).toBe(second);
  });

  it("another point's rehash moves the remembered slot: a new connection there still takes the key over", () => {
    const table = new LegTable();
    const input = new LegInput();
    segment(input, 1, 40000, 1, 0x02, 100);
    const first = addChecked(table, input);
    segment(input, 1, 40000, 1.1, 0x10, 101);
    expect(addChecked(table, input)).toBe(first);
    // Enough legs at point 0 to rehash the slots several times.
    for (let i = 1; i <= 3000; i++) {
      segment(input, 0, 40000 + i, 1.2, 0x02, 7);
      addChecked(table, input);
    }
    segment(input, 1, 40000, 2, 0x02, 500);
    const second = addChecked(table, input);
    expect(second).not.toBe(first);
    segment(input, 1, 40000, 2.1, 0x12, 900, false);
    expect(addChecked(table, input)).toBe(second);
  });

  it('the same 5-tuple at two points, packets alternating, is a leg at each', () => {
    const table = new LegTable();
    const input = new LegInput();
    const legs = new Set<number>();
    for (let i = 0; i < 6; i++) {
      segment(input, i % 2, 40000, 1 + i * 1e-4, i === 0 || i === 1 ? 0x02 : 0x10, 100 + (i >> 1), i % 4 < 2);
      legs.add(addChecked(table, input));
    }
    expect([...legs]).toEqual([0, 1]);
  });
});
