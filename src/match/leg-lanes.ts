// What matching needs per leg (global id) besides its packets, computed once per case for both
// passes: its lane (capture point and encapsulation) and, on demand, a hash of its tuple.

import type { CaptureLegs } from '../flow/collect-legs.js';
import { KEY_WORDS } from '../flow/leg-table.js';
import { mix32 } from '../decode/index.js';

/** How legs are numbered across the case (match-packets.ts LegIds). */
interface LegIds {
  readonly capture: Uint16Array;
  readonly leg: Uint32Array;
  readonly firstId: number[];
  readonly count: number;
}

/** Linux cooked v1 (`tcpdump -i any` on old libpcap): one capture point for every interface. */
const LINKTYPE_LINUX_SLL = 113;

/**
 * Each leg's lane: its capture point (numbered across the case) and encapsulation (the same
 * packet crosses eth0 once bare and once inside VXLAN), and per lane whether its point is one
 * interface (a Linux cooked v1 capture files every interface under one point).
 */
export interface LegLanes {
  lane: Int32Array;
  oneInterface: boolean[];
}

export function legLanes(captures: CaptureLegs[], ids: LegIds): LegLanes {
  const lane = new Int32Array(ids.count);
  const oneInterface: boolean[] = [];
  captures.forEach((c, ci) => {
    const keys = c.legs.keys.data;
    // Point, encapsulation and VNI as one number (a point index < 2^21 keeps it exact).
    const lanes = new Map<number, number>();
    for (let l = 0; l < c.legs.count; l++) {
      const at = l * KEY_WORDS;
      const point = c.points[keys[at]!]!;
      const key = (keys[at]! * 256 + ((keys[at + 1]! >>> 8) & 0xff)) * 0x1000000 + (keys[at + 2]! & 0xffffff);
      let id = lanes.get(key);
      if (id === undefined) {
        id = oneInterface.length;
        lanes.set(key, id);
        oneInterface.push(point.linkType !== LINKTYPE_LINUX_SLL);
      }
      lane[ids.firstId[ci]! + l] = id;
    }
  });
  return { lane, oneInterface };
}

/**
 * Per leg, a hash of its tuple (addresses, ports, protocol, encapsulation: every key word but
 * the capture point), made the first time one is asked for: only repeats whose times and counts
 * cannot tell them apart need it, and most cases have none.
 */
export class TupleHashes {
  private hashes: Uint32Array | null = null;

  constructor(
    private readonly captures: CaptureLegs[],
    private readonly ids: LegIds,
  ) {}

  of(g: number): number {
    return (this.hashes ??= this.hashAll())[g]!;
  }

  private hashAll(): Uint32Array {
    const { capture, leg, count } = this.ids;
    const keysOf = this.captures.map((c) => c.legs.keys.data);
    const hashes = new Uint32Array(count);
    for (let g = 0; g < count; g++) {
      const keys = keysOf[capture[g]!]!;
      const at = leg[g]! * KEY_WORDS;
      let h = 0x2545f491;
      for (let w = 1; w < KEY_WORDS; w++) h = mix32(h, keys[at + w]!);
      hashes[g] = h;
    }
    return hashes;
  }
}
