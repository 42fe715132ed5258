// What `natpath` runs: main() with the process's arguments, its result as the exit code. The
// bundle (scripts/bundle.mjs) starts here, so bin/natpath.js loads one file instead of ~160.

import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Last resort: main() reports its own errors; this only catches bugs, without a stack trace by default.
    process.stderr.write(`natpath: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.NATPATH_DEBUG) process.stderr.write(`${err instanceof Error ? (err.stack ?? '') : ''}\n`);
    process.exitCode = 70;
  },
);
