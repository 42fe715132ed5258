// `natpath decode` end to end, minus argument parsing: read the capture, decode each packet into
// one reused view, count it, and stream the chosen format's text to `write`. In --summary mode
// the packet path is read → decode → count, with no object or string per packet, and on large
// captures the flow table lives in a worker thread (flow-ring.ts).

import { statSync } from 'node:fs';
import { readCaptureFile, type CaptureInterface, type CaptureReadResult, type PacketRecord } from '../capture/index.js';
import { applyTunnelPorts, decodePacket, PacketView, type TunnelPorts } from '../decode/index.js';
import { buildDecodeRecord, recordTimestamp } from './decode-record-builder.js';
import { DECODE_FORMATS, type DecodeEnd, type DecodeRenderContext } from '../report/decode-formats.js';
import type { DecodeFormatName } from '../report/format-names.js';
import { DecodeSummaryCounter } from '../flow/decode-summary.js';
import { FlowCounter } from '../flow/flow-counter.js';
import { FlowRingWriter } from '../flow/flow-ring.js';

export interface DecodeRunOptions {
  file: string;
  format: DecodeFormatName;
  /** Stop after this many packets (undefined: all). */
  limit?: number;
  summaryOnly: boolean;
  ctx: DecodeRenderContext;
  /** Receives the output text in pieces, in order (stdout or a file, written synchronously). */
  write(text: string): void;
  /** Called now and then with the bytes of the file consumed so far. */
  progress?(bytes: number): void;
  /** Kernel ifindex → name (from the host's ip link/addr dump), for Linux cooked v2 captures. */
  ifNames?: ReadonlyMap<number, string>;
  /** The host interface the capture file is named after (`eth0.pcap`), for a capture that names none. */
  fileInterface?: string | null;
  /** UDP ports of tunnels beyond the defaults (VXLAN 4789/8472, Geneve 6081). */
  tunnelPorts?: TunnelPorts;
  /**
   * Count flows in a worker thread: 'auto' (default) for --summary on captures of millions of
   * packets (FLOW_WORKER_MIN_PACKETS); 'always' for --summary whatever the size (tests); 'never'
   * (`--threads 1` / NATPATH_THREADS=1).
   */
  flowWorker?: 'auto' | 'always' | 'never';
  /** The worker's script (tests point it at the built one); default: flow-worker.js beside this file. */
  flowWorkerUrl?: URL;
}

export interface DecodeRunResult extends DecodeEnd {
  read: CaptureReadResult;
}

/** Output is collected into pieces of about this size before `write` (fewer syscalls). */
const WRITE_BATCH = 256 * 1024;

/**
 * A flow worker pays only on captures of millions of packets (its start costs ~80 ms of the other
 * core, and on a busy machine of this one; measured: docs/performance.md). A file smaller than
 * FLOW_WORKER_MIN_PACKETS records of the smallest size (a pcap record header, 16 bytes) cannot
 * hold that many; in a larger one, after FLOW_WORKER_DECISION_PACKETS packets the bytes they took
 * tell how many there will be (the flows so far wait in the worker's ring meanwhile).
 */
const FLOW_WORKER_MIN_PACKETS = 4_000_000;
const MIN_RECORD_BYTES = 16;
const FLOW_WORKER_DECISION_PACKETS = 4096;

