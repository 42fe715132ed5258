// yargs' own failure messages ("Not enough non-option arguments: got 0, need at least 1") told in
// natpath's words: which command, what is missing or unknown, and where to read more.

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

/** The command named on the command line (the first word that is one), if any. */
export function commandNamed(argv: readonly string[]): string | undefined {
  for (const word of argv) {
    if (word.startsWith('-')) continue;
    return COMMAND_SUMMARIES.some(([name]) => name === word) ? word : undefined;
  }
  return undefined;
}

/** The list printed when no command is given. */
export function listCommands(): string {
  const width = Math.max(...COMMAND_SUMMARIES.map(([name]) => name.length));
  const lines = COMMAND_SUMMARIES.map(([name, what]) => `  natpath ${name.padEnd(width)}  ${what}`);
  return `natpath: name a command:\n${lines.join('\n')}\nRun "natpath <command> --help" for its options and examples.\n`;
}

/** One failure of argument parsing, rewritten; `argv` tells which command it concerns. */
export function describeUsageFailure(yargsMessage: string, argv: readonly string[]): string {
  const command = commandNamed(argv);
  const who = command === undefined ? 'natpath' : `natpath ${command}`;
  const help = command === undefined ? 'Run "natpath --help" for the commands.' : `Run "natpath ${command} --help" for its options and examples.`;
  return `${who}: ${reword(yargsMessage, command, argv)}\n${help}\n`;
}

function reword(message: string, command: string | undefined, argv: readonly string[]): string {
  let m: RegExpMatchArray | null;
  if (/^Not enough non-option arguments/.test(message)) {
    return (command !== undefined && POSITIONAL_NEEDS[command]) || 'an argument is missing';
  }
  if ((m = message.match(/^Too many non-option arguments: got (\d+), maximum of (\d+)/))) {
    return `too many arguments (${m[1]}; at most ${m[2]})`;
  }
  if ((m = message.match(/^Unknown arguments?: (.*)$/s))) {
    const words = m[1]!.split(', ');
    // A first word that is no command is an unknown command, not an unknown option.
    if (command === undefined && words.length > 0 && argv.find((w) => !w.startsWith('-')) === words[0]) {
      return `unknown command "${words[0]}"`;
    }
    const named = words.map((w) => (argv.includes(`--${w}`) || argv.some((a) => a.startsWith(`--${w}=`)) ? `--${w}` : argv.includes(`-${w}`) ? `-${w}` : `"${w}"`));
    return `unknown ${words.length === 1 ? 'option or argument' : 'options or arguments'} ${named.join(', ')}`;
  }
  if ((m = message.match(/^Did you mean (.*)\?$/))) {
    const typed = argv.find((w) => !w.startsWith('-'));
    return `unknown command${typed === undefined ? '' : ` "${typed}"`}; did you mean "${m[1]}"?`;
  }
  if ((m = message.match(/^Missing required arguments?: (.*)$/))) {
    return `missing ${m[1]!.split(', ').map((w) => `--${w}`).join(', ')}`;
  }
  if ((m = message.match(/^Not enough arguments following: (.*)$/))) {
    return `--${m[1]} needs a value`;
  }
  if ((m = message.match(/Argument: (\S+), Given: (.*), Choices: (.*)$/m))) {
    return `--${m[1]} ${m[2]} is not one of ${m[3]}`;
  }
  return message.charAt(0).toLowerCase() + message.slice(1);
}
