// What can be wrong with a command line, as data (the parser returns it, usage-message.ts says
// it in words): one kind per mistake, each with what the user typed.

export type UsageFailure =
  | { code: 'no-command' }
  | { code: 'unknown-command'; typed: string; suggestion?: string }
  | { code: 'unknown-options'; typed: string[]; suggestion?: string }
  | { code: 'needs-value'; option: string }
  | { code: 'no-value-taken'; option: string; given: string }
  | { code: 'bad-choice'; option: string; given: string; choices: readonly string[]; suggestion?: string }
  | { code: 'bad-number'; option: string; given: string; expects: string }
  | { code: 'missing-positional'; name: string }
  | { code: 'too-many-positionals'; given: string[]; max: number }
  | { code: 'missing-options'; options: string[] }
  | { code: 'conflict'; options: readonly [string, string] };
