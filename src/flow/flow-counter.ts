// Distinct flows for `natpath decode --summary`: the flow key of each IP packet (flow-key.ts: the
// innermost 5-tuple, low endpoint first, so A→B and B→A are one flow), with the tunnel depth mixed
// in as Suricata does. This file turns a decoded packet into that canonical tuple; the set of tuples is a FlowTable, on
// this thread or in the flow worker behind a FlowRingWriter (flow-ring.ts).

import { Has, mix32i, type PacketView } from '../decode/index.js';
import { FlowRingWriter } from './flow-ring.js';
import { isLowWord, portsWord } from './flow-key.js';
import { FlowTable, type FlowTotal } from './flow-table.js';

export class FlowCounter {
  constructor(private sink: FlowTable | FlowRingWriter = new FlowTable()) {}

  /**
   * Counts on this thread from now on (the flows so far included) if no worker has started.
   * `growth`: how many times the packets so far the capture is expected to hold; the table is then
   * sized once for the flows so far times that (flows never grow faster than packets), instead of
   * doubling its way there. A counter that counted here from the start is only sized.
   */
  countHere(growth = 1): void {
    if (this.sink instanceof FlowRingWriter) {
      if (!this.sink.countHere()) return;
      this.sink = this.sink.tableHere!;
    }
    if (growth > 1) this.sink.reserve(Math.ceil(this.sink.total().count * growth));
  }

  /** Hands the counting to a worker running `workerUrl` (see FlowRingWriter.startWorker). */
  startWorker(workerUrl?: URL): void {
    if (this.sink instanceof FlowRingWriter) this.sink.startWorker(workerUrl);
  }

  /** Adds the flow of the packet in `view` (nothing for packets without IP). */
  add(view: PacketView): void {
    const d = view.flowDepth;
    if (d < 0) return;
    const v = view;
    // Every word as a signed 32-bit integer (`| 0`, same bits): V8 keeps those as small
    // integers, where an unsigned one ≥ 2^31 passed to a call is a heap number.
    let s: number;
    let t: number;
    if (v.ipVersion[d] === 4) {
      s = v.src4[d]! | 0;
      t = v.dst4[d]! | 0;
    } else {
      const i = d * 8;
      const a = v.addr6;
      s = mix32i(mix32i(mix32i(a[i]!, a[i + 1]!), a[i + 2]!), a[i + 3]!);
      t = mix32i(mix32i(mix32i(a[i + 4]!, a[i + 5]!), a[i + 6]!), a[i + 7]!);
    }
    const hasPorts = (v.has[d]! & Has.PORTS) !== 0;
    const sp = hasPorts ? v.srcPort[d]! : 0;
    const dp = hasPorts ? v.dstPort[d]! : 0;
    const proto = ((v.has[d]! & Has.L4) !== 0 ? v.l4Proto[d]! : 255) | (d << 8) | (v.ipVersion[d]! << 12);
    if (isLowWord(s, sp, t, dp)) this.sink.addTuple(s, t, portsWord(sp, dp), proto);
    else this.sink.addTuple(t, s, portsWord(dp, sp), proto);
  }

  /** The flows added; with a worker, once it has taken them all. */
  async finish(): Promise<FlowTotal> {
    return this.sink instanceof FlowTable ? this.sink.total() : this.sink.finish();
  }

  /** Stops the worker, if any (also after an error). */
  close(): void {
    if (!(this.sink instanceof FlowTable)) this.sink.close();
  }
}
