// Starts a command line's program with the process's arguments, its result as the exit code:
// what both bundle entries run (launch.ts, natpath's commands; decode-launch.ts, decode's script).

/** Runs `run` on the process's arguments; the process ends once it is done and its output written. */
export function startCli(run: (argv: string[]) => Promise<number>): void {
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      endOnceWritten();
    },
    (err: unknown) => {
      // Last resort: the commands report their own errors; this only catches bugs, without a stack trace by default.
      process.stderr.write(`natpath: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
      if (process.env.NATPATH_DEBUG) process.stderr.write(`${err instanceof Error ? (err.stack ?? '') : ''}\n`);
      process.exitCode = 70;
    },
  );
}

/**
 * run() resolves once its command is done and its output written, so the process ends here
 * instead of waiting for what it no longer needs: a worker thread's teardown, and Node's own
 * (freeing the heap): ~10 ms of wall time after a 600 MB
 * `decode --summary` (docs/performance.md). Only when stdout and stderr hold nothing unwritten: a
 * write still queued (a pipe whose reader is slow) lets Node end as usual, after it is written.
 */
function endOnceWritten(): void {
  if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit();
}
