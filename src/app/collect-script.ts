// Where the collect script shipped with natpath lives: bin/natpath-collect.sh in the package
// (`files` ships bin/), two folders up from this module both in src/ and in dist/.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function collectScriptPath(): string {
  return fileURLToPath(new URL('../../bin/natpath-collect.sh', import.meta.url));
}

export function readCollectScript(): string {
  return readFileSync(collectScriptPath(), 'utf8');
}
