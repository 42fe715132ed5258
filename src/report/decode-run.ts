// `natpath decode` end to end, minus argument parsing: read the capture, decode each packet into
// one reused view, count it, and stream the chosen format's text to `write`. In --summary mode
// the packet path is read → decode → count, with no object or string per packet.

import { readCaptureFile, type CaptureInterface, type CaptureReadResult, type PacketRecord } from '../capture/index.js';
import { decodePacket, PacketView } from '../decode/index.js';
import { buildDecodeRecord, recordTimestamp } from './decode-record.js';
import { DECODE_FORMATS, type DecodeEnd, type DecodeFormatName, type DecodeRenderContext } from './decode-formats.js';
import { DecodeSummaryCounter } from './decode-summary.js';

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
}

export interface DecodeRunResult extends DecodeEnd {
  read: CaptureReadResult;
}

/** Output is collected into pieces of about this size before `write` (fewer syscalls). */
const WRITE_BATCH = 256 * 1024;

export async function runDecode(o: DecodeRunOptions): Promise<DecodeRunResult> {
  const view = new PacketView();
  const counter = new DecodeSummaryCounter();
  const limit = o.limit ?? Infinity;
  const format = DECODE_FORMATS[o.format];
  const started = performance.now();
  let read: CaptureReadResult;

  if (o.summaryOnly) {
    read = await readCaptureFile(o.file, (r, control) => {
      decodePacket(r.linkType, r.data, r.dataOffset, r.dataOffset + r.capLength, view, r.origLength);
      counter.add(view, r);
      if (counter.packets >= limit) control.stop();
      if ((counter.packets & 0xffff) === 0 && o.progress !== undefined) o.progress(r.fileOffset);
    });
  } else {
    const stream = format.stream(o.ctx);
    let pending = stream.start();
    const ifNames = o.ifNames;
    const interfaceName = (interfaces: readonly CaptureInterface[], r: PacketRecord): string | null =>
      interfaces[r.interfaceIndex]?.name ?? (view.ifIndex >= 0 ? (ifNames?.get(view.ifIndex) ?? null) : null);
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
    const end = finishRun(read, counter, view, o, started);
    o.write(pending + stream.end(end));
    return { ...end, read };
  }
  const end = finishRun(read, counter, view, o, started);
  o.write(format.summary(end, o.ctx));
  return { ...end, read };
}

function finishRun(read: CaptureReadResult, counter: DecodeSummaryCounter, view: PacketView, o: DecodeRunOptions, started: number): DecodeEnd {
  const seconds = (performance.now() - started) / 1000;
  return {
    summary: counter.finish(o.file, read.interfaces, view, seconds),
    diagnostics: read.diagnostics,
    complete: read.complete,
    stoppedEarly: read.stoppedEarly,
  };
}
