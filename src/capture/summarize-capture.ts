// Facts about one capture for `natpath inspect`: one streaming pass, counters only per packet.

import type { Diagnostic } from '../text/diagnostic.js';
import { describeLinkType } from './link-types.js';
import type { PacketRecord } from './packet-record.js';
import type { CaptureReadOptions } from './read-capture-file.js';
import { readCaptureFrom } from './read-capture-stream.js';
import { formatEpochSeconds } from './timestamp.js';

export interface InterfaceSummary {
  index: number;
  id: number;
  sectionIndex: number;
  name: string | null;
  description: string | null;
  linkType: number;
  linkTypeName: string;
  snapLength: number;
  /** `us`, `ns`, `ms`, `10^-k s`, `2^-k s`. */
  timestampPrecision: string;
  packets: number;
}

export interface LinkTypeCount {
  code: number;
  name: string;
  description: string;
  packets: number;
}

export interface CaptureSummary {
  file: string;
  format: 'pcap' | 'pcapng' | null;
  compression: 'gzip' | null;
  byteOrder: 'le' | 'be' | 'mixed' | null;
  version: string | null;
  /** The interfaces' precisions, distinct, joined by ", " (e.g. "us" or "us, ns"); null without interfaces. */
  timestampPrecision: string | null;
  sections: number;
  interfaces: InterfaceSummary[];
  /** By code, in order of first appearance among the interfaces. */
  linkTypes: LinkTypeCount[];
  packets: number;
  capturedBytes: number;
  wireBytes: number;
  /** Packets cut by the snapshot length (captured length < original length). */
  truncatedPackets: number;
  /** Simple Packet Blocks, and timestamps that cannot be represented. */
  packetsWithoutTimestamp: number;
  /** Epoch seconds as exact decimal text, of the first and last timestamped packets in file order. */
  firstTimestamp: string | null;
  lastTimestamp: string | null;
  /** The same as numbers (≈ 0.1 µs precision today), for arithmetic. */
  firstTimestampSeconds: number | null;
  lastTimestampSeconds: number | null;
  /** Earliest and latest timestamps (files are not always in time order). */
  earliestTimestamp: string | null;
  latestTimestamp: string | null;
  /** latest − earliest, in seconds. */
  durationSeconds: number | null;
  customBlocks: number;
  diagnostics: Diagnostic[];
  complete: boolean;
}

/** A moment kept as the record gave it, so its text can be exact. */
class Moment {
  seen = false;
  seconds = 0;
  fraction = 0;
  nanos = 0;
  interfaceIndex = 0;

  set(r: PacketRecord): void {
    this.seen = true;
    this.seconds = r.tsSeconds;
    this.fraction = r.tsFraction;
    this.nanos = r.tsNanos;
    this.interfaceIndex = r.interfaceIndex;
  }

  isBefore(r: PacketRecord): boolean {
    return this.seconds < r.tsSeconds || (this.seconds === r.tsSeconds && this.nanos < r.tsNanos);
  }

  isAfter(r: PacketRecord): boolean {
    return this.seconds > r.tsSeconds || (this.seconds === r.tsSeconds && this.nanos > r.tsNanos);
  }
}

/** `openStream` is given for a capture that is not a file on disk (an entry of a case archive). */
export async function summarizeCapture(
  path: string,
  options: CaptureReadOptions = {},
  openStream?: () => AsyncIterable<Uint8Array>,
): Promise<CaptureSummary> {
  let capturedBytes = 0;
  let wireBytes = 0;
  let truncatedPackets = 0;
  let withoutTimestamp = 0;
  const first = new Moment();
  const last = new Moment();
  const earliest = new Moment();
  const latest = new Moment();

  const result = await readCaptureFrom(
    path,
    openStream,
    (r) => {
      capturedBytes += r.capLength;
      wireBytes += r.origLength;
      if (r.capLength < r.origLength) truncatedPackets++;
      if (!r.hasTimestamp) {
        withoutTimestamp++;
        return;
      }
      if (!first.seen) {
        first.set(r);
        earliest.set(r);
        latest.set(r);
      } else {
        if (earliest.isAfter(r)) earliest.set(r);
        if (latest.isBefore(r)) latest.set(r);
      }
      last.set(r);
    },
    options,
  );

  const interfaces = result.interfaces;
  const text = (m: Moment): string | null =>
    m.seen ? formatEpochSeconds(m.seconds, m.fraction, interfaces[m.interfaceIndex]!.tsResolution) : null;
  const seconds = (m: Moment): number | null => (m.seen ? m.seconds + m.nanos / 1e9 : null);

  const linkTypes = new Map<number, LinkTypeCount>();
  for (const i of interfaces) {
    const entry = linkTypes.get(i.linkType);
    if (entry) entry.packets += i.packets;
    else linkTypes.set(i.linkType, { ...describeLinkType(i.linkType), packets: i.packets });
  }
  const precisions = [...new Set(interfaces.map((i) => i.tsResolution.label))];

  return {
    file: path,
    format: result.format,
    compression: result.compression,
    byteOrder: result.byteOrder,
    version: result.version,
    timestampPrecision: precisions.length > 0 ? precisions.join(', ') : null,
    sections: result.sections,
    interfaces: interfaces.map((i) => ({
      index: i.index,
      id: i.id,
      sectionIndex: i.sectionIndex,
      name: i.name,
      description: i.description,
      linkType: i.linkType,
      linkTypeName: describeLinkType(i.linkType).name,
      snapLength: i.snapLength,
      timestampPrecision: i.tsResolution.label,
      packets: i.packets,
    })),
    linkTypes: [...linkTypes.values()],
    packets: result.packets,
    capturedBytes,
    wireBytes,
    truncatedPackets,
    packetsWithoutTimestamp: withoutTimestamp,
    firstTimestamp: text(first),
    lastTimestamp: text(last),
    firstTimestampSeconds: seconds(first),
    lastTimestampSeconds: seconds(last),
    earliestTimestamp: text(earliest),
    latestTimestamp: text(latest),
    durationSeconds: earliest.seen ? latest.seconds - earliest.seconds + (latest.nanos - earliest.nanos) / 1e9 : null,
    customBlocks: result.customBlocks,
    diagnostics: result.diagnostics,
    complete: result.complete,
  };
}
