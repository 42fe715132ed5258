// Results go to stdout, or to --out; an unwritable --out is a clear error, not a stack trace.

import { writeFile } from 'node:fs/promises';

export async function writeOutput(text: string, outPath: string | undefined): Promise<void> {
  if (outPath === undefined || outPath === '-') {
    await new Promise<void>((resolve, reject) => {
      process.stdout.write(text, (err) => (err ? reject(err) : resolve()));
    });
    return;
  }
  await writeFile(outPath, text);
}
