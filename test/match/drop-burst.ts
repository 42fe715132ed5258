// Test tooling: a real capture that missed one burst of traffic, as a capture point that dropped
// packets for a moment would have. Bursts are the runs of records less than `gap` seconds apart
// (the lab's replays are about a second apart, each lasting under half a second). Little-endian
// µs pcap only (what the lab's tcpdump writes).

import { readFileSync, writeFileSync } from 'node:fs';
import { readRecords } from './merge-pcaps.js';

/** The burst (0-based) of each record, in file order. */
export function burstsOf(file: string, gap = 0.5): number[] {
  let burst = 0;
  let previous = -Infinity;
  return readRecords(file, readFileSync(file)).map((r) => {
    const t = r.seconds + r.micros / 1e6;
    if (t - previous >= gap) burst += previous === -Infinity ? 0 : 1;
    previous = t;
    return burst;
  });
}

/** Writes `source` without the records of burst `skipped`; returns how many were left out. */
export function writeWithoutBurst(source: string, target: string, skipped: number, gap = 0.5): number {
  const bytes = readFileSync(source);
  const records = readRecords(source, bytes);
  const bursts = burstsOf(source, gap);
  const kept = records.filter((_, i) => bursts[i] !== skipped);
  writeFileSync(target, Buffer.concat([bytes.subarray(0, 24), ...kept.map((r) => r.bytes)]));
  return records.length - kept.length;
}
