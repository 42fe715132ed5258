// Runs the built CLI's main() (dist/cli/main.js, the very code bin/natpath.js starts) inside the
// test process, with stdout and stderr captured: the same argv, exit code and output as runCli,
// without starting a Node process per call (~0.3–1 s each on this machine). For behaviour only a
// real process shows — exit status of the process, a closed pipe, signals — use runCli.

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

async function runOnce(args: string[], env: Record<string, string>): Promise<CliResult> {
  const main = await loadMain();
  const out: string[] = [];
  const err: string[] = [];
  const writeOut = process.stdout.write;
  const writeErr = process.stderr.write;
  // As runCli: no colour unless the test asks, whatever the outer environment says.
  const vars = { NO_COLOR: '', FORCE_COLOR: '', ...env };
  const saved = new Map(Object.keys(vars).map((k) => [k, process.env[k]]));
  const capture =
    (into: string[]) =>
    (chunk: string | Uint8Array, encodingOrDone?: BufferEncoding | ((e?: Error | null) => void), done?: (e?: Error | null) => void): boolean => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const callback = typeof encodingOrDone === 'function' ? encodingOrDone : done;
      if (callback !== undefined) process.nextTick(callback);
      return true;
    };
  Object.assign(process.env, vars);
  process.stdout.write = capture(out) as typeof process.stdout.write;
  process.stderr.write = capture(err) as typeof process.stderr.write;
  let code: number;
  try {
    code = await main(args);
  } catch (e) {
    // bin/natpath.js turns a throw into exit 70 with this line.
    err.push(`natpath: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    code = 70;
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return { code, stdout: out.join(''), stderr: err.join('') };
}
