// A usage failure (usage-failure.ts) told in natpath's words: which command, what is missing,
// unknown or out of range, a "did you mean" when a known word is one typo away, and where to
// read more. What the user typed is echoed with control characters escaped, so a stray escape
// sequence in an argument cannot rewrite the terminal.

import { shown } from '../text/shown.js';
import type { UsageFailure } from './usage-failure.js';

/** The commands, in the order `natpath` with no command lists them. */
export const COMMAND_SUMMARIES: ReadonlyArray<readonly [name: string, what: string]> = [
  ['analyze', 'what address the server sees, hop by hop, and which rule translated'],
  ['trace', "walk one packet through a host's iptables and routing"],
  ['inspect', 'what is in a case: hosts, files, their kind and facts'],
  ['decode', 'one line per packet of a capture, or totals with --summary'],
  ['batch', 'many cases at once, with summary.csv'],
  ['collect', "gather a host's state and a bounded capture (run on the host)"],
];

/** What each command needs as positional arguments, said to a person. */
const POSITIONAL_NEEDS: Record<string, string> = {
  decode: 'name the capture file to decode: natpath decode <capture>',
};

/** The list printed when no command is given. */
export function listCommands(): string {
  const width = Math.max(...COMMAND_SUMMARIES.map(([name]) => name.length));
  const lines = COMMAND_SUMMARIES.map(([name, what]) => `  natpath ${name.padEnd(width)}  ${what}`);
  return `natpath: name a command:\n${lines.join('\n')}\nRun "natpath <command> --help" for its options and examples.\n`;
}

/** The message for one failure; `command` is the command it concerns, if one was named. */
export function describeUsageFailure(failure: UsageFailure, command: string | undefined): string {
  if (failure.code === 'no-command') return listCommands();
  const who = command === undefined ? 'natpath' : `natpath ${command}`;
  const help = command === undefined ? 'Run "natpath --help" for the commands.' : `Run "natpath ${command} --help" for its options and examples.`;
  return `${who}: ${sayFailure(failure, command)}\n${help}\n`;
}

function sayFailure(f: Exclude<UsageFailure, { code: 'no-command' }>, command: string | undefined): string {
  const mean = (s: string | undefined, quote = true) => (s === undefined ? '' : `; did you mean ${quote ? `"${s}"` : s}?`);
  switch (f.code) {
    case 'unknown-command':
      return `unknown command "${shown(f.typed)}"${mean(f.suggestion)}`;
    case 'unknown-options':
      return `unknown ${f.typed.length === 1 ? 'option or argument' : 'options or arguments'} ${f.typed.map((t) => shown(t)).join(', ')}${mean(f.suggestion, false)}`;
    case 'needs-value':
      return `${f.option} needs a value`;
    case 'no-value-taken':
      return `${f.option} is a switch: it takes no value (or true/false), got "${shown(f.given)}"`;
    case 'bad-choice':
      return `${f.option} "${shown(f.given)}" is not one of ${f.choices.map((c) => `"${c}"`).join(', ')}${mean(f.suggestion)}`;
    case 'bad-number':
      return `${f.option} expects ${f.expects}, got ${shown(f.given)}`;
    case 'missing-positional':
      return (command !== undefined && POSITIONAL_NEEDS[command]) || `${f.name} is missing`;
    case 'too-many-positionals':
      return f.max === 0
        ? `unknown ${f.given.length === 1 ? 'argument' : 'arguments'} ${f.given.map((g) => `"${shown(g)}"`).join(', ')} (this command takes none)`
        : `too many arguments: ${f.given.map((g) => `"${shown(g)}"`).join(', ')} (it takes ${f.max})`;
    case 'missing-options':
      return `missing ${f.options.join(', ')}`;
    case 'conflict':
      return `${f.options[0]} and ${f.options[1]} cannot be used together`;
  }
}

