// Runs the built CLI's main() (dist/cli/main.js, the very code bin/natpath.js starts) inside the
// test process, with stdout and stderr captured: the same argv, exit code and output as runCli,
// without starting a Node process per call (~0.25 s CPU each, docs/testing.md). stdout looks like
// a pipe, as under runCli (no colour, no terminal width). What a command writes straight to file
// descriptor 1 or 2 (`decode` uses fs.writeSync for speed) is captured too. For behaviour only a
// real process shows — exit status of the process, a closed pipe, signals — use runCli.

import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../corpus.js';
import type { CliResult } from './run-cli.js';

type Main = (argv: string[]) => Promise<number>;
let mainPromise: Promise<Main> | undefined;

function loadMain(): Promise<Main> {
  mainPromise ??= import(pathToFileURL(join(PROJECT_ROOT, 'dist', 'cli', 'main.js')).href).then((m: { main: Main }) => m.main);
  return mainPromise;
}

/** One call at a time: stdout, stderr and the environment are the process's own. */
let busy: Promise<unknown> = Promise.resolve();

export function runCliInProcess(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const run = busy.then(() => runOnce(args, env));
  busy = run.catch(() => undefined);
  return run;
}

type StreamWrite = (chunk: string | Uint8Array, encodingOrDone?: BufferEncoding | ((e?: Error | null) => void), done?: (e?: Error | null) => void) => boolean;

async function runOnce(args: string[], env: Record<string, string>): Promise<CliResult> {
  const main = await loadMain();
  // Bytes, joined before decoding: a character may be split between two writes.
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const into = (fd: number): Buffer[] | null => (fd === 1 ? out : fd === 2 ? err : null);
  // As runCli: no colour unless the test asks, whatever the outer environment says.
  const vars = { NO_COLOR: '', FORCE_COLOR: '', ...env };
  const saved = new Map(Object.keys(vars).map((k) => [k, process.env[k]]));
  const capture =
    (to: Buffer[]): StreamWrite =>
    (chunk, encodingOrDone, done) => {
      to.push(typeof chunk === 'string' ? Buffer.from(chunk, typeof encodingOrDone === 'string' ? encodingOrDone : 'utf8') : Buffer.from(chunk));
      const callback = typeof encodingOrDone === 'function' ? encodingOrDone : done;
      if (callback !== undefined) process.nextTick(callback);
      return true;
    };
  const writeOut = process.stdout.write;
  const writeErr = process.stderr.write;
  const writeSync = fs.writeSync;
  const tty = { isTTY: process.stdout.isTTY, columns: process.stdout.columns };
  Object.assign(process.env, vars);
  process.stdout.write = capture(out) as typeof process.stdout.write;
  process.stderr.write = capture(err) as typeof process.stderr.write;
  Object.assign(process.stdout, { isTTY: false, columns: undefined });
  fs.writeSync = ((fd: number, data: string | NodeJS.ArrayBufferView, ...rest: unknown[]): number => {
    const to = into(fd);
    if (to === null) return (writeSync as (...a: unknown[]) => number)(fd, data, ...rest);
    if (typeof data === 'string') {
      const bytes = Buffer.from(data, typeof rest[1] === 'string' ? (rest[1] as BufferEncoding) : 'utf8');
      to.push(bytes);
      return bytes.length;
    }
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const offset = typeof rest[0] === 'number' ? rest[0] : 0;
    const length = typeof rest[1] === 'number' ? rest[1] : bytes.length - offset;
    to.push(Buffer.from(bytes.subarray(offset, offset + length)));
    return length;
  }) as typeof fs.writeSync;
  // Named imports of node:fs (`import { writeSync } from 'node:fs'`) see the replacement only after this.
  syncBuiltinESMExports();
  let code: number;
  try {
    code = await main(args);
  } catch (e) {
    // bin/natpath.js turns a throw into exit 70 with this line.
    err.push(Buffer.from(`natpath: internal error: ${e instanceof Error ? e.message : String(e)}\n`));
    code = 70;
  } finally {
    fs.writeSync = writeSync;
    syncBuiltinESMExports();
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    Object.assign(process.stdout, tty);
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
