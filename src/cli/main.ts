// natpath's command line: its commands and the main help's text, run by run-program.ts. Each
// command lives in its own module and loads its heavy code lazily, so `natpath --help` stays instant.

import { inspectCommand } from './inspect-command.js';
import { decodeCommand } from './decode-command.js';
import { analyzeCommand } from './analyze-command.js';
import { traceCommand } from './trace-command.js';
import { batchCommand } from './batch-command.js';
import { collectCommand } from './collect-command.js';
import { NATPATH_HELP } from './natpath-help.js';
import { runProgram, type Program } from './run-program.js';

export { EXIT } from '../app/exit-codes.js';

const NATPATH: Program = {
  // In the order `natpath --help` lists them.
  commands: [inspectCommand, decodeCommand, analyzeCommand, traceCommand, batchCommand, collectCommand],
  ...NATPATH_HELP,
};

export function main(argv: string[]): Promise<number> {
  return runProgram(argv, NATPATH);
}
