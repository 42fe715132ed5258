// The case a command was pointed at: positional paths plus `--host NAME=PATH` specs, checked the
// same way by every command that reads a case. On a problem, says what is wrong on stderr and
// returns the exit code instead: a usage error, or "nothing usable" when no named path exists
// (nothing is written to stdout then).

import { existsSync } from 'node:fs';
import type { CaseRequest } from '../case/load-case.js';
import { EXIT } from './exit-codes.js';
import { tell } from './tell.js';

export async function caseRequestFromArgs(command: string, paths: string[] | undefined, hostSpecs: string[] | undefined): Promise<CaseRequest | number> {
  const { parseHostSpec } = await import('../case/load-case.js');
  const hosts = [];
  for (const spec of hostSpecs ?? []) {
    const parsed = parseHostSpec(spec);
    if (parsed === null) {
      tell(command, `--host expects NAME=PATH, got "${spec}"`);
      return EXIT.usage;
    }
    hosts.push(parsed);
  }
  if ((paths ?? []).length === 0 && hosts.length === 0) {
    tell(command, 'name a case folder, host folder or file, or use --host NAME=PATH');
    return EXIT.usage;
  }
  const named = [...(paths ?? []), ...hosts.map((h) => h.path)];
  const missing = named.filter((p) => !existsSync(p));
  if (missing.length === named.length) {
    for (const p of missing) tell(command, `${p}: no such file or folder`);
    return EXIT.noUsableInput;
  }
  return { paths: paths ?? [], hosts };
}
