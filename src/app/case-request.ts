// The case a command was pointed at: positional paths plus `--host NAME=PATH` specs, checked the
// same way by every command that reads a case. Returns null after saying what is wrong.

import type { CaseRequest } from '../case/load-case.js';

export async function caseRequestFromArgs(command: string, paths: string[] | undefined, hostSpecs: string[] | undefined): Promise<CaseRequest | null> {
  const { parseHostSpec } = await import('../case/load-case.js');
  const hosts = [];
  for (const spec of hostSpecs ?? []) {
    const parsed = parseHostSpec(spec);
    if (parsed === null) {
      process.stderr.write(`natpath: --host expects NAME=PATH, got "${spec}"\n`);
      return null;
    }
    hosts.push(parsed);
  }
  if ((paths ?? []).length === 0 && hosts.length === 0) {
    process.stderr.write(`natpath ${command}: name a case folder, host folder or file, or use --host NAME=PATH\n`);
    return null;
  }
  return { paths: paths ?? [], hosts };
}
