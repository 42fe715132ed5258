// `natpath decode <capture>`: one line per packet, or totals with --summary — thin: options →
// runDecode (src/report/decode-run.ts) → stdout/--out, with file problems on stderr.

import type { CommandModule } from 'yargs';
import { makeStyle, shouldUseColor } from './terminal.js';
import { DECODE_FORMAT_NAMES, type DecodeFormatName } from '../report/format-names.js';
import { threadsAsked, withThreadsOption } from './threads-option.js';
import { EXIT } from './exit-codes.js';
import { problemWithOutPath } from './out-path.js';
import { outputWidth, problemWithWidth } from './output-width.js';

interface DecodeArgs {
  capture?: string;
  format: string;
  limit?: number;
  summary?: boolean;
  out?: string;
  color?: boolean;
  width?: number;
  threads?: number;
}

export function decodeCommand(setExit: (code: number) => void): CommandModule<object, DecodeArgs> {
  return {
    command: 'decode <capture>',
    describe: 'Decode every packet of a capture (pcap, pcapng, .gz): one line per packet, or totals with --summary',
    builder: (y) =>
      withThreadsOption(y, 'With --summary on captures of millions of packets, flows are counted on a second thread', 'a second thread when it pays')
        .positional('capture', { type: 'string', describe: 'A capture file: pcap or pcapng, optionally gzip-compressed' })
        .option('format', { choices: DECODE_FORMAT_NAMES, default: 'table', describe: 'Output format (json/ndjson: docs/decode.md)' })
        .option('limit', { type: 'number', describe: 'Stop after N packets' })
        .option('summary', { type: 'boolean', describe: 'Print only totals: packets, bytes, link types, interfaces, protocols, tunnels, problems' })
        .option('out', { type: 'string', describe: 'Write the output to this file instead of stdout' })
        .example('$0 decode node1/capture.pcap --limit 20', 'the first 20 packets as a table')
        .example('$0 decode big.pcapng.gz --summary', 'totals and processing speed')
        .example('$0 decode eth0.pcap --format ndjson | jq .src', 'one JSON record per line') as never,
    handler: async (args) => {
      const limit = args.limit;
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
        process.stderr.write(`natpath decode: --limit expects a whole number of packets ≥ 1, got ${String(limit)}\n`);
        setExit(2);
        return;
      }
      const threads = threadsAsked(args.threads, process.env);
      if (typeof threads === 'object') {
        process.stderr.write(`natpath decode: ${threads.error}\n`);
        setExit(2);
        return;
      }
      const outProblem = problemWithOutPath(args.out) ?? problemWithWidth(args.width);
      if (outProblem !== null) {
        process.stderr.write(`natpath decode: ${outProblem}\n`);
        return setExit(EXIT.usage);
      }
      const { openSync, writeSync, closeSync } = await import('node:fs');
      const { runDecode } = await import('../report/decode-run.js');
      const { CaptureFileError } = await import('../capture/index.js');
      const { formatDiagnostic } = await import('../text/diagnostic.js');
      const { createProgress } = await import('./progress.js');
      const { statSync } = await import('node:fs');
      const { siblingInterfaceNames } = await import('../case/sibling-interface-names.js');

      const file = args.capture!;
      const toFile = args.out !== undefined && args.out !== '-';
      const color = shouldUseColor(toFile ? {} : process.stdout, args.color, process.env);
      let fd = 1;
      if (toFile) {
        try {
          fd = openSync(args.out!, 'w');
        } catch (err) {
          process.stderr.write(`natpath decode: cannot write ${args.out}: ${(err as Error).message}\n`);
          setExit(EXIT.usage);
          return;
        }
      }
      // Synchronous writes: natural back-pressure, nothing piles up in memory whatever the capture size.
      let closedPipe = false;
      const write = (text: string): void => {
        if (text === '' || closedPipe) return;
        try {
          writeAll(fd, text, writeSync);
        } catch (err) {
          // `natpath decode ... | head`: the reader went away; stop quietly.
          if ((err as NodeJS.ErrnoException).code === 'EPIPE') closedPipe = true;
          else throw err;
        }
      };
      const progress = createProgress();
      let size = 0;
      try {
        size = statSync(file).size;
      } catch {
        // reported by the reader below
      }
      progress.start(file, size);
      try {
        const result = await runDecode({
          file,
          format: args.format as DecodeFormatName,
          limit,
          summaryOnly: args.summary === true,
          ctx: { style: makeStyle(color), width: outputWidth(args.width, toFile, process.stdout, process.env), file },
          write,
          progress: (bytes) => progress.update(bytes),
          ifNames: await siblingInterfaceNames(file),
          flowWorker: threads === 1 ? 'never' : 'auto',
        });
        progress.finish();
        const read = result.read;
        const errors = result.diagnostics.filter((d) => d.severity === 'error');
        for (const d of result.diagnostics) if (d.severity !== 'info') process.stderr.write(`natpath decode: ${formatDiagnostic(d)}\n`);
        if (errors.length > 0) {
          const at = errors[0]!.place.offset;
          process.stderr.write(
            `natpath decode: ${file} is ${read.format === null ? 'not a readable capture' : 'incomplete'}` +
              `${at === undefined ? '' : ` (problem at byte offset ${at})`}: ${read.packets} packet(s) before it were decoded\n`,
          );
          // No packet at all: nothing usable; packets before the damage: a partial result.
          setExit(read.packets === 0 ? EXIT.noUsableInput : EXIT.inputErrors);
        } else {
          setExit(EXIT.ok);
        }
      } catch (err) {
        progress.finish();
        if (err instanceof CaptureFileError) {
          process.stderr.write(`natpath decode: ${err.message}\n`);
          setExit(EXIT.noUsableInput);
          return;
        }
        throw err;
      } finally {
        if (toFile) closeSync(fd);
      }
    },
  };
}

function writeAll(fd: number, text: string, writeSync: (fd: number, b: Buffer, off: number, len: number) => number): void {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
    } catch (err) {
      // stdout may be a non-blocking pipe: wait for the reader instead of failing.
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}
