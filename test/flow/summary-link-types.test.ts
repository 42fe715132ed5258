// decode --summary's link types (src/flow/decode-summary.ts countedLinkTypes): looked up from the
// capture's interfaces instead of scanning the 65 536-entry table, and the table scanned when the
// interfaces do not account for every packet. Both ways must give what counting each record's
// link type gives, on every lab capture (pcap and pcapng, Ethernet and cooked v1/v2).

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/index.js';
import { decodePacket, PacketView } from '../../src/decode/index.js';
import { DecodeSummaryCounter } from '../../src/flow/decode-summary.js';
import { SAMPLES, labScenarios } from '../match/truth.js';

const captures = labScenarios().flatMap((scenario) =>
  readdirSync(join(SAMPLES, scenario), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((host) => readdirSync(join(SAMPLES, scenario, host.name)).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => join(SAMPLES, scenario, host.name, f))),
);

async function summarise(file: string) {
  const view = new PacketView();
  const counter = new DecodeSummaryCounter();
  const byRecord = new Map<number, number>();
  const read = await readCaptureFile(file, (r) => {
    decodePacket(r.linkType, r.data, r.dataOffset, r.dataOffset + r.capLength, view, r.origLength);
    counter.add(view, r);
    byRecord.set(r.linkType, (byRecord.get(r.linkType) ?? 0) + 1);
  });
  const flows = await counter.flows.finish();
  const expected = [...byRecord].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([linkType, packets]) => ({ linkType, packets }));
  const listed = (interfaces: typeof read.interfaces) => counter.finish(file, interfaces, view, flows, 0).linkTypes.map(({ linkType, packets }) => ({ linkType, packets }));
  return { expected, fromInterfaces: listed(read.interfaces), scanned: listed([]), interfaces: read.interfaces.length };
}

describe('decode --summary link types', () => {
  it('finds lab captures to check', () => {
    expect(captures.length).toBeGreaterThan(10);
  });

  for (const file of captures) {
    it(file.slice(SAMPLES.length + 1), async () => {
      const { expected, fromInterfaces, scanned, interfaces } = await summarise(file);
      expect(interfaces).toBeGreaterThan(0);
      expect(fromInterfaces).toEqual(expected);
      // No interface listed (a reader that lost them): the whole table is scanned, same answer.
      expect(scanned).toEqual(expected);
    });
  }
});