export async function runDecode(o: DecodeRunOptions): Promise<DecodeRunResult> {
  // The worker's start counts too. process.hrtime, not performance.now(): the global `performance`
  // loads perf_hooks on first use, ~7 M instructions of every decode's start (docs/performance.md).
  const started = process.hrtime.bigint();
  const view = new PacketView();
  if (o.tunnelPorts !== undefined) applyTunnelPorts(view, o.tunnelPorts);
  const mode = o.flowWorker ?? 'auto';
  const size = o.summaryOnly ? fileSizeOf(o.file) : 0;
  const mayUseWorker = o.summaryOnly && (mode === 'always' || (mode === 'auto' && size >= FLOW_WORKER_MIN_PACKETS * MIN_RECORD_BYTES));
  const flows = mayUseWorker ? new FlowCounter(new FlowRingWriter()) : new FlowCounter();
  if (mayUseWorker && mode === 'always') flows.startWorker(o.flowWorkerUrl);
  // Once, after FLOW_WORKER_DECISION_PACKETS packets, the bytes they took say how many packets the
  // file holds: a worker for millions of them, else counting here in a table sized for them.
  const decide =
    size === 0 || mode === 'always'
      ? null
      : (packets: number, fileOffset: number): void => {
          const expectedPackets = fileOffset > 0 ? (packets * size) / fileOffset : 0;
          if (mayUseWorker && expectedPackets >= FLOW_WORKER_MIN_PACKETS) flows.startWorker(o.flowWorkerUrl);
          else flows.countHere(expectedPackets / packets);
        };
  try {
    return await runDecodeCounting(o, view, new DecodeSummaryCounter(flows), started, decide);
  } finally {
    flows.close();
  }
}

function fileSizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

async function runDecodeCounting(
  o: DecodeRunOptions,
  view: PacketView,
  counter: DecodeSummaryCounter,
  started: bigint,
  decideFlowWorker: ((packets: number, fileOffset: number) => void) | null,
): Promise<DecodeRunResult> {
  const limit = o.limit ?? Infinity;
  const format = DECODE_FORMATS[o.format];
  let read: CaptureReadResult;

  if (o.summaryOnly) {
    read = await readCaptureFile(o.file, (r, control) => {
      decodePacket(r.linkType, r.data, r.dataOffset, r.dataOffset + r.capLength, view, r.origLength);
      counter.add(view, r);
      if (counter.packets >= limit) control.stop();
      if ((counter.packets & 0xfff) === 0) {
        if (counter.packets === FLOW_WORKER_DECISION_PACKETS && decideFlowWorker !== null) decideFlowWorker(counter.packets, r.fileOffset);
        if ((counter.packets & 0xffff) === 0 && o.progress !== undefined) o.progress(r.fileOffset);
      }
    });
  } else {
    const stream = format.stream(o.ctx);
    let pending = stream.start();
    const ifNames = o.ifNames;
    const byFile = o.fileInterface ?? null;
    const interfaceName = (interfaces: readonly CaptureInterface[], r: PacketRecord): string | null =>
      interfaces[r.interfaceIndex]?.name ??
      (view.ifIndex >= 0 ? (ifNames?.get(view.ifIndex) ?? null) : interfaces.length === 1 ? byFile : null);
    read = await readCaptureFile(o.file, (r, control) => {
      decodePacket(r.linkType, r.data, r.dataOffset, r.dataOffset + r.capLength, view, r.origLength);
      counter.add(view, r);
      const iface = control.interfaces[r.interfaceIndex];
      const record = buildDecodeRecord(view, r, interfaceName(control.interfaces, r), recordTimestamp(r, iface?.tsResolution ?? null));
      pending += stream.packet(record);
      if (pending.length >= WRITE_BATCH) {
        o.write(pending);
        pending = '';
      }
      if (counter.packets >= limit) control.stop();
      if ((counter.packets & 0x3fff) === 0 && o.progress !== undefined) o.progress(r.fileOffset);
    });
    const end = await finishRun(read, counter, view, o, started);
    o.write(pending + stream.end(end));
    return { ...end, read };
  }
  const end = await finishRun(read, counter, view, o, started);
  o.write(format.summary(end, o.ctx));
  return { ...end, read };
}

async function finishRun(read: CaptureReadResult, counter: DecodeSummaryCounter, view: PacketView, o: DecodeRunOptions, started: bigint): Promise<DecodeEnd> {
  const flows = await counter.flows.finish();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    summary: counter.finish(o.file, read.interfaces, view, flows, seconds, { byIndex: o.ifNames, fileInterface: o.fileInterface ?? null }),
    diagnostics: read.diagnostics,
    complete: read.complete,
    stoppedEarly: read.stoppedEarly,
  };
}
