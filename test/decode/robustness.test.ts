// Bad input: every decoder cut at every length, random bytes and mutated real packets under every
// supported link type (fast-check), and every packet of the whole shared corpus. The decoder must
// never throw, never read outside the captured bytes (decode-helpers.ts' guarded buffer), and
// always leave a consistent view.

import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/read-capture-file.js';
import { decodePacket, DecodeStatus, Has, MAX_DEPTH, PacketView, REASON_COUNT, reasonStatus } from '../../src/decode/index.js';
import { CORPUS_ROOT, NEEDS_CORPUS } from '../corpus.js';
import { loadIndex } from '../capture/oracle.js';
import { decodeBytes, guardedBuffer, OutOfBoundsRead } from './decode-helpers.js';
import { LINK, SAMPLE_PACKETS } from './sample-packets.js';

const LINK_TYPES = Object.values(LINK);

/** Invariants that hold for any input, whatever its status. */
function expectConsistent(v: PacketView): void {
  expect(v.status).toBeGreaterThanOrEqual(0);
  expect(v.status).toBeLessThanOrEqual(3);
  expect(v.reason).toBeLessThan(REASON_COUNT);
  expect(reasonStatus(v.reason)).toBe(v.status);
  expect(v.depthCount).toBeGreaterThanOrEqual(1);
  expect(v.depthCount).toBeLessThanOrEqual(MAX_DEPTH);
  expect(v.flowDepth).toBeLessThan(v.depthCount);
  for (let d = 0; d < v.depthCount; d++) {
    if (v.hasField(d, Has.PAYLOAD)) {
      expect(v.payloadLen[d]).toBeGreaterThanOrEqual(0);
      // The payload may start past the cut (its offset is declared); the hashed bytes may not.
      if (v.payloadHashLen[d]! > 0) expect(v.payloadOff[d]! + v.payloadHashLen[d]!).toBeLessThanOrEqual(v.capEnd);
    }
  }
}

describe('the guard itself', () => {
  it('catches a read past the captured bytes', () => {
    const { buf } = guardedBuffer([1, 2, 3], 2);
    expect(() => buf[7 + 2]).toThrow(OutOfBoundsRead);
    expect(buf[7 + 1]).toBe(2);
  });
});

describe('cut at every length', () => {
  for (const s of SAMPLE_PACKETS) {
    it(s.name, () => {
      const view = new PacketView();
      decodeBytes(s.linkType, s.bytes, view);
      expect(view.status).toBe(DecodeStatus.Ok);
      for (let cap = 0; cap < s.bytes.length; cap++) {
        decodeBytes(s.linkType, s.bytes, view, cap, s.bytes.length);
        expect(view.status, `captured ${cap} of ${s.bytes.length}`).toBe(DecodeStatus.Truncated);
        expectConsistent(view);
      }
    });
  }
});

describe('fuzzing (fast-check)', () => {
  const view = new PacketView();

  it('random bytes under every link type', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LINK_TYPES), fc.uint8Array({ maxLength: 256 }), fc.integer({ min: 0, max: 300 }), (linkType, bytes, extra) => {
        decodeBytes(linkType, bytes, view, bytes.length, bytes.length + (extra % 3 === 0 ? extra : 0));
        expectConsistent(view);
      }),
      { numRuns: 3000 },
    );
  });

  it('real packets with bytes changed, cut short or on a wrong link type', () => {
    const mutation = fc.record({
      index: fc.nat({ max: SAMPLE_PACKETS.length - 1 }),
      edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      cap: fc.option(fc.nat(), { nil: undefined }),
      otherLink: fc.option(fc.constantFrom(...LINK_TYPES), { freq: 5, nil: undefined }),
    });
    fc.assert(
      fc.property(mutation, ({ index, edits, cap, otherLink }) => {
        const s = SAMPLE_PACKETS[index]!;
        const bytes = s.bytes.slice();
        // Edits aimed at length, type and flag fields, where damage changes the decoding path.
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        const capLength = cap === undefined ? bytes.length : cap % (bytes.length + 1);
        decodeBytes(otherLink ?? s.linkType, bytes, view, capLength, bytes.length);
        expectConsistent(view);
      }),
      { numRuns: 5000 },
    );
  });

  it('offsets and lengths out of range are clamped, not trusted', () => {
    const bytes = new Uint8Array(64).fill(0x45);
    expect(() => decodePacket(1, bytes, 10, 1000, view, 5000)).not.toThrow();
    expect(() => decodePacket(1, bytes, 50, 20, view, -1)).not.toThrow();
    expect(view.capEnd).toBe(50);
  });
});

describe('the whole shared corpus', NEEDS_CORPUS, () => {
  it('every packet of every capture decodes without a throw', async () => {
    const view = new PacketView();
    let packets = 0;
    const files = loadIndex();
    for (const f of files) {
      await readCaptureFile(join(CORPUS_ROOT, f.corpus, f.file), (r) => {
        decodePacket(r.linkType, r.data, r.dataOffset, r.dataOffset + r.capLength, view, r.origLength);
        packets++;
      }).catch(() => undefined);
    }
    expect(files.length).toBeGreaterThan(1000);
    expect(packets).toBeGreaterThan(20_000);
    expect(view.counters.packets).toBe(packets);
  }, 60_000);
});
