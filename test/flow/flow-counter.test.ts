// FlowCounter (src/flow/flow-counter.ts) against an exact reference: a Set of the innermost
// 5-tuples as text, both directions as one, over real captures (the lab samples and a slice of
// the shared corpus) and over synthetic flows shaped like the bench's (same addresses, ports
// counting up), where a weak hash would merge flows; across the small table's growth and its move
// into the large one. And the saturation point.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/read-capture-file.js';
import { decodePacket, Has, PacketView } from '../../src/decode/index.js';
import { FlowCounter } from '../../src/flow/flow-counter.js';
import { FlowRingWriter } from '../../src/flow/flow-ring.js';
import { MAX_FLOWS } from '../../src/flow/flow-table.js';
import { CORPUS_ROOT, PROJECT_ROOT, NEEDS_CORPUS } from '../corpus.js';
import { listCaptures } from '../capture/capture-files.js';

/** The flow of the packet in `v` as text (null without IP): what FlowCounter must count. */
function referenceFlowKey(v: PacketView): string | null {
  const d = v.flowDepth;
  if (d < 0) return null;
  const addr = (which: 0 | 1): string =>
    v.ipVersion[d] === 4 ? String(which === 0 ? v.src4[d] : v.dst4[d]) : Array.from(v.addr6.subarray(d * 8 + which * 4, d * 8 + which * 4 + 4)).join(':');
  const ports = (v.has[d]! & Has.PORTS) !== 0;
  const a = `${addr(0)}/${ports ? v.srcPort[d] : ''}`;
  const b = `${addr(1)}/${ports ? v.dstPort[d] : ''}`;
  const proto = (v.has[d]! & Has.L4) !== 0 ? v.l4Proto[d] : 255;
  return `${d} ${v.ipVersion[d]} ${proto} ${a < b ? a : b} ${a < b ? b : a}`;
}

async function countBoth(file: string): Promise<{ counted: number; exact: number }> {
  const view = new PacketView();
  const counter = new FlowCounter();
  const exact = new Set<string>();
  try {
    await readCaptureFile(file, (r) => {
      decodePacket(r.linkType, r.data, r.dataOffset, r.dataOffset + r.capLength, view, r.origLength);
      counter.add(view);
      const key = referenceFlowKey(view);
      if (key !== null) exact.add(key);
    });
  } catch {
    // unreadable corpus files: whatever was read before still has to agree
  }
  return { counted: (await counter.finish()).count, exact: exact.size };
}

/** A view holding only what FlowCounter reads: an IPv4 packet at depth 0. */
function ipv4View(src: number, dst: number, srcPort: number, dstPort: number, proto = 17): PacketView {
  const v = new PacketView();
  v.flowDepth = 0;
  v.ipVersion[0] = 4;
  v.has[0] = Has.IPV4 | Has.L4 | Has.PORTS;
  v.l4Proto[0] = proto;
  setIpv4Flow(v, src, dst, srcPort, dstPort);
  return v;
}

function setIpv4Flow(v: PacketView, src: number, dst: number, srcPort: number, dstPort: number): void {
  v.src4[0] = src;
  v.dst4[0] = dst;
  v.srcPort[0] = srcPort;
  v.dstPort[0] = dstPort;
}

