// `natpath decode`: open the output, decode the capture into the asked format with a progress bar,
// say what went wrong with the file on stderr, and answer the exit code. Options arrive checked.

import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { CaptureFileError } from '../capture/index.js';
import { hostInterfaces } from '../case/host-interfaces.js';
import type { TunnelPorts } from '../decode/index.js';
import { tunnelPortsOf } from '../route/index.js';
import type { DecodeFormatName } from '../report/format-names.js';
import { createProgress } from '../report/progress.js';
import { makeStyle, shouldUseColor } from '../report/terminal.js';
import { formatDiagnostic } from '../text/diagnostic.js';
import { runDecode } from './decode-run.js';
import { EXIT } from './exit-codes.js';
import { problemWithOutPath } from './out-path.js';
import { outputWidth, problemWithWidth } from './output-width.js';
import { tell } from './tell.js';

export interface DecodeCommandOptions {
  file: string;
  format: DecodeFormatName;
  limit: number | undefined;
  summaryOnly: boolean;
  /** A file to write to; undefined or '-' for stdout. */
  out: string | undefined;
  color: boolean | undefined;
  /** 1 keeps flow counting on this thread; undefined lets it use a second thread when it pays. */
  threads: number | undefined;
  /** `--vxlan-port`, `--geneve-port`, `--ip-in-udp-port`: added to the ports the host's own `ip -d link` names. */
  tunnelPorts: TunnelPorts;
  /** `--width`: columns of terminal text (0 = no limit); see output-width.ts. */
  width?: number | undefined;
}

export async function runDecodeCommand(options: DecodeCommandOptions): Promise<number> {
  const { file } = options;
  const optionProblem = problemWithOutPath(options.out) ?? problemWithWidth(options.width);
  if (optionProblem !== null) {
    tell('decode', optionProblem);
    return EXIT.usage;
  }
  const toFile = options.out !== undefined && options.out !== '-';
  const color = shouldUseColor(toFile ? {} : process.stdout, options.color, process.env);
  let fd = 1;
  if (toFile) {
    try {
      fd = openSync(options.out!, 'w');
    } catch (err) {
      tell('decode', `cannot write ${options.out}: ${(err as Error).message}`);
      return EXIT.usage;
    }
  }
  // Synchronous writes: natural back-pressure, nothing piles up in memory whatever the capture size.
  let closedPipe = false;
  const write = (text: string): void => {
    if (text === '' || closedPipe) return;
    try {
      writeAll(fd, text);
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
  const host = await hostInterfaces(file);
  const names = new Map(host.interfaces.map((i) => [i.index, i.name] as const));
  const fromHost = tunnelPortsOf(host.interfaces);
  // The capture's host folder says which ports its tunnels use; the options add to that.
  const tunnelPorts: TunnelPorts = {
    vxlan: [...new Set([...options.tunnelPorts.vxlan, ...fromHost.ports.vxlan])],
    geneve: [...new Set([...options.tunnelPorts.geneve, ...fromHost.ports.geneve])],
    ipInUdp: [...new Set([...options.tunnelPorts.ipInUdp, ...fromHost.ports.ipInUdp])],
  };
  if (fromHost.notes.length > 0) tell('decode', `tunnel ports from the ip -d link dump beside the capture: ${fromHost.notes.join('; ')}`);
  progress.start(file, size);
  try {
    const result = await runDecode({
      file,
      format: options.format,
      limit: options.limit,
      summaryOnly: options.summaryOnly,
      ctx: { style: makeStyle(color), width: outputWidth(options.width, toFile, process.stdout, process.env), file },
      write,
      progress: (bytes) => progress.update(bytes),
      ifNames: names,
      fileInterface: host.fileInterface,
      tunnelPorts,
      flowWorker: options.threads === 1 ? 'never' : 'auto',
    });
    progress.finish();
    const read = result.read;
    const named = result.summary.ifIndexes.some((i) => i.name !== null) || result.summary.interfaces.some((i) => i.nameFrom === 'file-name');
    if (named) {
      const byFile = result.summary.interfaces.some((i) => i.nameFrom === 'file-name') ? `; the file is named after ${host.fileInterface}` : '';
      tell('decode', `interfaces named from the host's ${host.dumps.join(', ')}${byFile}`);
    }
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    for (const d of result.diagnostics) if (d.severity !== 'info') tell('decode', formatDiagnostic(d));
    if (errors.length === 0) return EXIT.ok;
    const at = errors[0]!.place.offset;
    tell(
      'decode',
      `${file} is ${read.format === null ? 'not a readable capture' : 'incomplete'}` +
        `${at === undefined ? '' : ` (problem at byte offset ${at})`}: ${read.packets} packet(s) before it were decoded`,
    );
    // No packet at all: nothing usable; packets before the damage: a partial result.
    return read.packets === 0 ? EXIT.noUsableInput : EXIT.inputErrors;
  } catch (err) {
    progress.finish();
    if (err instanceof CaptureFileError) {
      tell('decode', err.message);
      return EXIT.noUsableInput;
    }
    throw err;
  } finally {
    if (toFile) closeSync(fd);
  }
}

function writeAll(fd: number, text: string): void {
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
