// What one `-m` match module is to the rule reader: the options it owns (and how many values
// each takes), and how it turns its group of options into typed matches. Each module lives in
// matches/ (one file per module, as decode/ has one file per protocol); matches/index.ts is the
// registry the reader looks names up in.

import type { Family } from '../net/address.js';
import type { Match } from './model.js';
import type { RuleProblem } from './rule-problem.js';

export interface RawOption {
  name: string;
  negated: boolean;
  args: string[];
}

/** The options written after one `-m NAME` (or implied by `-p tcp`), in order. */
export interface OptionGroup {
  module: string;
  options: RawOption[];
  /** Text of the group as written, for unknown modules. */
  words: string[];
}

/** What a module's reader writes to, and the reports it may make. */
export interface ModuleReader {
  readonly family: Family;
  readonly group: OptionGroup;
  readonly out: Match[];
  readonly problems: RuleProblem[];
  /** The option is the module's but its value is wrong: an error, and the option becomes an unknown match. */
  bad(o: RawOption, why: string): void;
  /** An option natpath does not read for this module: a warning, and an unknown match. */
  unknownOption(o: RawOption): void;
}

export interface MatchModule {
  /** The `-m` name. */
  readonly name: string;
  /** Every option it owns; an option outside this list is reported as unknown. */
  readonly options: readonly string[];
  /** Options that take no value. */
  readonly flags?: readonly string[];
  /** Options that take two values (`--tcp-flags MASK SET`). */
  readonly twoValues?: readonly string[];
  read(r: ModuleReader): void;
}

/** How many values `option` takes in `module`. */
export function optionArity(module: MatchModule, option: string): number {
  if (module.flags?.includes(option)) return 0;
  if (module.twoValues?.includes(option)) return 2;
  return 1;
}

/** The first value of an option ('' when it has none). */
export function firstArg(o: RawOption): string {
  return o.args[0] ?? '';
}

/** The group as written (`-m NAME [!] --opt value …`), for matches natpath keeps as unknown. */
export function groupText(group: OptionGroup): string {
  const words = ['-m', group.module];
  for (const o of group.options) {
    if (o.negated) words.push('!');
    words.push(o.name, ...o.args);
  }
  return words.join(' ');
}

export function splitList(text: string): string[] {
  return text.length === 0 ? [] : text.split(',');
}
