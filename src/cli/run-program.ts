// Runs a command line against a program's commands: which command, `--help`/`--version`, then
// the command's own table parsed and checked (parse-command-line.ts) and its runner started. The
// program is natpath's (main.ts) or decode's alone (decode-launch.ts, the script bin/natpath.js
// starts for `natpath decode`). No parsing library: the tables, node:util's parseArgs and ~300
// lines of our own (why: docs/decisions.md).

import { readPackageVersion } from '../app/version.js';
import { EXIT } from '../app/exit-codes.js';
import { endQuietlyOnClosedPipe } from '../app/closed-pipe.js';
import { outputWidth } from '../app/output-width.js';
import { GLOBAL_OPTIONS, type AnyCommand, type CommandSpec, type OptionTable } from './command-spec.js';
import { parseCommandLine } from './parse-command-line.js';
import { closestWord } from './closest-word.js';
import { commandHelp, mainHelp } from './help-text.js';
import { describeUsageFailure } from './usage-message.js';
import type { UsageFailure } from './usage-failure.js';

/** What a command line is run against: the commands (in the order help lists them) and the main help's text. */
export interface Program {
  readonly commands: readonly AnyCommand[];
  readonly intro: string;
  readonly examples: ReadonlyArray<readonly [string, string]>;
  readonly epilogue: string;
}

/** Help is never wider than this, however wide the terminal: long lines are hard to read. */
const HELP_MAX_WIDTH = 110;
/** Help's width when there is no terminal and no COLUMNS (`natpath --help | less`). */
const HELP_PIPE_WIDTH = 100;

export async function runProgram(argv: readonly string[], program: Program): Promise<number> {
  let exitCode: number = EXIT.ok;
  endQuietlyOnClosedPipe(() => exitCode);
  // Words after `--` are arguments, never options or the command (a file may be named "-h").
  const end = argv.indexOf('--');
  const before = end === -1 ? argv : argv.slice(0, end);
  const commandAt = commandIndex(before);
  const word = commandAt === -1 ? undefined : before[commandAt];
  const asksHelp = asksFor(before, '--help', 'h');

  if (word === 'help') {
    // `natpath help [command]`, as git and npm have it.
    const named = program.commands.find((c) => c.name === before[commandAt + 1]);
    process.stdout.write(helpFor(program, named, argv));
    return EXIT.ok;
  }
  const command = program.commands.find((c) => c.name === word);
  if (asksHelp && (command !== undefined || word === undefined)) {
    process.stdout.write(helpFor(program, command, argv));
    return EXIT.ok;
  }
  if (asksFor(before, '--version', 'V')) {
    process.stdout.write(`${readPackageVersion()}\n`);
    return EXIT.ok;
  }
  if (word === undefined) return usageError({ code: 'no-command' }, undefined);
  if (command === undefined) {
    return usageError({ code: 'unknown-command', typed: word, suggestion: closestWord(word, program.commands.map((c) => c.name)) }, undefined);
  }

  const rest = [...argv.slice(0, commandAt), ...argv.slice(commandAt + 1)];
  const parsed = parseCommandLine(command, optionsOf(command), rest);
  if (!parsed.ok) return usageError(parsed.failure, command.name);
  // The values were made from this command's own table: the shape ArgsOf derives from it.
  exitCode = await command.run(parsed.values as never, parsed.positionals);
  return exitCode;
}

/** The long flag, or its short letter alone or grouped with other short flags (`-h`, `-vh`, `-vV`). */
function asksFor(words: readonly string[], long: string, short: string): boolean {
  return words.some((w) => w === long || (w.length >= 2 && w[0] === '-' && w[1] !== '-' && /^-[a-zA-Z]+$/.test(w) && w.includes(short)));
}

/** Where the command's name is: the first word that is neither an option nor a global option's value (`--width 40 decode`). */
function commandIndex(words: readonly string[]): number {
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!w.startsWith('-')) return i;
    const global = w.startsWith('--') && !w.includes('=') ? (GLOBAL_OPTIONS as OptionTable)[w.slice(2)] : undefined;
    if (global !== undefined && global.type !== 'boolean') i++;
  }
  return -1;
}

function optionsOf(command: CommandSpec): OptionTable {
  return { ...command.options, ...GLOBAL_OPTIONS };
}

function usageError(failure: UsageFailure, command: string | undefined): number {
  process.stderr.write(describeUsageFailure(failure, command));
  return EXIT.usage;
}

function helpFor(program: Program, command: CommandSpec | undefined, argv: readonly string[]): string {
  const width = helpWidth(argv);
  return command === undefined
    ? mainHelp(program.intro, program.commands, GLOBAL_OPTIONS, program.examples, program.epilogue, width)
    : commandHelp(command, GLOBAL_OPTIONS, width);
}

/** `--width N` when given (0 = no limit), else the terminal's width up to HELP_MAX_WIDTH. */
function helpWidth(argv: readonly string[]): number {
  const i = argv.findIndex((w) => w === '--width' || w.startsWith('--width='));
  const given = i === -1 ? undefined : Number(argv[i]!.startsWith('--width=') ? argv[i]!.slice(8) : argv[i + 1]);
  if (given !== undefined && Number.isInteger(given) && given >= 0) return outputWidth(given, false, process.stdout, process.env);
  const fit = outputWidth(undefined, false, process.stdout, process.env);
  return Number.isFinite(fit) ? Math.min(HELP_MAX_WIDTH, fit) : HELP_PIPE_WIDTH;
}