describe('FlowCounter', () => {
  it('counts exactly the distinct flows of every lab sample capture', async () => {
    const files = listCaptures(join(PROJECT_ROOT, 'samples'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const { counted, exact } = await countBoth(file);
      expect(counted, file).toBe(exact);
    }
  });

  it('counts exactly the distinct flows of a slice of the shared corpus (every 2nd capture)', { ...NEEDS_CORPUS, timeout: 120_000 }, async () => {
    const files = listCaptures(CORPUS_ROOT).filter((_, i) => i % 2 === 0);
    expect(files.length).toBeGreaterThan(400);
    let flows = 0;
    for (const file of files) {
      const { counted, exact } = await countBoth(file);
      expect(counted, file).toBe(exact);
      flows += exact;
    }
    expect(flows).toBeGreaterThan(1000);
  });

  it('counts both directions of a flow as one, and the protocol and depth apart', async () => {
    const counter = new FlowCounter();
    const v = ipv4View(0x0a000001, 0x0a000002, 40000, 53);
    counter.add(v);
    setIpv4Flow(v, 0x0a000002, 0x0a000001, 53, 40000);
    counter.add(v);
    expect((await counter.finish()).count).toBe(1);
    v.l4Proto[0] = 6;
    counter.add(v);
    v.flowDepth = 1;
    v.ipVersion[1] = 4;
    v.has[1] = v.has[0]!;
    v.l4Proto[1] = 6;
    v.src4[1] = v.src4[0]!;
    v.dst4[1] = v.dst4[0]!;
    v.srcPort[1] = v.srcPort[0]!;
    v.dstPort[1] = v.dstPort[0]!;
    counter.add(v);
    expect((await counter.finish()).count).toBe(3);
  });

  it('keeps 2 M flows that differ only in neighbouring addresses and ports apart', async () => {
    const counter = new FlowCounter();
    const v = ipv4View(0, 0, 0, 0);
    let flows = 0;
    for (let host = 0; host < 32; host++) {
      for (let port = 0; port < 65536; port++) {
        setIpv4Flow(v, 0x0a000000 + host, 0xc0a80001, port, 443);
        counter.add(v);
        flows++;
      }
    }
    expect(await counter.finish()).toEqual({ count: flows, saturated: false });
  });

  it('counts exactly across every growth of the small table and the move into the large one', async () => {
    const counter = new FlowCounter();
    const v = ipv4View(0, 0, 0, 0);
    for (const flows of [1, 3071, 3072, 3073, 393_215, 393_216, 393_217, 500_000]) {
      // Every flow twice (once per direction), the earlier ones again: the count must not move.
      for (let i = 0; i < flows; i++) {
        setIpv4Flow(v, 0x0a000000 + (i >>> 16), 0xc0a80001, i & 0xffff, 80);
        counter.add(v);
        setIpv4Flow(v, 0xc0a80001, 0x0a000000 + (i >>> 16), 80, i & 0xffff);
        counter.add(v);
      }
      expect(await counter.finish(), `${flows} flows`).toEqual({ count: flows, saturated: false });
    }
  });

  it('counts exactly when the table is sized ahead (countHere with the expected growth), small or large, after a ring or not', async () => {
    // The decision after the first packets: no worker, the table sized for the flows so far times
    // the expected growth: kept small, grown once, or moved to the large stage at once.
    for (const [early, growth, later] of [
      [100, 1, 5_000],
      [3_000, 2, 10_000],
      [2_000, 150, 250_000],
      [3_000, 200, 450_000],
      [393_216, 1.5, 1_000],
    ] as const) {
      for (const ring of [true, false]) {
        const counter = ring ? new FlowCounter(new FlowRingWriter()) : new FlowCounter();
        const v = ipv4View(0, 0, 0, 0);
        const add = (i: number): void => {
          setIpv4Flow(v, 0x0a000000 + (i >>> 16), 0xc0a80001, i & 0xffff, 80);
          counter.add(v);
          setIpv4Flow(v, 0xc0a80001, 0x0a000000 + (i >>> 16), 80, i & 0xffff);
          counter.add(v);
        };
        for (let i = 0; i < early; i++) add(i);
        counter.countHere(growth);
        for (let i = 0; i < early + later; i++) add(i); // the early flows again, then new ones
        expect(await counter.finish(), `${early} flows, ×${growth}, then ${later} more, ${ring ? 'after a ring' : 'counted here from the start'}`).toEqual({ count: early + later, saturated: false });
        counter.close();
      }
    }
  });

  it('stops at MAX_FLOWS and says the count is a lower bound', async () => {
    const counter = new FlowCounter();
    const v = ipv4View(0, 0, 0, 0);
    for (let i = 0; i < MAX_FLOWS - 1; i++) {
      setIpv4Flow(v, 0x0a000000 + (i >>> 16), 0xc0a80001, i & 0xffff, 80);
      counter.add(v);
    }
    expect(await counter.finish()).toEqual({ count: MAX_FLOWS - 1, saturated: false });
    for (let i = MAX_FLOWS - 1; i < MAX_FLOWS + 1000; i++) {
      setIpv4Flow(v, 0x0a000000 + (i >>> 16), 0xc0a80001, i & 0xffff, 80);
      counter.add(v);
    }
    expect(await counter.finish()).toEqual({ count: MAX_FLOWS, saturated: true });
  });
});
