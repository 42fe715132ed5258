// The capture reader for bytes that are not a file on disk (an entry of a case archive): the same
// parser and result as readCaptureFile, fed from an async stream of chunks. A gzip stream (a
// `capture.pcap.gz` inside the archive) is decompressed on the way.

import { Readable, pipeline } from 'node:stream';
import { CaptureParser } from './capture-parser.js';
import { PacketRecord } from './packet-record.js';
import { ReadControl, readCaptureFile, readResult, type CaptureReadControl, type CaptureReadOptions, type CaptureReadResult } from './read-capture-file.js';

/** readCaptureFile(path), or readCaptureStream when the capture is not a file on disk (`openStream` given). */
export function readCaptureFrom(
  path: string,
  openStream: (() => AsyncIterable<Uint8Array>) | undefined,
  onPacket: (record: PacketRecord, control: CaptureReadControl) => void,
  options: CaptureReadOptions = {},
): Promise<CaptureReadResult> {
  return openStream === undefined ? readCaptureFile(path, onPacket, options) : readCaptureStream(openStream(), path, onPacket, options);
}

export async function readCaptureStream(
  chunks: AsyncIterable<Uint8Array>,
  name: string,
  onPacket: (record: PacketRecord, control: CaptureReadControl) => void,
  options: Pick<CaptureReadOptions, 'record'> = {},
): Promise<CaptureReadResult> {
  const record = options.record ?? new PacketRecord();
  const source = chunks[Symbol.asyncIterator]();
  const first = await source.next();
  const head = first.done === true ? new Uint8Array(0) : first.value;
  const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  const parser = new CaptureParser({ file: name, decompressed: gzip });
  const control = new ReadControl(parser);
  const rest = async function* (): AsyncGenerator<Uint8Array> {
    if (head.length > 0) yield head;
    for (let step = await source.next(); step.done !== true; step = await source.next()) yield step.value;
  };
  const feed = (chunk: Uint8Array): boolean => {
    parser.append(chunk);
    while (!control.stopped && parser.next(record)) onPacket(record, control);
    return parser.stopped || control.stopped;
  };
  try {
    if (gzip) {
      // pipeline() carries an error of either side (a damaged archive, a damaged gzip) to the loop below.
      // node:zlib loaded only for gzip: importing it cost every run a few ms of CPU (docs/performance.md).
      const { createGunzip } = await import('node:zlib');
      const gunzip = pipeline(Readable.from(rest(), { objectMode: false }), createGunzip({ chunkSize: 256 * 1024 }), () => {});
      try {
        for await (const chunk of gunzip) if (feed(chunk as Uint8Array)) break;
      } catch (err) {
        parser.reportGzipError((err as Error).message ?? String(err));
      } finally {
        gunzip.destroy();
      }
    } else {
      for await (const chunk of rest()) if (feed(chunk)) break;
    }
  } finally {
    await source.return?.();
  }
  return readResult(name, parser, gzip, control.stopped);
}

