// What `natpath decode` runs: the command line against a program of decode alone. The CommonJS
// script bin/natpath.js compiles with its code cache for decode (dist/bundle/decode.cjs, made by
// scripts/bundle.mjs) starts here, so it holds the decoder and none of analyze, trace, batch or the
// report renderers: a quarter of the CLI's bytes to read at every start (docs/performance.md, "The
// natpath command, decode's own script"). The launcher starts it only for a command line whose
// command word is decode, so the main help it could show is never asked of it.

import { decodeCommand } from './decode-command.js';
import { NATPATH_HELP } from './natpath-help.js';
import { runProgram, type Program } from './run-program.js';
import { startCli } from './start-cli.js';

const DECODE_ALONE: Program = { commands: [decodeCommand], ...NATPATH_HELP };

startCli((argv) => runProgram(argv, DECODE_ALONE));
