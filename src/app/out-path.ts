// `--out FILE` checked before any work: a missing folder is a usage error naming it (not created —
// a typo should not leave a stray tree behind, and a two-minute analysis should not end in ENOENT).

import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** What is wrong with writing to `out`, or null when it can be written (or is stdout). */
export function problemWithOutPath(out: string | undefined): string | null {
  if (out === undefined || out === '-') return null;
  if (out === '') return '--out needs a file name';
  const folder = dirname(resolve(out));
  const folderInfo = statSync(folder, { throwIfNoEntry: false });
  if (folderInfo === undefined) return `--out ${out}: the folder ${folder} does not exist (create it first)`;
  if (!folderInfo.isDirectory()) return `--out ${out}: ${folder} is not a folder`;
  const target = statSync(out, { throwIfNoEntry: false });
  if (target?.isDirectory()) return `--out ${out} is a folder; name a file in it`;
  return null;
}
