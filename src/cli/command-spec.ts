// The shape of a natpath command as data: its options (type, aliases, default, choices, number
// bounds, help text), its positional arguments, examples and closing notes, and what it runs.
// One table per command drives parsing (parse-command-line.ts), checking and `--help`
// (help-text.ts); `ArgsOf` derives the type of the parsed values from the same table, so a
// command cannot read an option it did not declare, nor read it as the wrong type.

export interface OptionBase {
  /** One line or more of help; wrapped to the terminal when printed. */
  describe: string;
  /** Other long names (`--from` for `--src`). */
  aliases?: readonly string[];
  /** A one-letter name (`-v`). */
  short?: string;
  /** What the value is called in help (`<N>`, `<FILE>`). */
  meta?: string;
  /** Given any number of times, each occurrence adding one value (never several words at once). */
  repeat?: boolean;
  /** The command refuses to run without it. */
  required?: boolean;
}

export interface StringOption extends OptionBase {
  type: 'string';
  default?: string;
  /** The only values accepted, in the order help lists them. */
  choices?: readonly string[];
}

export interface NumberOption extends OptionBase {
  type: 'number';
  default?: number;
  integer?: boolean;
  min?: number;
  max?: number;
  /** What the user must give, as the error says it: "--limit expects <this>, got 0". */
  expects: string;
}

export interface BooleanOption extends OptionBase {
  type: 'boolean';
  default?: boolean;
}

export type OptionSpec = StringOption | NumberOption | BooleanOption;
export type OptionTable = Readonly<Record<string, OptionSpec>>;

type ValueOf<O extends OptionSpec> = O extends { type: 'number' } ? number : O extends { type: 'boolean' } ? boolean : string;

/** Parsed values by option name: repeatable options are arrays (empty when absent), options with a default are always set. */
export type ArgsOf<T extends OptionTable> = {
  readonly [K in keyof T]: T[K] extends { repeat: true }
    ? ValueOf<T[K]>[]
    : T[K] extends { default: unknown } | { required: true }
      ? ValueOf<T[K]>
      : ValueOf<T[K]> | undefined;
};

export interface PositionalSpec {
  /** As help shows it: `<capture>` for one required, `[paths...]` for any number. */
  name: string;
  describe: string;
  /** Exactly one (required), or any number (variadic). */
  arity: 'one' | 'many';
}

export interface CommandSpec<T extends OptionTable = OptionTable> {
  name: string;
  /** One sentence for `natpath --help`'s list and the head of the command's own help. */
  describe: string;
  positional?: PositionalSpec;
  options: T;
  /** Pairs of options that cannot be given together. */
  conflicts?: ReadonlyArray<readonly [keyof T & string, keyof T & string]>;
  examples?: ReadonlyArray<readonly [command: string, what: string]>;
  /** Text after the examples (exit codes, rules); its own line breaks are kept. */
  epilogue?: string;
  /** Runs the command with checked values; resolves to the exit code. Loads its heavy code lazily. */
  run(args: ArgsOf<T> & GlobalArgs, positionals: string[]): Promise<number>;
}

/** Options every command takes (natpath's own `--help`/`--version` are handled before parsing). */
export const GLOBAL_OPTIONS = {
  color: { type: 'boolean', describe: 'Colour the output (default: when stdout is a terminal and NO_COLOR is unset)' },
  width: {
    type: 'number',
    integer: true,
    min: 0,
    meta: 'N',
    expects: 'a whole number of columns ≥ 0 (0 = no limit)',
    describe: "Columns terminal text may use (default: the terminal's width; COLUMNS in a pipe; no limit into a file). 0 = no limit",
  },
} as const satisfies OptionTable;

export type GlobalArgs = ArgsOf<typeof GLOBAL_OPTIONS>;

/** Any command, for lists of them: each table's own types matter only inside its `run`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCommand = CommandSpec<any>;

/** Keeps the literal types of a command's table, so `run` sees its own options typed. */
export function defineCommand<const T extends OptionTable>(spec: CommandSpec<T>): CommandSpec<T> {
  return spec;
}
