// natpath's exit codes, the same in every command; `--help` and the README list them from here.
// "Nothing usable" is sysexits' EX_NOINPUT (66), as "internal error" is its EX_SOFTWARE (70).

export const EXIT = {
  ok: 0,
  /** Ran and produced output, but some inputs had errors (a damaged capture, a bad line): partial. */
  inputErrors: 1,
  usage: 2,
  /** `analyze --fail-on unexplained`: a translation no rule explains. */
  unexplained: 3,
  /** Nothing usable in the inputs: no path exists, or no capture/snapshot could be read. */
  noUsableInput: 66,
  internal: 70,
} as const;

/** One paragraph: `--help` wraps it to the terminal. */
export const EXIT_CODES_HELP =
  'Exit codes (every command): 0 success; 1 done, but some inputs had errors (or a batch case was not ok); ' +
  '2 usage error; 3 analyze --fail-on unexplained tripped; 66 nothing usable in the inputs (no such path, ' +
  'no capture or snapshot readable); 70 internal error.';
