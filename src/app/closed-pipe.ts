// `natpath … | head`: when the reader goes away, stop quietly with the exit code so far — no EPIPE
// stack trace, whatever the format or command.

let installed = false;

export function isClosedPipe(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'EPIPE';
}

export function endQuietlyOnClosedPipe(exitCode: () => number): void {
  if (installed) return;
  installed = true;
  process.stdout.on('error', (err) => {
    if (isClosedPipe(err)) process.exit(exitCode());
    // Any other write error on stdout is a real problem: say it once, plainly.
    process.stderr.write(`natpath: cannot write the output: ${err.message}\n`);
    process.exit(70);
  });
}
