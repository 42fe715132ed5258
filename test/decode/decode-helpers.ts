// Decoding test packets the way the capture driver does, but through a buffer that fails the test
// on any read outside the captured bytes: the packet sits at an odd offset inside a larger buffer
// (so stray reads would land on real bytes, not `undefined`), and a Proxy checks every index.

import { decodePacket, PacketView } from '../../src/decode/index.js';
import type { Bytes } from './build-packet.js';

export const LEAD = 7;

export class OutOfBoundsRead extends Error {}

export function guardedBuffer(bytes: Bytes | Uint8Array, capLength = bytes.length): { buf: Uint8Array; off: number; end: number } {
  const raw = new Uint8Array(LEAD + bytes.length + 16).fill(0xa5);
  raw.set(bytes, LEAD);
  const lo = LEAD;
  const hi = LEAD + capLength;
  const buf = new Proxy(raw, {
    get(target, prop) {
      if (typeof prop === 'string') {
        const i = Number(prop);
        if (Number.isInteger(i) && (i < lo || i >= hi)) throw new OutOfBoundsRead(`read at ${i - lo} outside the ${capLength} captured bytes`);
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { buf, off: lo, end: hi };
}

/** Decodes `bytes` (first `capLength` of them captured, `origLength` on the wire) into `view`. */
export function decodeBytes(linkType: number, bytes: Bytes | Uint8Array, view = new PacketView(), capLength = bytes.length, origLength = bytes.length): PacketView {
  const { buf, off, end } = guardedBuffer(bytes, Math.min(capLength, bytes.length));
  decodePacket(linkType, buf, off, end, view, origLength);
  return view;
}
