// Declarations several commands share word for word, kept in one place so that their help and
// parsing stay alike.

import type { PositionalSpec } from './command-spec.js';

/** The inputs of analyze and inspect. */
export const CASE_PATHS: PositionalSpec = { name: 'paths', arity: 'many', describe: 'Case folders (one sub-folder per host), host folders or single files' };

/** `--host NAME=PATH` of analyze and inspect. */
export const HOST_FILES_OPTION = { type: 'string', repeat: true, meta: 'NAME=PATH', describe: 'Files or a folder of one host' } as const;

/** `--out FILE` of the commands that write one output. */
export const OUT_FILE_OPTION = { type: 'string', meta: 'FILE', describe: 'Write the output to this file instead of stdout' } as const;
