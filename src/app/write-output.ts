// Results go to stdout, or to --out; an unwritable --out is a clear error, not a stack trace, and a
// closed stdout pipe ends the run quietly (closed-pipe.ts).

import { writeFile } from 'node:fs/promises';
import { isClosedPipe } from './closed-pipe.js';

export async function writeOutput(text: string, outPath: string | undefined): Promise<void> {
  if (outPath === undefined || outPath === '-') {
    await new Promise<void>((resolve, reject) => {
      // On EPIPE the stream's 'error' handler ends the process; nothing more to do here.
      process.stdout.write(text, (err) => (err && !isClosedPipe(err) ? reject(err) : resolve()));
    });
    return;
  }
  await writeFile(outPath, text);
}
