#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through `prepare`).
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    // Last resort: main() reports its own errors; this only catches bugs, without a stack trace by default.
    process.stderr.write(`natpath: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.NATPATH_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
    process.exitCode = 70;
  },
);
