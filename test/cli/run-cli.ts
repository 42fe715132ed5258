// Runs the built CLI (dist/, made by `npm run build` before the tests) as a user would: by the
// command npm installs, bin/natpath (a shell launcher that starts Node on bin/natpath.js).

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../corpus.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(join(PROJECT_ROOT, 'bin', 'natpath'), args, {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...env },
    timeout: 120_000,
  });
  // A run killed (signal, timeout, too much output) has no status: say why in stderr.
  const why = r.status === null ? `\n[runCli: no exit status: signal ${r.signal ?? 'none'}${r.error ? `, ${r.error.message}` : ''}]` : '';
  return { code: r.status ?? -1, stdout: r.stdout, stderr: `${r.stderr ?? ''}${why}` };
}
